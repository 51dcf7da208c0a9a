//! The page tests' fixtures (`ui/src/mock/fixtures/*.json`) are the core's own answers: each
//! world is an emulator scenario, signed in as one of its users, and every answer is what the
//! operation the desktop shell's command calls returns for it, serialised as the IPC serialises
//! it (so it has the shape of `bindings.ts`). A failed operation is kept as its error, as the UI
//! would receive it.
//!
//! The checked-in files must equal what this test generates: when the core, the emulator or a
//! scenario changes an answer, the test fails until `cargo xtask fixtures` rewrites them (then
//! review the page tests that read the changed answers).

mod clients_common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use clients_common::ops::{fast, services};
use clients_common::Env;
use pfrm_core::migration::decommission;
use pfrm_core::migration::inventory::{self, workspace_flow, ItemKind};
use pfrm_core::migration::retirement::{parse_date, Clock, RetirementStatus};
use pfrm_core::ops::instance_sign_in::{check_custom_app, record_sign_in, sign_in_status};
use pfrm_core::ops::permissions::{GrantRequest, GrantSettings, GrantTarget, RevokeRequest};
use pfrm_core::ops::runtimes::{CreateRuntimeRequest, CustomAppChoice};
use pfrm_core::ops::updates::{
    self, CheckOptions, UpdateAllOutcome, UpdateAllRequest, UpdateRuntimeRequest,
};
use pfrm_core::ops::workspaces::{check_workspace, list_workspaces, DEFAULT_PARALLEL_REQUESTS};
use pfrm_core::ops::{permissions, runtimes, OperationSnapshot, Operations};
use pfrm_core::services::Services;
use pfrm_core::settings::Settings;
use pfrm_emulator::{FaultAction, FaultRule, ReadyInfo, Scenario};
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::broadcast::Receiver;

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
    },
    // The sandbox's world: a first visit, one workspace, one running instance, no runtimes.
    World {
        name: "sandbox",
        scenario: "first-time",
        user: "alice@contoso.com",
        lookups: &[],
        no_upgrade_needed: &[],
        deleting: None,
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
    let env = Env::start_world(seed, world.user, 200.0).await;
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

/// The operation `updates` reported since it was subscribed: what it was (kind, title,
/// target) and its states and stages in order.
fn operation_steps(updates: &mut Receiver<OperationSnapshot>) -> Value {
    let mut operation = Value::Null;
    let mut stages: Vec<Value> = Vec::new();
    while let Ok(snapshot) = updates.try_recv() {
        if operation.is_null() {
            operation = json!({
                "kind": snapshot.kind,
                "title": snapshot.title,
                "target": snapshot.target,
            });
        }
        let step = json!({
            "state": snapshot.state,
            "stage": snapshot.stage,
            "message": snapshot.message,
        });
        if stages.last() != Some(&step) {
            stages.push(step);
        }
    }
    json!({ "operation": operation, "stages": stages })
}

/// An answer as the UI receives it: `{"ok": answer}` or `{"error": {code, message, ...}}`.
fn answer<T: Serialize>(result: pfrm_core::Result<T>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error }),
    }
}

fn ok<T: Serialize>(value: T) -> Value {
    json!({ "ok": value })
}

