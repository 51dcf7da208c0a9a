//! What the pages show after the user acts, as the core does it in the world's emulator.

use pfrm_core::ops::permissions::{GrantRequest, GrantSettings, GrantTarget, RevokeRequest};
use pfrm_core::ops::runtimes::{CreateRuntimeRequest, CustomAppChoice, DeleteRuntimeRequest};
use pfrm_core::ops::updates::{self, CheckOptions, UpdateOutcome, UpdateRuntimeRequest};
use pfrm_core::ops::workspaces::check_workspace;
use pfrm_core::ops::{permissions, runtimes, OperationKind, OperationState, Operations};
use pfrm_core::services::Services;
use pfrm_emulator::Emulator;
use serde_json::{json, Map, Value};

use super::{answer, operation_steps};
use crate::clients_common::ops::fast;
use crate::{World, CREATED, TYPED};

/// What the pages show after the user acts: on the Runtimes page (an instance started, a
/// runtime created, the role granted to oneself), on a runtime (updated), and on the
/// Permissions page (roles granted and removed).
pub async fn changes(
    emulator: &Emulator,
    services: &Services,
    operations: &Operations,
    world: &World,
    id: &str,
    before: &Map<String, Value>,
) -> Value {
    let mut changes = runtime_changes(emulator, services, operations, id, before).await;
    changes.insert(
        "updates".into(),
        update_changes(services, operations, id, before).await,
    );
    let permissions = permission_changes(services, operations, world, id, before).await;
    if let Some(check) = permissions.1 {
        changes.insert("grantToMe".into(), json!({ "checkWorkspace": check }));
    }
    changes.insert("permissions".into(), permissions.0);
    changes.insert(
        "deleteRuntime".into(),
        delete_changes(services, operations, id).await,
    );
    Value::Object(changes)
}

/// Last, as nothing is left after it: each runtime of the workspace deleted as its Delete
/// dialog asks, first refused with a wrong name typed; the one created above with its custom
/// application (`removeCustomApp`), the others keeping theirs. By runtime name.
async fn delete_changes(services: &Services, operations: &Operations, id: &str) -> Value {
    let mut deleted = Map::new();
    let names: Vec<String> = runtimes::list_runtimes(services, id)
        .await
        .map(|list| list.into_iter().map(|r| r.name).collect())
        .unwrap_or_default();
    for name in names {
        let remove_custom_app = name == CREATED;
        let request = |confirm: &str| DeleteRuntimeRequest {
            workspace_id: id.into(),
            runtime_name: name.clone(),
            confirm_name: confirm.into(),
            remove_custom_app,
        };
        let refusal = runtimes::delete_runtime(services, request(TYPED), fast()).await;
        let mut reports = operations.subscribe();
        let outcome = runtimes::delete_runtime(services, request(&name), fast()).await;
        let mut one = operation_steps(&mut reports);
        one["removeCustomApp"] = json!(remove_custom_app);
        one["refusal"] = answer(refusal);
        one["answer"] = answer(outcome);
        // The runtime's page asked again once it is gone.
        one["runtimeDetails"] = answer(runtimes::runtime_details(services, id, &name).await);
        deleted.insert(name, one);
    }
    Value::Object(deleted)
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
        // A second update of the runtime asked for while the first runs: the core refuses it.
        let (outcome, conflict) = tokio::join!(
            updates::update_runtime(services, request.clone(), fast()),
            again_while_running(services, operations, request),
        );
        let outcome = answer(outcome);
        let mut one = operation_steps(&mut reports);
        one["conflict"] = answer(conflict);
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

/// `request` made again once an update is running (the first's operation is listed).
async fn again_while_running(
    services: &Services,
    operations: &Operations,
    request: UpdateRuntimeRequest,
) -> pfrm_core::Result<UpdateOutcome> {
    while !operations
        .list()
        .iter()
        .any(|op| op.kind == OperationKind::UpdateRuntime && op.state == OperationState::Running)
    {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    updates::update_runtime(services, request, fast()).await
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
    emulator: &Emulator,
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
        let mut reports = operations.subscribe();
        let summary = runtimes::start_compute_instance(services, id, &name, fast()).await;
        let mut one = operation_steps(&mut reports);
        one["answer"] = answer(summary);
        started.insert(name, one);
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
        // Emulated time runs slower meanwhile, so the watch sees each stage (at full speed the
        // runtime can be up between two looks, and its start goes unreported on some runs).
        emulator.set_time_scale(CREATE_TIME_SCALE);
        let created = runtimes::create_runtime(services, request, fast()).await;
        emulator.set_time_scale(crate::TIME_SCALE);
        let mut steps = operation_steps(&mut updates);
        changes.insert(
            "createRuntime".into(),
            json!({
                "operation": steps["operation"].take(),
                "stages": steps["stages"].take(),
                "runtimeName": CREATED,
                "computeInstance": instance,
                "answer": answer(created),
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

/// How fast emulated time runs while the generator creates a runtime.
const CREATE_TIME_SCALE: f64 = 20.0;

/// Grants that wait for the emulator's (sped-up) propagation in short steps.
pub fn quick_grants() -> GrantSettings {
    GrantSettings {
        propagation_timeout: std::time::Duration::from_secs(60),
        poll_interval: std::time::Duration::from_millis(50),
        ..GrantSettings::default()
    }
}
