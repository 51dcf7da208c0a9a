//! Outcomes that must be read, not guessed, against the emulator: a create or update whose answer
//! is cut off after the service acted, and the journal's entries of every kind resumed (or ended)
//! after the process that started them went away.

mod clients_common;

use std::time::{Duration, Instant};

use clients_common::ops::{
    create_on_new_app, fast, services, stop_instance, update_request, workspace_id,
};
use clients_common::Env;
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::model::{ComputeInstanceState, ComputeInstanceSummary, RuntimeStatus};
use pfrm_core::ops::resume::resume_operations;
use pfrm_core::ops::runtimes::{self, DeleteRuntimeRequest, WatchSettings};
use pfrm_core::ops::{
    Journal, JournalScope, OperationKind, OperationSnapshot, OperationState, Operations,
};
use pfrm_core::ErrorCode;
use pfrm_emulator::{FaultAction, FaultRule};
use serde_json::json;
use tokio::sync::broadcast::Receiver;

/// Breaks the next answer to `method` on the runtime `name` as `action` says.
fn break_next(env: &Env, method: &str, name: &str, action: FaultAction) -> String {
    env.emulator.faults().add(FaultRule {
        service: Some("flow".into()),
        method: Some(method.into()),
        path: Some(format!("**/FlowRuntimes/{name}")),
        action,
        times: Some(1),
        ..FaultRule::default()
    })
}

/// Cuts off the body of the next answer to `method` on the runtime `name`, after the emulated
/// service has acted on the request.
fn cut_off_next(env: &Env, method: &str, name: &str) -> String {
    break_next(env, method, name, FaultAction::Truncate)
}

/// Asserts one of the progress messages received so far says `needle`.
#[track_caller]
fn assert_progress_says(updates: &mut Receiver<OperationSnapshot>, needle: &str) {
    let messages: Vec<String> = std::iter::from_fn(|| updates.try_recv().ok())
        .filter_map(|snapshot| snapshot.message)
        .collect();
    assert!(messages.iter().any(|m| m.contains(needle)), "{messages:?}");
}

/// Asserts `method` on the runtime `name` reached the flow service exactly once.
#[track_caller]
fn assert_sent_once(env: &Env, method: &str, name: &str) {
    let path = format!("**/FlowRuntimes/{name}");
    assert_eq!(env.emulator.faults().request_count(method, &path), 1);
}

#[tokio::test]
async fn a_create_whose_answer_is_cut_off_reports_the_runtime_that_exists() {
    let env = Env::start().await;
    let operations = Operations::default();
    let mut updates = operations.subscribe();
    let services = services(&env, operations);
    let rule = cut_off_next(&env, "POST", "rt-alice");

    let runtime = create_on_new_app(&services, "ml-workspace", "rt-alice", "ci-alice")
        .await
        .expect("the runtime was created although its answer was lost");
    assert_eq!(env.emulator.faults().injected(&rule), 1);
    assert_eq!(runtime.summary.status, RuntimeStatus::Running);
    // Never sent twice: a second create would have made a second app or failed on the first.
    assert_sent_once(&env, "POST", "rt-alice");
    assert_progress_says(&mut updates, "was lost, but the runtime exists and is");
}

#[tokio::test]
async fn a_create_whose_answer_is_cut_off_before_the_service_acted_says_it_was_not_created() {
    let env = Env::start().await;
    let services = services(&env, Operations::default());
    // The connection is reset before the service sees the request.
    break_next(&env, "POST", "rt-alice", FaultAction::Reset);
    let error = create_on_new_app(&services, "ml-workspace", "rt-alice", "ci-alice")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Network, "{error:?}");
    assert!(
        error
            .message
            .contains("Runtime rt-alice does not exist: it was not created"),
        "{}",
        error.message
    );
    assert!(error.remedy.is_some());
    assert_sent_once(&env, "POST", "rt-alice");
}

#[tokio::test]
async fn an_update_whose_answer_is_lost_after_the_service_acted_reports_the_update() {
    let env = Env::start_scenario("returning").await;
    let operations = Operations::default();
    let mut updates = operations.subscribe();
    let services = services(&env, operations);
    // The service takes the update up, then the connection closes before its answer.
    let rule = break_next(&env, "PUT", "rt-default", FaultAction::ResetAfter);

    let outcome =
        pfrm_core::ops::updates::update_runtime(&services, update_request("rt-default"), fast())
            .await
            .expect("the update happened although its answer was lost");
    assert_eq!(env.emulator.faults().injected(&rule), 1);
    assert_eq!(outcome.runtime.summary.status, RuntimeStatus::Running);
    assert_ne!(
        outcome.previous.as_ref().map(|v| &v.tag),
        outcome.current.as_ref().map(|v| &v.tag)
    );
    // Sent once: a second PUT would have met "Runtime is Starting" (409).
    assert_sent_once(&env, "PUT", "rt-default");
    assert_progress_says(&mut updates, "was lost, but the update is under way");
}

