//! The page tests' fixtures (`ui/src/mock/fixtures/*.json`) are the core's own answers: each
//! world is an emulator scenario, signed in as one of its users, and every answer is what the
//! operation the desktop shell's command calls returns for it, serialised as the IPC serialises
//! it (so it has the shape of `bindings.ts`). A failed operation is kept as its error, as the UI
//! would receive it.
//!
//! The checked-in files must equal what this test generates: when the core, the emulator or a
//! scenario changes an answer, the test fails until `cargo xtask fixtures` rewrites them (then
//! review the page tests that read the changed answers).

mod auth_common;
mod clients_common;
mod page_fixtures;

use std::collections::BTreeMap;
use std::path::PathBuf;

use clients_common::ops::{fast, services};
use clients_common::Env;
use page_fixtures::changes::changes;
use page_fixtures::normalise::normalise;
use page_fixtures::{about_app, activity, answer, app, decommission, ok, replaced};
use pfrm_core::migration::decommission::{check_confirmation, plan_decommission};
use pfrm_core::migration::inventory::{self, workspace_flow, ItemKind};
use pfrm_core::migration::retirement::{parse_date, Clock};
use pfrm_core::ops::instance_sign_in::{check_custom_app, record_sign_in, sign_in_status};
use pfrm_core::ops::updates::{self, CheckOptions, UpdateAllOutcome, UpdateAllRequest};
use pfrm_core::ops::workspaces::{check_workspace, list_workspaces, DEFAULT_PARALLEL_REQUESTS};
use pfrm_core::ops::{permissions, runtimes, Operations};
use pfrm_core::settings::Settings;
use pfrm_emulator::{FaultAction, FaultRule, Scenario};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

/// Where the fixtures live, from the repository's root.
const FIXTURES_DIR: &str = "ui/src/mock/fixtures";

/// Stands for what the user typed in messages that quote it (the mocks put it back).
const TYPED: &str = "{typed}";

/// Stands for the folder a flow's project is written to (the mocks put the chosen one back).
const OUT_DIR: &str = "{outDir}";

/// The name of the runtime the generator creates (the mocks put the user's name in its place).
const CREATED: &str = "rt-created";

/// Rewrite the fixtures instead of comparing (`cargo xtask fixtures` sets it).
const UPDATE_ENV: &str = "PFRM_UPDATE_FIXTURES";

/// The date every world is seen on: the page tests assert ages and days left, which must not
/// move with the calendar.
const TODAY: &str = "2026-12-06";

/// How fast emulated time runs in the worlds (a minute of Azure's is 0.3 s).
const TIME_SCALE: f64 = 200.0;

/// One page-test world: an emulator scenario seen by one of its users.
struct World {
    /// The fixture's file name (without `.json`).
    name: &'static str,
    /// A built-in scenario's name, or `pages` for the page tests' own world
    /// (`tests/fixtures/page-world.json`).
    scenario: &'static str,
    user: &'static str,
    /// People the Permissions page looks up (found or not) in this world.
    lookups: &'static [&'static str],
    /// Runtimes for which the prompt flow service answers that no update is needed
    /// (`needUpgrade` is `false`), whatever the registry lists: a service-side decision no
    /// scenario seed expresses.
    no_upgrade_needed: &'static [&'static str],
    /// One of the user's compute instances being deleted (workspace, instance), seen in a world
    /// of its own: the wizard lists it but cannot choose it.
    deleting: Option<(&'static str, &'static str)>,
    /// Whether the Activity page's operations are generated in this world.
    activity: bool,
}

const WORLDS: &[World] = &[
    // Three workspaces in two subscriptions: one where Alex may grant, one where he lacks the
    // role but administers access, one with runtimes on every kind of image.
    World {
        name: "pages",
        scenario: "pages",
        user: "alex@contoso.example",
        lookups: &[
            "bob@contoso.example",
            "carol@contoso.example",
            "nobody@contoso.example",
        ],
        no_upgrade_needed: &["rt-preview"],
        deleting: Some(("contoso-ml", "ci-alex-old")),
        activity: true,
    },
    // The sandbox's world: a first visit, one workspace, one running instance, no runtimes.
    World {
        name: "sandbox",
        scenario: "first-time",
        user: "alice@contoso.com",
        lookups: &[],
        no_upgrade_needed: &[],
        deleting: None,
        activity: false,
    },
];

