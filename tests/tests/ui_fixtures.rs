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
use pfrm_core::ops::permissions::{GrantRequest, GrantSettings, GrantTarget};
use pfrm_core::ops::runtimes::{CreateRuntimeRequest, CustomAppChoice};
use pfrm_core::ops::updates::{self, CheckOptions};
use pfrm_core::ops::workspaces::{check_workspace, list_workspaces, DEFAULT_PARALLEL_REQUESTS};
use pfrm_core::ops::{permissions, runtimes, Operations};
use pfrm_emulator::{FaultAction, FaultRule, ReadyInfo, Scenario};
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
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
    },
    // The sandbox's world: a first visit, one workspace, one running instance, no runtimes.
    World {
        name: "sandbox",
        scenario: "first-time",
        user: "alice@contoso.com",
        lookups: &[],
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
    let env = Env::start_world(scenario(world.scenario), world.user, 200.0).await;
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
    let stock_of_all = inventory::take_inventory(&services, &ids, 4).await;

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
        one.insert(
            "listEnvironments".into(),
            answer(runtimes::list_environments(&services, id).await),
        );
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
        // Last, as they change the world: what the page shows after the user acts.
        one.insert(
            "changes".into(),
            changes(&services, &operations, id, &one).await,
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
        "workspaces": workspaces,
    });
    normalise(fixture, env.emulator.ready_info(), started)
}

/// What the Runtimes page shows after the user starts a stopped instance of theirs and after
/// they create a runtime (`CREATED`, on their first running instance, with the default
/// environment) in a workspace where nothing blocks it, with the stages the creation went
/// through.
async fn changes(
    services: &pfrm_core::services::Services,
    operations: &Operations,
    id: &str,
    before: &Map<String, Value>,
) -> Value {
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
        // Where only the user's own role is missing and they may grant it: "Grant to me".
        if before["grantAbility"]["ok"]["allowed"] == json!(true) {
            let request = GrantRequest {
                workspace_id: id.into(),
                target: GrantTarget::Me,
                role: None,
            };
            let granted =
                permissions::grant_data_scientist(services, request, quick_grants()).await;
            changes.insert(
                "grantToMe".into(),
                json!({
                    "answer": answer(granted),
                    "checkWorkspace": answer(check_workspace(services, id).await),
                }),
            );
        }
        return Value::Object(changes);
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
        let mut stages: Vec<Value> = Vec::new();
        while let Ok(snapshot) = updates.try_recv() {
            let step = json!({
                "state": snapshot.state,
                "stage": snapshot.stage,
                "message": snapshot.message,
            });
            if stages.last() != Some(&step) {
                stages.push(step);
            }
        }
        changes.insert(
            "createRuntime".into(),
            json!({
                "runtimeName": CREATED,
                "computeInstance": instance,
                "answer": answer(created),
                "stages": stages,
                "listRuntimes": answer(runtimes::list_runtimes(services, id).await),
                "runtimeDetails": answer(runtimes::runtime_details(services, id, CREATED).await),
            }),
        );
    }
    Value::Object(changes)
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
        let stand_in = format!("{service}.emulator.invalid");
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

/// Errors carry the ids of the request that failed, new on every run.
fn fix_request_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if matches!(
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
