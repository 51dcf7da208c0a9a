//! The registry's behaviour: progress is broadcast, one operation runs per target, cancel and
//! timeout end the work, a dropped handle leaves no ghost, clear keeps what runs, and durations
//! read naturally.

use super::*;
use serde_json::json;

#[tokio::test]
async fn progress_is_broadcast_and_listed() {
    let operations = Operations::default();
    let mut updates = operations.subscribe();
    let handle = operations
        .begin(
            OperationKind::CreateRuntime,
            "Create runtime rt",
            "rt-target",
            json!(null),
        )
        .unwrap();
    handle.stage(Stage::RuntimeStarting);
    handle.message("Pulling image");
    handle.finish(&Ok(()));

    let seen: Vec<OperationSnapshot> = std::iter::from_fn(|| updates.try_recv().ok()).collect();
    let stages: Vec<Stage> = seen.iter().map(|s| s.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Requested,
            Stage::RuntimeStarting,
            Stage::RuntimeStarting,
            Stage::Done
        ]
    );
    assert_eq!(seen[2].message.as_deref(), Some("Pulling image"));
    assert_eq!(
        seen[3].message, None,
        "a succeeded operation must not keep showing its last stage's service message"
    );
    let listed = operations.list();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, OperationState::Succeeded);
}

#[tokio::test]
async fn a_second_operation_on_the_same_target_is_refused_while_the_first_runs() {
    let operations = Operations::default();
    let first = operations
        .begin(
            OperationKind::UpdateRuntime,
            "Update rt",
            "same",
            json!(null),
        )
        .unwrap();
    let refused = operations
        .begin(
            OperationKind::UpdateRuntime,
            "Update rt",
            "same",
            json!(null),
        )
        .err()
        .expect("second begin must be refused");
    assert_eq!(refused.code, ErrorCode::Conflict);
    first.finish(&Ok(()));
    operations
        .begin(
            OperationKind::UpdateRuntime,
            "Update rt",
            "same",
            json!(null),
        )
        .expect("allowed once the first one ended")
        .finish(&Ok(()));
}

#[tokio::test]
async fn cancel_ends_the_work_and_marks_the_operation_cancelled() {
    let operations = Operations::default();
    let handle = operations
        .begin(
            OperationKind::StartComputeInstance,
            "Start ci",
            "ci",
            json!(null),
        )
        .unwrap();
    let id = handle.id().to_owned();
    let ops = operations.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        ops.cancel(&id).unwrap();
    });
    let outcome: Result<()> = handle
        .run(Duration::from_secs(30), std::future::pending())
        .await;
    assert_eq!(outcome.unwrap_err().code, ErrorCode::Cancelled);
    assert_eq!(operations.list()[0].state, OperationState::Cancelled);
}

#[tokio::test]
async fn timeout_fails_the_operation_with_a_timeout_error() {
    let operations = Operations::default();
    let handle = operations
        .begin(OperationKind::DeleteRuntime, "Delete rt", "rt", json!(null))
        .unwrap();
    let outcome: Result<()> = handle
        .run(Duration::from_millis(10), std::future::pending())
        .await;
    let error = outcome.unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout);
    assert!(error.remedy.is_some());
    let snapshot = &operations.list()[0];
    assert_eq!(snapshot.state, OperationState::Failed);
    assert_eq!(snapshot.error.as_ref().unwrap().code, ErrorCode::Timeout);
}

#[tokio::test]
async fn a_dropped_handle_never_leaves_a_running_ghost() {
    let operations = Operations::default();
    drop(
        operations
            .begin(OperationKind::GrantRole, "Grant", "scope", json!(null))
            .unwrap(),
    );
    assert_eq!(operations.list()[0].state, OperationState::Failed);
}

#[tokio::test]
async fn clear_keeps_running_operations() {
    let operations = Operations::default();
    let running = operations
        .begin(OperationKind::GrantRole, "Grant a", "a", json!(null))
        .unwrap();
    operations
        .begin(OperationKind::GrantRole, "Grant b", "b", json!(null))
        .unwrap()
        .finish(&Ok(()));
    operations.clear_finished();
    let left = operations.list();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, running.id());
    running.finish(&Ok(()));
}

#[test]
fn durations_read_naturally() {
    assert_eq!(describe_duration(Duration::from_secs(900)), "15 minutes");
    assert_eq!(describe_duration(Duration::from_secs(90)), "90 seconds");
    assert_eq!(describe_duration(Duration::from_secs(1)), "1 second");
}