/// The page tests' world: its seed, with the returning user's prompt flow assets (flows,
/// sessions, connections, deployments) in contoso-ml, made Alex's (his instance runs one of
/// the sessions), so the Inventory and Decommission pages have them to show.
fn scenario(name: &str) -> Scenario {
    if name != "pages" {
        return Scenario::by_name(name).unwrap();
    }
    let mut world = Scenario::from_json(include_str!("../fixtures/page-world.json")).unwrap();
    let returning = Scenario::by_name("returning").unwrap();
    let assets = returning
        .workspaces
        .iter()
        .find(|w| w.name == "ml-workspace")
        .map(|w| serde_json::to_string(&w.prompt_flow).unwrap())
        .expect("the returning scenario's workspace");
    let assets = assets
        .replace("alice@contoso.com", "alex@contoso.example")
        .replace("alice", "alex");
    let contoso = world
        .workspaces
        .iter_mut()
        .find(|w| w.name == "contoso-ml")
        .expect("contoso-ml in the page world");
    contoso.prompt_flow = serde_json::from_str(&assets).unwrap();
    world
}

/// The world's emulator, with the service's own answers the scenario cannot seed.
async fn start(world: &World) -> Env {
    start_in(world, scenario(world.scenario)).await
}

async fn start_in(world: &World, seed: Scenario) -> Env {
    let env = Env::start_world(seed, world.user, TIME_SCALE).await;
    for runtime in world.no_upgrade_needed {
        env.emulator.faults().add(FaultRule {
            service: Some("flow".into()),
            method: Some("GET".into()),
            path: Some(format!("**/FlowRuntimes/{runtime}/needUpgrade")),
            action: FaultAction::Respond,
            status: Some(200),
            body: Some(json!(false)),
            ..FaultRule::default()
        });
    }
    env
}

/// The user's instances in the workspace while one more of theirs is being deleted (like
/// their first, but in state `Deleting`): by workspace id.
async fn instances_while_deleting(world: &World) -> Map<String, Value> {
    let mut answers = Map::new();
    let Some((workspace, instance)) = world.deleting else {
        return answers;
    };
    let mut seed = scenario(world.scenario);
    let ws = seed
        .workspaces
        .iter_mut()
        .find(|w| w.name == workspace)
        .expect("the workspace of the instance being deleted");
    let mut doomed = ws
        .compute_instances
        .iter()
        .find(|ci| ci.assigned_to == world.user)
        .cloned()
        .expect("an instance of the user's to copy");
    doomed.name = instance.into();
    doomed.state = Some("Deleting".into());
    ws.compute_instances.insert(0, doomed);
    let env = start_in(world, seed).await;
    let services = services(&env, Operations::default());
    let listing = list_workspaces(&services, DEFAULT_PARALLEL_REQUESTS)
        .await
        .expect("the workspaces");
    for found in listing.workspaces.iter().filter(|w| w.name == workspace) {
        answers.insert(
            found.id.clone(),
            answer(runtimes::list_my_compute_instances(&services, &found.id, None).await),
        );
    }
    let ready = env.emulator.ready_info().clone();
    match normalise(Value::Object(answers), &ready, OffsetDateTime::now_utc()) {
        Value::Object(map) => map,
        _ => unreachable!("normalising keeps an object"),
    }
}