/// Every answer of one world, keyed by command, then by its arguments.
async fn generate(world: &World) -> Value {
    let started = OffsetDateTime::now_utc();
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
    let fleet = updates::check_workspaces(&services, &ids, options).await;
    let mut update_all = update_all_answers(world, &ids).await;
    let mut deleting = instances_while_deleting(world).await;
    let stock_of_all = inventory::take_inventory(&services, &ids, 4).await;

    // The compute instance sign-in of each of the user's instances: before and after the user
    // says they signed in (each from settings of its own), by `instance/region`.
    let mut sign_ins = Map::new();
    for workspace in listing.iter().flat_map(|listing| &listing.workspaces) {
        let mine = runtimes::list_my_compute_instances(&services, &workspace.id, None).await;
        for choice in mine.iter().flatten() {
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
        one.insert(
            "listComputeInstances".into(),
            answer(runtimes::list_my_compute_instances(&services, id, None).await),
        );
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
        let mut projects = Map::new();
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
        }
        one.insert("exportFlowProject".into(), Value::Object(projects));
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
            answer(decommission::plan_decommission(&services, id, None).await),
        );
        let name = id.rsplit('/').next().unwrap_or_default();
        one.insert(
            "decommissionRefusal".into(),
            answer(decommission::check_confirmation(name, TYPED)),
        );
        one.insert(
            "updateAllOutdated".into(),
            update_all.remove(id).unwrap_or(Value::Null),
        );
        // Last, as they change the world: what the page shows after the user acts.
        one.insert(
            "changes".into(),
            changes(&services, &operations, world, id, &one).await,
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
        "takeInventoryAll": ok(stock_of_all),
        "retirementStatus": RetirementStatus::on(services.clock().today()),
        "findUser": find_user,
        "instanceSignIn": sign_ins,
        "workspaces": workspaces,
    });
    normalise(fixture, env.emulator.ready_info(), started)
}

/// What the pages show after the user acts: on the Runtimes page (an instance started, a
/// runtime created, the role granted to oneself), on a runtime (updated), and on the
/// Permissions page (roles granted and removed).
async fn changes(
    services: &Services,
    operations: &Operations,
    world: &World,
    id: &str,
    before: &Map<String, Value>,
) -> Value {
    let mut changes = runtime_changes(services, operations, id, before).await;
    changes.insert(
        "updates".into(),
        update_changes(services, operations, id, before).await,
    );
    let permissions = permission_changes(services, operations, world, id, before).await;
    if let Some(check) = permissions.1 {
        changes.insert("grantToMe".into(), json!({ "checkWorkspace": check }));
    }
    changes.insert("permissions".into(), permissions.0);
    Value::Object(changes)
}

