//! Progress on the taskbar (Windows), the dock (macOS) or the launcher (Linux desktops with the
//! Unity launcher API) while long operations run, so a user who switched to another window sees
//! that the app is still at work, and when it is done. The host draws it (`ProgressDisplay`);
//! this module decides what to show from the operations.

use tokio::sync::broadcast::error::RecvError;

use super::registry::Operations;
use super::{OperationSnapshot, OperationState};

/// What the taskbar shows. Operations report stages, not percentages, so a running operation
/// shows as busy without a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskbarProgress {
    /// Nothing running: no progress on the taskbar.
    Idle,
    /// At least one operation running.
    Busy,
    /// Nothing running, and the latest operation to end failed: shown until another starts or
    /// the failures are cleared from Activity.
    Failed,
}

/// Draws the progress: the window's taskbar entry in the app, a recorder in tests.
pub trait ProgressDisplay: Send + Sync + 'static {
    fn show(&self, progress: TaskbarProgress);
}

/// What to show for these operations (in the registry's order, oldest first).
pub fn progress_of(operations: &[OperationSnapshot]) -> TaskbarProgress {
    if operations
        .iter()
        .any(|operation| !operation.state.is_terminal())
    {
        return TaskbarProgress::Busy;
    }
    match operations.last().map(|operation| operation.state) {
        Some(OperationState::Failed) => TaskbarProgress::Failed,
        _ => TaskbarProgress::Idle,
    }
}

/// Shows the progress now and after every change to the operations, until the registry goes
/// away. Each state is shown once: the display is told only when it changes.
pub async fn follow(operations: Operations, display: impl ProgressDisplay) {
    let mut updates = operations.subscribe();
    let mut shown = progress_of(&operations.list());
    display.show(shown);
    // Each change (or, after falling behind, several) is a cue to look again; the registry
    // closing ends the loop.
    while let Ok(_) | Err(RecvError::Lagged(_)) = updates.recv().await {
        let now = progress_of(&operations.list());
        if now != shown {
            display.show(now);
            shown = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::OperationKind;
    use crate::{Error, ErrorCode};
    use serde_json::json;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<TaskbarProgress>>>);

    impl ProgressDisplay for Recorder {
        fn show(&self, progress: TaskbarProgress) {
            self.0.lock().unwrap().push(progress);
        }
    }

    impl Recorder {
        async fn wait_for(&self, expected: &[TaskbarProgress]) {
            for _ in 0..200 {
                if self.0.lock().unwrap().as_slice() == expected {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert_eq!(self.0.lock().unwrap().as_slice(), expected);
        }
    }

    #[tokio::test]
    async fn busy_while_an_operation_runs_then_idle_or_failed() {
        use TaskbarProgress::{Busy, Failed, Idle};
        let operations = Operations::default();
        let recorder = Recorder::default();
        tokio::spawn(follow(operations.clone(), recorder.clone()));
        recorder.wait_for(&[Idle]).await;

        let begin = |target: &str| {
            operations
                .begin(OperationKind::UpdateRuntime, "Update", target, json!(null))
                .unwrap()
        };
        let first = begin("a");
        let second = begin("b");
        recorder.wait_for(&[Idle, Busy]).await;
        // One of two ending leaves the taskbar busy; stage changes do not repeat it.
        first.finish(&Ok(()));
        tokio::time::sleep(Duration::from_millis(50)).await;
        recorder.wait_for(&[Idle, Busy]).await;
        second.finish::<()>(&Err(Error::new(ErrorCode::Service, "no")));
        recorder.wait_for(&[Idle, Busy, Failed]).await;
        // The next operation shows busy again, and its success clears the failure.
        let third = begin("c");
        recorder.wait_for(&[Idle, Busy, Failed, Busy]).await;
        third.finish(&Ok(()));
        recorder.wait_for(&[Idle, Busy, Failed, Busy, Idle]).await;
    }

    #[test]
    fn no_operations_show_nothing() {
        assert_eq!(progress_of(&[]), TaskbarProgress::Idle);
    }
}