/// Records an operation as a process that went away mid-way leaves it: begun, never finished.
fn left_behind(
    operations: &Operations,
    kind: OperationKind,
    title: &str,
    resume: serde_json::Value,
) -> String {
    let handle = operations
        .begin(kind, title, format!("target-{title}"), resume)
        .unwrap();
    handle.id().to_owned()
}

#[tokio::test]
async fn a_resumed_create_whose_runtime_does_not_exist_ends_at_once() {
    let env = Env::start().await;
    let dir = tempfile::tempdir().unwrap();
    let opened = Journal::open(dir.path().join("operations.json"));
    let operations = Operations::new(Some(opened.journal.clone()));
    let services = services(&env, operations.clone());
    // Recorded by an earlier process that went away before sending the create.
    left_behind(
        &operations,
        OperationKind::CreateRuntime,
        "Create runtime rt-ghost on ci-alice",
        json!({"workspaceId": workspace_id("ml-workspace"), "runtimeName": "rt-ghost",
               "computeInstance": "ci-alice", "newApp": true}),
    );
    assert_eq!(operations.pending().unwrap().len(), 1);

    let watch = WatchSettings {
        poll_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(5),
    };
    let started = Instant::now();
    let results = resume_operations(&services, operations.pending().unwrap(), watch).await;
    let error = results[0]
        .error
        .clone()
        .expect("the entry ends with an error");
    assert_eq!(error.code, ErrorCode::NotFound, "{error:?}");
    assert!(
        error.message.contains("rt-ghost does not exist"),
        "{}",
        error.message
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        env.emulator
            .faults()
            .request_count("GET", "**/FlowRuntimes/rt-ghost")
            <= 2
    );
    assert!(opened.journal.entries().unwrap().is_empty());
}