/// "Update all" over each workspace that has runtimes, in a world of its own (the single
/// updates the generator makes later would leave nothing to update): by workspace id.
async fn update_all_answers(world: &World, ids: &[String]) -> Map<String, Value> {
    let env = start(world).await;
    let today = parse_date(TODAY).expect("TODAY is a date");
    let services = services(&env, Operations::default()).with_clock(Clock::fixed(today));
    let mut answers = Map::new();
    for id in ids {
        let has_runtimes = runtimes::list_runtimes(&services, id)
            .await
            .is_ok_and(|list| !list.is_empty());
        if !has_runtimes {
            continue;
        }
        let request = UpdateAllRequest {
            workspace_ids: vec![id.clone()],
            max_parallel: None,
        };
        let mut summary =
            updates::update_all_outdated(&services, request, fast(), CheckOptions::default()).await;
        // Listed as each ended, which varies from run to run: attention first, then by name.
        summary.items.sort_by_key(|item| {
            (
                item.outcome != UpdateAllOutcome::NeedsAttention,
                item.runtime_name.clone(),
            )
        });
        answers.insert(id.clone(), ok(summary));
    }
    let ready = env.emulator.ready_info().clone();
    match normalise(Value::Object(answers), &ready, OffsetDateTime::now_utc()) {
        Value::Object(map) => map,
        _ => unreachable!("normalising keeps an object"),
    }
}

