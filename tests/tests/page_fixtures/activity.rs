//! The Activity page's operations, as the core's operation list holds them: an instance start
//! resumed after a restart (it ran to its end), a grant Azure refused, and a runtime creation
//! still starting; then that creation cancelled, and the finished ones cleared.

use std::time::Duration;

use pfrm_core::model::ComputeInstanceState;
use pfrm_core::ops::permissions::{self, GrantRequest, GrantTarget};
use pfrm_core::ops::resume::resume_operations;
use pfrm_core::ops::runtimes::{self, CreateRuntimeRequest, CustomAppChoice};
use pfrm_core::ops::workspaces::{list_workspaces, DEFAULT_PARALLEL_REQUESTS};
use pfrm_core::ops::{Journal, OperationKind, OperationSnapshot, Operations, Stage};
use pfrm_emulator::{FaultAction, FaultRule};
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::changes::quick_grants;
use super::normalise::normalise;
use super::replaced;
use crate::clients_common::ops::{fast, services};
use crate::{start, World};

/// The workspace the operations act in.
const WORKSPACE: &str = "contoso-ml";

/// How long a step may take before the generator gives up.
const WAIT: Duration = Duration::from_secs(60);

/// The person the refused grant was for.
const GRANTEE: &str = "bob@contoso.example";

/// `listOperations` (as the Activity page first lists them), `cancelled` (the creation's
/// snapshot once cancelled) and `afterClear` (the list once the finished ones are cleared).
/// Operation ids are new on every run: each is named for its kind instead.
pub async fn activity(world: &World) -> Value {
    let started = OffsetDateTime::now_utc();
    let env = start(world).await;
    let setup = services(&env, Operations::default());
    let listing = list_workspaces(&setup, DEFAULT_PARALLEL_REQUESTS)
        .await
        .expect("the workspaces");
    let id = listing
        .workspaces
        .iter()
        .find(|w| w.name == WORKSPACE)
        .expect("the activity's workspace")
        .id
        .clone();
    let mine = runtimes::list_my_compute_instances(&setup, &id, None)
        .await
        .expect("the user's instances");
    let in_state = |state: ComputeInstanceState| {
        mine.iter()
            .find(|c| {
                c.instance.state == state && (state != ComputeInstanceState::Running || c.usable)
            })
            .map(|c| c.instance.name.clone())
            .expect("an instance of the user's in that state")
    };
    let (stopped, running) = (
        in_state(ComputeInstanceState::Stopped),
        in_state(ComputeInstanceState::Running),
    );

    // An earlier run started the stopped instance and was closed before it was up.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operations.json");
    env.emulator.set_time_scale(40.0);
    let first = services(&env, Operations::new(Some(Journal::open(&path).journal)));
    let (ws, name) = (id.clone(), stopped.clone());
    let interrupted =
        tokio::spawn(
            async move { runtimes::start_compute_instance(&first, &ws, &name, fast()).await },
        );
    let faults = env.emulator.faults();
    let sent = async {
        while faults.request_count("POST", &format!("**/computes/{stopped}/start")) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    if tokio::time::timeout(WAIT, sent).await.is_err() {
        panic!(
            "the start of {stopped} was not sent: {:?}",
            interrupted.await
        );
    }
    interrupted.abort();
    let _ = interrupted.await;
    env.emulator.set_time_scale(crate::TIME_SCALE);

    // This run resumes it, then Azure refuses a grant, then a creation starts.
    let operations = Operations::new(Some(Journal::open(&path).journal));
    let services = services(&env, operations.clone());
    let mut reports = operations.subscribe();
    let pending = operations.pending().expect("the journal");
    resume_operations(&services, pending, fast()).await;
    faults.add(FaultRule {
        service: Some("arm".into()),
        method: Some("PUT".into()),
        path: Some("**/roleAssignments/*".into()),
        action: FaultAction::Respond,
        status: Some(403),
        body: Some(json!({"error": {
            "code": "AuthorizationFailed",
            "message": "The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'."
        }})),
        ..FaultRule::default()
    });
    let grant = GrantRequest {
        workspace_id: id.clone(),
        target: GrantTarget::User {
            user: GRANTEE.into(),
        },
        role: None,
    };
    let _ = permissions::grant_data_scientist(&services, grant, quick_grants()).await;
    env.emulator.set_time_scale(40.0);
    let create = CreateRuntimeRequest {
        workspace_id: id.clone(),
        runtime_name: "my-runtime".into(),
        compute_instance: running,
        app: CustomAppChoice::New { environment: None },
        confirm_restart: true,
    };
    let creating = services.clone();
    let mut creation =
        tokio::spawn(async move { runtimes::create_runtime(&creating, create, fast()).await });

    // What the list held once the creation was starting its runtime, each operation as it was
    // last reported by then.
    let mut latest: Vec<OperationSnapshot> = Vec::new();
    loop {
        let snapshot = tokio::select! {
            report = reports.recv() => report.expect("the operations report"),
            ended = &mut creation => panic!("the creation ended before its runtime started: {ended:?}"),
            () = tokio::time::sleep(WAIT) => panic!("no runtime started; reported: {latest:?}"),
        };
        let at_runtime = snapshot.kind == OperationKind::CreateRuntime
            && snapshot.stage == Stage::RuntimeStarting;
        latest.retain(|s| s.id != snapshot.id);
        latest.push(snapshot);
        if at_runtime {
            break;
        }
    }
    let created = latest.last().expect("the creation").id.clone();
    operations.cancel(&created).expect("the creation is listed");
    let _ = creation.await;
    let mut cancelled = None;
    while let Ok(snapshot) = reports.try_recv() {
        if snapshot.id == created && snapshot.state.is_terminal() {
            cancelled = Some(snapshot);
        }
    }
    operations.clear_finished();
    let fixture = json!({
        "listOperations": latest,
        "cancelled": cancelled.expect("the creation ended cancelled"),
        "afterClear": operations.list(),
    });
    let stable_ids = latest.iter().map(|snapshot| {
        (
            snapshot.id.clone(),
            format!("op-{}", stable_name(snapshot.kind)),
        )
    });
    normalise(
        replaced(&fixture, stable_ids),
        env.emulator.ready_info(),
        started,
    )
}

fn stable_name(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::StartComputeInstance => "start",
        OperationKind::CreateRuntime => "create",
        OperationKind::GrantRole => "grant",
        _ => "other",
    }
}