#[tokio::test]
async fn interrupted_start_and_delete_are_resumed_to_their_end_and_role_changes_end_with_a_message()
{
    let env = Env::start_scenario("returning").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operations.json");
    let ws = workspace_id("ml-workspace");
    let reference = WorkspaceRef::from_arm_id(&ws).unwrap();
    let setup = services(&env, Operations::default());
    stop_instance(&setup, "ml-workspace", "ci-alice").await;

    // First process: a start and a delete are sent, then it goes away. Emulated time runs
    // slower meanwhile so neither has finished when it does.
    env.emulator.set_time_scale(40.0);
    let operations = Operations::new(Some(Journal::open(&path).journal));
    let first = services(&env, operations.clone());
    let (start_first, delete_first, ws_first) = (first.clone(), first.clone(), ws.clone());
    let start = tokio::spawn(async move {
        runtimes::start_compute_instance(&start_first, &ws_first, "ci-alice", fast()).await
    });
    let delete = tokio::spawn(async move {
        runtimes::delete_runtime(
            &delete_first,
            DeleteRuntimeRequest {
                workspace_id: workspace_id("ml-workspace"),
                runtime_name: "rt-custom".into(),
                confirm_name: "rt-custom".into(),
                remove_custom_app: false,
            },
            fast(),
        )
        .await
    });
    let faults = env.emulator.faults();
    while faults.request_count("POST", "**/computes/ci-alice/start") == 0
        || faults.request_count("DELETE", "**/FlowRuntimes/rt-custom") == 0
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    start.abort();
    delete.abort();
    let _ = (start.await, delete.await);
    env.emulator.set_time_scale(200.0);
    // A grant was interrupted too.
    left_behind(
        &operations,
        OperationKind::GrantRole,
        "Grant AzureML Data Scientist to bob on ml-workspace",
        json!({"workspaceId": workspace_id("ml-workspace")}),
    );

    // Next process: every entry is taken up.
    let opened = Journal::open(&path);
    assert_eq!(opened.pending.len(), 3, "{:?}", opened.pending);
    let operations = Operations::new(Some(opened.journal.clone()));
    let services = services(&env, operations.clone());
    let mut results = resume_operations(&services, operations.pending().unwrap(), fast()).await;
    results.sort_by_key(|result| format!("{:?}", result.kind));
    let kinds: Vec<OperationKind> = results.iter().map(|result| result.kind).collect();
    assert_eq!(
        kinds,
        [
            OperationKind::DeleteRuntime,
            OperationKind::GrantRole,
            OperationKind::StartComputeInstance
        ]
    );
    assert_eq!(
        results[0].outcome.as_deref(),
        Some("Runtime rt-custom is deleted."),
        "{:?}",
        results[0].error
    );
    let grant_error = results[1]
        .error
        .as_ref()
        .expect("a grant is not watched again");
    assert!(grant_error.message.contains("was interrupted"));
    assert!(grant_error
        .remedy
        .as_deref()
        .unwrap()
        .contains("role assignments"));
    assert_eq!(
        results[2].outcome.as_deref(),
        Some("Compute instance ci-alice is running."),
        "{:?}",
        results[2].error
    );
    for result in &results {
        let snapshot = operations.get(&result.id).unwrap();
        assert!(snapshot.resumed);
        assert_ne!(snapshot.state, OperationState::Running);
    }
    assert!(opened.journal.entries().unwrap().is_empty());

    let instance = ComputeInstanceSummary::from(
        &services
            .arm
            .get_compute(&reference, "ci-alice")
            .await
            .unwrap(),
    );
    assert_eq!(instance.state, ComputeInstanceState::Running);
    let error = runtimes::runtime_details(&services, &workspace_id("ml-workspace"), "rt-custom")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn one_account_resumes_only_its_own_entries() {
    let env = Env::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operations.json");
    let operations = Operations::new(Some(Journal::open(&path).journal));
    let alice = operations.for_account(JournalScope::new("Emulator", "alice-id"));
    let bob = operations.for_account(JournalScope::new("Emulator", "bob-id"));
    let mine = alice
        .begin(
            OperationKind::DeleteRuntime,
            "Delete runtime rt-a",
            "target-a",
            json!({"workspaceId": workspace_id("ml-workspace"), "runtimeName": "rt-a"}),
        )
        .unwrap();
    let theirs = bob
        .begin(
            OperationKind::DeleteRuntime,
            "Delete runtime rt-b",
            "target-b",
            json!({"workspaceId": workspace_id("ml-workspace"), "runtimeName": "rt-b"}),
        )
        .unwrap();
    let (mine_id, theirs_id) = (mine.id().to_owned(), theirs.id().to_owned());
    drop((mine, theirs));
    let recorded = Journal::open(&path).pending;
    assert_eq!(recorded.len(), 2);
    assert!(recorded
        .iter()
        .any(|e| e.account.as_deref() == Some("bob-id") && e.cloud.as_deref() == Some("Emulator")));

    // The next process, signed in as Alice: only her entry is hers to resume.
    let operations = Operations::new(Some(Journal::open(&path).journal));
    let alice = operations.for_account(JournalScope::new("Emulator", "alice-id"));
    let pending = alice.pending().unwrap();
    assert_eq!(
        pending.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        [mine_id]
    );
    let results = resume_operations(&services(&env, alice), pending, fast()).await;
    assert_eq!(
        results[0].outcome.as_deref(),
        Some("Runtime rt-a is deleted.")
    );
    let left: Vec<String> = Journal::open(&path)
        .pending
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(left, [theirs_id]);
    // An unjournaled list (the sandbox) sees nothing to resume.
    assert!(operations.unjournaled().pending().unwrap().is_empty());
}

/// An update the service took up, whose follow-up reads then all failed (504 after the pipeline's
/// retries): pfrm cannot tell how it ended, and says that the request was sent — never that the
/// update failed. (The fault soak once caught "could not get runtime (HTTP 504)" reported as a
/// failed update that had been done.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_follow_up_reads_fail_is_reported_as_sent_not_as_failed() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    let faults = env.emulator.faults();
    let update = tokio::spawn(async move {
        pfrm_core::ops::updates::update_runtime(&services, update_request("rt-default"), fast())
            .await
    });
    let sent = Instant::now();
    while faults.request_count("PUT", "**/FlowRuntimes/rt-default") == 0 {
        assert!(
            sent.elapsed() < Duration::from_secs(30),
            "the update was never sent"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // From now on every read of the runtime fails.
    let rule = faults.add(FaultRule {
        service: Some("flow".into()),
        method: Some("GET".into()),
        path: Some("**/FlowRuntimes/rt-default".into()),
        action: FaultAction::Respond,
        status: Some(504),
        ..FaultRule::default()
    });

    let error = update
        .await
        .unwrap()
        .expect_err("no read succeeded after the update was sent");
    assert!(faults.injected(&rule) > 0);
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(
        error.message.starts_with(
            "The update request for runtime rt-default was sent, but pfrm lost track of it"
        ),
        "{}",
        error.message
    );
    assert!(
        error
            .remedy
            .as_deref()
            .is_some_and(|remedy| remedy.contains("pfrm runtime show rt-default")),
        "{error:?}"
    );
    // Sent once, never again.
    assert_eq!(faults.request_count("PUT", "**/FlowRuntimes/rt-default"), 1);
}