/// Each outdated runtime updated as its page offers it: to the newest image with the default
/// environment, or to the newest rebuilt version of its custom environment; by runtime name,
/// with the operation's stages and the runtime's version and details afterwards.
async fn update_changes(
    services: &Services,
    operations: &Operations,
    id: &str,
    before: &Map<String, Value>,
) -> Value {
    let mut updated = Map::new();
    let Some(versions) = before["checkRuntimeVersion"].as_object() else {
        return Value::Object(updated);
    };
    for (name, version) in versions {
        if version["ok"]["updateAvailable"] != json!(true) {
            continue;
        }
        let environment = version["ok"]["customEnvironment"].is_object().then(|| {
            before["customEnvironmentGuidance"][name]["ok"]["candidates"][0]["choice"]["assetId"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        });
        let request = UpdateRuntimeRequest {
            workspace_id: id.into(),
            runtime_name: name.clone(),
            environment: environment.clone(),
            allow_older: false,
            move_to_default_environment: false,
        };
        let mut reports = operations.subscribe();
        let outcome = answer(updates::update_runtime(services, request, fast()).await);
        let mut one = operation_steps(&mut reports);
        let listed = runtimes::list_runtimes(services, id)
            .await
            .map(|list| list.into_iter().find(|r| &r.name == name));
        let after = json!({
            "environment": environment,
            "answer": outcome,
            "checkRuntimeVersion": answer(updates::check_runtime_version(services, id, name, CheckOptions::default()).await),
            "runtimeDetails": answer(runtimes::runtime_details(services, id, name).await),
            "listed": answer(listed),
        });
        if let (Value::Object(one), Value::Object(after)) = (&mut one, after) {
            one.extend(after);
        }
        updated.insert(name.clone(), one);
    }
    Value::Object(updated)
}

/// The grants the Permissions page offers, made in turn: to oneself, to each person looked up,
/// to each endpoint's identity (an endpoint without one is explained, not granted); keyed
/// `me`, `user:<name>`, `endpoint:<name>`. Then the assignments listed, and each removable one
/// removed (first refused with a wrong name typed). Where the user may not grant, the refusal
/// of a grant to oneself. The second value is the workspace's check after "Grant to me" where
/// the missing role blocked it.
async fn permission_changes(
    services: &Services,
    operations: &Operations,
    world: &World,
    id: &str,
    before: &Map<String, Value>,
) -> (Value, Option<Value>) {
    let mut grants = Map::new();
    let blocked = before["checkWorkspace"]["ok"]["report"]["blocked"] != json!(false);
    let allowed = before["grantAbility"]["ok"]["allowed"] == json!(true);
    let mut targets = vec![("me".to_owned(), GrantTarget::Me)];
    if allowed {
        for query in world.lookups {
            targets.push((
                format!("user:{query}"),
                GrantTarget::User {
                    user: query.to_string(),
                },
            ));
        }
        for endpoint in before["listEndpointIdentities"]["ok"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = endpoint["endpointName"].as_str().unwrap_or_default();
            targets.push((
                format!("endpoint:{name}"),
                GrantTarget::Endpoint { name: name.into() },
            ));
        }
    }
    let mut check_after = None;
    for (key, target) in targets {
        let request = GrantRequest {
            workspace_id: id.into(),
            target,
            role: None,
        };
        let mut reports = operations.subscribe();
        let granted = permissions::grant_data_scientist(services, request, quick_grants()).await;
        let succeeded = granted.is_ok();
        let mut one = operation_steps(&mut reports);
        if let Value::Object(one) = &mut one {
            one.insert("answer".into(), answer(granted));
        }
        grants.insert(key.clone(), one);
        if key == "me" && blocked && succeeded {
            check_after = Some(answer(check_workspace(services, id).await));
        }
    }
    let listed = permissions::list_workspace_assignments(services, id, None).await;
    let mut revokes = Map::new();
    for shown in listed.iter().flatten().filter(|a| a.removable && allowed) {
        let name = shown.assignment.name.clone();
        let request = |confirm: &str| RevokeRequest {
            workspace_id: id.into(),
            assignment_name: name.clone(),
            confirm: confirm.into(),
        };
        let refusal = permissions::revoke_assignment(services, request(TYPED)).await;
        let removed =
            permissions::revoke_assignment(services, request(&shown.principal.label())).await;
        revokes.insert(
            name.clone(),
            json!({ "refusal": answer(refusal), "answer": answer(removed) }),
        );
    }
    let changes = json!({
        "grants": grants,
        "listRoleAssignments": answer(listed),
        "revokes": revokes,
    });
    (changes, check_after)
}

/// What the Runtimes page shows after the user starts a stopped instance of theirs and after
/// they create a runtime (`CREATED`, on their first running instance, with the default
/// environment) in a workspace where nothing blocks it, with the stages the creation went
/// through.
async fn runtime_changes(
    services: &Services,
    operations: &Operations,
    id: &str,
    before: &Map<String, Value>,
) -> Map<String, Value> {
    let mut changes = Map::new();
    let blocked = before["checkWorkspace"]["ok"]["report"]["blocked"] != json!(false);
    let instances = before["listComputeInstances"]["ok"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let state_of = |choice: &Value| choice["instance"]["state"].as_str().map(str::to_owned);
    let name_of = |choice: &Value| {
        choice["instance"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    if blocked {
        // Where only the user's own role is missing, "Grant to me" (permission_changes).
        return changes;
    }
    let mut started = Map::new();
    for choice in instances
        .iter()
        .filter(|c| state_of(c).as_deref() == Some("Stopped"))
    {
        let name = name_of(choice);
        let summary = runtimes::start_compute_instance(services, id, &name, fast()).await;
        started.insert(name, answer(summary));
    }
    if !started.is_empty() {
        changes.insert("startComputeInstance".into(), Value::Object(started));
        changes.insert(
            "listComputeInstancesAfterStart".into(),
            answer(runtimes::list_my_compute_instances(services, id, None).await),
        );
    }
    let running = instances
        .iter()
        .find(|c| state_of(c).as_deref() == Some("Running") && c["usable"] == json!(true));
    if let Some(choice) = running {
        let instance = name_of(choice);
        let mut updates = operations.subscribe();
        let request = CreateRuntimeRequest {
            workspace_id: id.into(),
            runtime_name: CREATED.into(),
            compute_instance: instance.clone(),
            app: CustomAppChoice::New { environment: None },
            confirm_restart: true,
        };
        let created = runtimes::create_runtime(services, request, fast()).await;
        let stages = operation_steps(&mut updates)["stages"].take();
        changes.insert(
            "createRuntime".into(),
            json!({
                "runtimeName": CREATED,
                "computeInstance": instance,
                "answer": answer(created),
                "stages": stages,
                "listRuntimes": answer(runtimes::list_runtimes(services, id).await),
                "runtimeDetails": answer(runtimes::runtime_details(services, id, CREATED).await),
                "checkRuntimeVersion": answer(
                    updates::check_runtime_version(services, id, CREATED, CheckOptions::default())
                        .await
                ),
            }),
        );
    }
    changes
}

/// Grants that wait for the emulator's (sped-up) propagation in short steps.
fn quick_grants() -> GrantSettings {
    GrantSettings {
        propagation_timeout: std::time::Duration::from_secs(60),
        poll_interval: std::time::Duration::from_millis(50),
        ..GrantSettings::default()
    }
}

/// Replaces what changes from one run to the next (the emulator's ports) with fixed stand-ins
/// that say which service they stand for.
fn normalise(fixture: Value, ready: &ReadyInfo, started: OffsetDateTime) -> Value {
    let mut text = serde_json::to_string(&fixture).unwrap();
    for (endpoint, service) in [
        (&ready.arm_endpoint, "arm"),
        (&ready.flow_endpoint, "flow"),
        (&ready.registry_endpoint, "registry"),
        (&ready.graph_endpoint, "graph"),
        (&ready.authority_host, "login"),
        (&ready.control_endpoint, "control"),
    ] {
        let origin = endpoint.trim_end_matches('/');
        // The registry stands for Microsoft's, which serves the runtime images; the others
        // name the service they stand for.
        let stand_in = match service {
            "registry" => "mcr.microsoft.com".to_owned(),
            _ => format!("{service}.emulator.invalid"),
        };
        text = text.replace(origin, &format!("https://{stand_in}"));
        // Image references name the registry by its host alone.
        if let Some(host) = origin.strip_prefix("https://") {
            text = text.replace(host, &stand_in);
        }
    }
    let mut fixture = serde_json::from_str(&text).unwrap();
    fix_request_ids(&mut fixture);
    fix_moments(&mut fixture, started);
    fixture
}

/// What the emulator stamped while the generator ran (a runtime created, an instance started)
/// happened at noon of the fixtures' day instead.
fn fix_moments(value: &mut Value, started: OffsetDateTime) {
    match value {
        Value::String(text) => {
            if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
                if moment >= started - time::Duration::minutes(1) {
                    *text = format!("{TODAY}T12:00:00Z");
                }
            }
        }
        Value::Object(map) => map.values_mut().for_each(|v| fix_moments(v, started)),
        Value::Array(items) => items.iter_mut().for_each(|v| fix_moments(v, started)),
        _ => {}
    }
}

/// Errors carry the ids of the request that failed, new on every run; how long an "Update
/// all" took changes too.
fn fix_request_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "elapsedMs" {
                    *inner = json!(0);
                } else if matches!(
                    key.as_str(),
                    "clientRequestId" | "correlationId" | "requestId" | "operationId"
                ) {
                    *inner = json!("00000000-0000-0000-0000-000000000000");
                } else {
                    fix_request_ids(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_request_ids),
        _ => {}
    }
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
    for world in WORLDS {
        let expected = render(&generate(world).await);
        let path = dir.join(format!("{}.json", world.name));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "the page-test fixtures differ from the core's answers: {}; run `cargo xtask fixtures`, \
         review what changed for the page tests, and commit the result",
        stale.join(", ")
    );
}