/// Every answer of one world, keyed by command, then by its arguments.
async fn generate(world: &World) -> Value {
    let started = OffsetDateTime::now_utc();
    let activity = if world.activity {
        activity::activity(world).await
    } else {
        Value::Null
    };
    let env = start(world).await;
    let today = parse_date(TODAY).expect("TODAY is a date");
    let operations = Operations::default();
    let services = services(&env, operations.clone()).with_clock(Clock::fixed(today));
    let options = CheckOptions::default();

    let listing = list_workspaces(&services, DEFAULT_PARALLEL_REQUESTS).await;
    let ids: Vec<String> = listing
        .as_ref()
        .map(|listing| listing.workspaces.iter().map(|w| w.id.clone()).collect())
        .unwrap_or_default();

    // Across workspaces, before any of them changes.
    let about_app = about_app::about_app(&env, &services, &ids).await;
    let fleet = updates::check_workspaces(&services, &ids, options).await;
    let mut update_all = update_all_answers(world, &ids).await;
    let mut removals = decommission::decommission_answers(world, &ids).await;
    let mut deleting = instances_while_deleting(world).await;
    let stock_of_all = inventory::take_inventory(&services, &ids, 4).await;

    // The compute instance sign-in of each of the user's instances: before and after the user
    // says they signed in (each from settings of its own), by `instance/region`.
    let mut sign_ins = Map::new();
    let mut instances = Vec::new();
    for workspace in listing.iter().flat_map(|listing| &listing.workspaces) {
        let mine = runtimes::list_my_compute_instances(&services, &workspace.id, None).await;
        for choice in mine.iter().flatten() {
            instances.push(choice.instance.name.clone());
            let (instance, region) = (&choice.instance.name, &workspace.location);
            let mut settings = Settings::default();
            let before = sign_in_status(&settings, &env.cloud, instance, region, today);
            let after = record_sign_in(&mut settings, &env.cloud, region, today)
                .and_then(|()| sign_in_status(&settings, &env.cloud, instance, region, today));
            sign_ins.insert(
                format!("{instance}/{region}"),
                json!({ "before": answer(before), "after": answer(after) }),
            );
        }
    }

    let mut workspaces = Map::new();
    for id in &ids {
        let mut one = Map::new();
        one.insert(
            "checkWorkspace".into(),
            answer(check_workspace(&services, id).await),
        );
        // The same check while Azure cannot answer for the user's permissions there.
        let unreachable = env.emulator.faults().add(FaultRule {
            service: Some("arm".into()),
            method: Some("GET".into()),
            path: Some(format!(
                "{id}/providers/Microsoft.Authorization/permissions"
            )),
            action: FaultAction::Respond,
            body: Some(json!({"error": {
                "code": "ServiceUnavailable",
                "message": "The service is temporarily unavailable. Please retry."
            }})),
            ..FaultRule::default()
        });
        one.insert(
            "checkWorkspacePermissionsUnreachable".into(),
            answer(check_workspace(&services, id).await),
        );
        env.emulator.faults().remove(&unreachable);
        let listed = runtimes::list_runtimes(&services, id).await;
        let names: Vec<String> = listed
            .as_ref()
            .map(|list| list.iter().map(|r| r.name.clone()).collect())
            .unwrap_or_default();
        one.insert("listRuntimes".into(), answer(listed));
        let mut details = Map::new();
        let mut versions = Map::new();
        let mut guidance = Map::new();
        for name in &names {
            details.insert(
                name.clone(),
                answer(runtimes::runtime_details(&services, id, name).await),
            );
            let version = updates::check_runtime_version(&services, id, name, options).await;
            let custom = version
                .as_ref()
                .is_ok_and(|status| status.custom_environment.is_some());
            versions.insert(name.clone(), answer(version));
            if custom {
                guidance.insert(
                    name.clone(),
                    answer(
                        updates::custom_environment_guidance(&services, id, name, options).await,
                    ),
                );
            }
        }
        one.insert("runtimeDetails".into(), Value::Object(details));
        one.insert("checkRuntimeVersion".into(), Value::Object(versions));
        one.insert("customEnvironmentGuidance".into(), Value::Object(guidance));
        let instances = runtimes::list_my_compute_instances(&services, id, None).await;
        // The name the core offers for a runtime on each of the user's instances ("" for none
        // chosen yet), against the workspace's runtimes.
        let mut suggested = Map::new();
        let instance_names: Vec<String> = instances
            .iter()
            .flatten()
            .map(|choice| choice.instance.name.clone())
            .collect();
        for instance in std::iter::once(None).chain(instance_names.iter().map(Some)) {
            suggested.insert(
                instance.cloned().unwrap_or_default(),
                json!(pfrm_core::naming::suggest_runtime_name(
                    instance.map(String::as_str),
                    &names
                )),
            );
        }
        one.insert("suggestRuntimeName".into(), Value::Object(suggested));
        one.insert("listComputeInstances".into(), answer(instances));
        // Whether each prompt flow application already on the user's instances can host a
        // runtime ("use existing"), by `instance/application`.
        let mut apps = Map::new();
        if let Ok(choices) = runtimes::list_my_compute_instances(&services, id, None).await {
            for choice in &choices {
                for app in &choice.runtime_apps {
                    let instance = &choice.instance.name;
                    apps.insert(
                        format!("{instance}/{}", app.name),
                        answer(check_custom_app(&services, id, instance, &app.name).await),
                    );
                }
            }
        }
        one.insert("checkCustomApp".into(), Value::Object(apps));
        if let Some(listed) = deleting.remove(id) {
            one.insert("listComputeInstancesWhileOneIsDeleting".into(), listed);
        }
        one.insert(
            "listOthersComputeInstances".into(),
            answer(runtimes::list_others_compute_instances(&services, id).await),
        );
        let environments = runtimes::list_environments(&services, id).await;
        // The image checks the wizard shows once an environment is chosen, by asset id.
        let mut image_checks = Map::new();
        for environment in environments.iter().flatten() {
            image_checks.insert(
                environment.asset_id.clone(),
                answer(
                    runtimes::check_environment_image(&services, id, &environment.asset_id).await,
                ),
            );
        }
        one.insert("listEnvironments".into(), answer(environments));
        one.insert("checkEnvironmentImage".into(), Value::Object(image_checks));
        one.insert(
            "grantAbility".into(),
            answer(permissions::can_grant(&services, id).await),
        );
        one.insert(
            "listRoleAssignments".into(),
            answer(permissions::list_workspace_assignments(&services, id, None).await),
        );
        one.insert(
            "listEndpointIdentities".into(),
            answer(permissions::list_endpoint_identities(&services, id).await),
        );
        let stock = inventory::take_inventory(&services, std::slice::from_ref(id), 4).await;
        // Each flow's Agent Framework project, written to a scratch folder that `OUT_DIR`
        // stands for.
        let (mut projects, mut not_empty) = (Map::new(), Map::new());
        for flow in stock
            .items
            .iter()
            .filter(|item| item.kind == ItemKind::Flow)
        {
            let Some(flow_id) = &flow.id else { continue };
            let scratch = tempfile::tempdir().unwrap();
            let out = scratch.path().join(&flow.name);
            let result = workspace_flow::scaffold_workspace_flow(&services, id, flow_id, &out)
                .await
                .map(|mut project| {
                    project.out_dir = OUT_DIR.into();
                    project
                });
            projects.insert(flow_id.clone(), answer(result));
            // The same into a folder that holds something already: refused, nothing written.
            std::fs::write(scratch.path().join("notes.txt"), "kept").unwrap();
            let refused =
                workspace_flow::scaffold_workspace_flow(&services, id, flow_id, scratch.path())
                    .await;
            let scratch = scratch.path().display().to_string();
            not_empty.insert(
                flow_id.clone(),
                replaced(&answer(refused), [(scratch.as_str(), OUT_DIR)]),
            );
        }
        one.insert("exportFlowProject".into(), Value::Object(projects));
        one.insert("exportFlowProjectNotEmpty".into(), Value::Object(not_empty));
        // Each flow's audit (the mapping table shown before the export). The definition was
        // read from a scratch folder: only its file name is kept.
        let mut audits = Map::new();
        for flow in stock
            .items
            .iter()
            .filter(|item| item.kind == ItemKind::Flow)
        {
            let Some(flow_id) = &flow.id else { continue };
            let audit = workspace_flow::audit_workspace_flow(&services, id, flow_id)
                .await
                .map(|mut audit| {
                    audit.definition = audit
                        .definition
                        .rsplit(['/', '\\'])
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    audit
                });
            audits.insert(flow_id.clone(), answer(audit));
        }
        one.insert("auditFlow".into(), Value::Object(audits));
        one.insert("takeInventory".into(), ok(stock));
        one.insert(
            "decommissionPlan".into(),
            answer(plan_decommission(&services, id, None).await),
        );
        let name = id.rsplit('/').next().unwrap_or_default();
        one.insert(
            "decommissionRefusal".into(),
            answer(check_confirmation(name, TYPED)),
        );
        if let Some(removal) = removals.remove(id) {
            one.insert("decommissionApply".into(), removal);
        }
        one.insert(
            "updateAllOutdated".into(),
            update_all.remove(id).unwrap_or(Value::Null),
        );
        // Last, as they change the world: what the page shows after the user acts.
        one.insert(
            "changes".into(),
            changes(&env.emulator, &services, &operations, world, id, &one).await,
        );
        workspaces.insert(id.clone(), Value::Object(one));
    }

    let mut find_user = BTreeMap::new();
    for query in world.lookups {
        find_user.insert(
            query.to_string(),
            answer(permissions::find_user(&services, query).await),
        );
    }

    let fixture = json!({
        "scenario": world.scenario,
        "user": world.user,
        "today": services.clock().today().to_string(),
        "listWorkspaces": answer(listing),
        "checkWorkspaceVersions": ok(fleet),
        "saveInventory": page_fixtures::inventory::saved_paths(&stock_of_all),
        "takeInventoryAll": ok(stock_of_all),
        "retirement": app::retirement(services.clock().today()),
        "validateRuntimeName": app::runtime_names(&instances),
        "exportFlowProjectRelative": app::relative_project_folder(),
        "app": about_app,
        "activity": activity,
        "findUser": find_user,
        "instanceSignIn": sign_ins,
        "workspaces": workspaces,
    });
    normalise(fixture, env.emulator.ready_info(), started)
}

fn render(fixture: &Value) -> String {
    let mut text = serde_json::to_string_pretty(fixture).unwrap();
    text.push('\n');
    text
}

#[tokio::test]
async fn checked_in_page_fixtures_are_the_cores_answers() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(FIXTURES_DIR);
    let update = std::env::var_os(UPDATE_ENV).is_some();
    let mut stale = Vec::new();
    let mut check = |name: &str, fixture: Value| {
        let expected = render(&fixture);
        let path = dir.join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            stale.push(path.display().to_string());
        }
    };
    for world in WORLDS {
        check(world.name, generate(world).await);
    }
    // Signing in, out and between accounts, and the sandbox: the same in every world.
    check("session", page_fixtures::session::session().await);
    assert!(
        stale.is_empty(),
        "the page-test fixtures differ from the core's answers: {}; run `cargo xtask fixtures`, \
         review what changed for the page tests, and commit the result",
        stale.join(", ")
    );
}
