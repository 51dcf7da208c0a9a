//! The in-memory list of operations, shared by the shell's Activity panel and the CLI.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::journal::JournalScope;
use super::{
    Journal, JournalEntry, OperationKind, OperationSnapshot, OperationState, OperationSubject,
    Stage,
};
use crate::error::{Error, ErrorCode, Result};

/// Snapshots kept for subscribers that lag behind; older ones are dropped (the latest state of
/// every operation is always available from [`Operations::list`]).
const SUBSCRIBER_BACKLOG: usize = 256;

struct Entry {
    snapshot: OperationSnapshot,
    started: Instant,
    cancel: CancellationToken,
    /// Recorded in the journal (so it leaves the journal when it ends).
    journaled: bool,
}

struct Inner {
    entries: Vec<Entry>,
    journal: Option<Journal>,
}

/// All operations of this process. Cheap to clone: clones share the list.
///
/// A clone may be tied to one account ([`Operations::for_account`]): the operations it begins
/// are journaled under that account, and [`Operations::pending`] lists only that account's.
/// The sandbox's clone ([`Operations::unjournaled`]) keeps nothing on disk: its world is gone
/// when the app closes, and it must never touch a real account's entries.
#[derive(Clone)]
pub struct Operations {
    inner: Arc<Mutex<Inner>>,
    updates: broadcast::Sender<OperationSnapshot>,
    scope: Option<JournalScope>,
    journaled: bool,
}

impl Default for Operations {
    fn default() -> Self {
        Operations::new(None)
    }
}

impl Operations {
    /// With a journal, every operation is recorded until it ends.
    pub fn new(journal: Option<Journal>) -> Operations {
        let (updates, _) = broadcast::channel(SUBSCRIBER_BACKLOG);
        Operations {
            inner: Arc::new(Mutex::new(Inner {
                entries: Vec::new(),
                journal,
            })),
            updates,
            scope: None,
            journaled: true,
        }
    }

    /// The same list, journaling under `scope` (the cloud and account operations run as).
    pub fn for_account(&self, scope: JournalScope) -> Operations {
        Operations {
            scope: Some(scope),
            journaled: true,
            ..self.clone()
        }
    }

    /// The same list, journaling nothing and resuming nothing (the sandbox).
    pub fn unjournaled(&self) -> Operations {
        Operations {
            scope: None,
            journaled: false,
            ..self.clone()
        }
    }

    /// The journal this list writes to, if any.
    pub fn journal(&self) -> Option<Journal> {
        if !self.journaled {
            return None;
        }
        self.lock().journal.clone()
    }

    /// Journal entries of this account that no operation of this process is watching: those
    /// left by a closed (or killed) app or command, to resume. Other accounts' entries, and
    /// everything when unjournaled, are left alone.
    pub fn pending(&self) -> Result<Vec<JournalEntry>> {
        let Some(journal) = self.journal() else {
            return Ok(Vec::new());
        };
        let running: Vec<String> = self
            .list()
            .into_iter()
            .filter(|op| !op.state.is_terminal())
            .map(|op| op.id)
            .collect();
        Ok(journal
            .entries()?
            .into_iter()
            .filter(|entry| self.scope.as_ref().is_none_or(|scope| scope.owns(entry)))
            .filter(|entry| !running.contains(&entry.id))
            .collect())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every write is a single
        // assignment), so a poisoned lock is still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every change to any operation, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<OperationSnapshot> {
        self.updates.subscribe()
    }

    /// The latest snapshot of every operation, oldest first.
    pub fn list(&self) -> Vec<OperationSnapshot> {
        let inner = self.lock();
        inner.entries.iter().map(with_elapsed).collect()
    }

    pub fn get(&self, id: &str) -> Option<OperationSnapshot> {
        let inner = self.lock();
        inner
            .entries
            .iter()
            .find(|entry| entry.snapshot.id == id)
            .map(with_elapsed)
    }

    /// Starts tracking a new operation. Fails with `conflict` when another operation on the
    /// same target is still running, so a double click or a second "Update" never acts twice.
    ///
    /// `resume` is what the journal keeps so that the operation can be watched again after a
    /// restart; pass `serde_json::Value::Null` when there is nothing to resume.
    pub fn begin(
        &self,
        kind: OperationKind,
        title: impl Into<String>,
        target: impl Into<String>,
        resume: serde_json::Value,
    ) -> Result<OperationHandle> {
        let entry = JournalEntry {
            id: uuid::Uuid::new_v4().to_string(),
            kind,
            title: title.into(),
            target: target.into(),
            started_at: now_rfc3339(),
            resume,
            cloud: self.scope.as_ref().map(|scope| scope.cloud.clone()),
            account: self.scope.as_ref().map(|scope| scope.account.clone()),
        };
        self.track(entry, false)
    }

    /// Tracks an operation found in the journal after a restart, under its original id.
    pub fn resume(&self, entry: JournalEntry) -> Result<OperationHandle> {
        self.track(entry, true)
    }

    fn track(&self, entry: JournalEntry, resumed: bool) -> Result<OperationHandle> {
        let mut inner = self.lock();
        if let Some(running) = inner.entries.iter().find(|existing| {
            existing.snapshot.target == entry.target && !existing.snapshot.state.is_terminal()
        }) {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!("“{}” is already in progress.", running.snapshot.title),
            )
            .with_remedy("Wait for it to finish, or cancel it in the Activity panel.")
            .with_detail("operationId", running.snapshot.id.clone()));
        }
        let journaled = self.journaled && inner.journal.is_some();
        if let (true, Some(journal)) = (journaled, &inner.journal) {
            journal.record(&entry)?;
        }
        // An operation resumed in the process that dropped it is listed once, as running.
        inner
            .entries
            .retain(|existing| existing.snapshot.id != entry.id);
        let cancel = CancellationToken::new();
        let snapshot = OperationSnapshot {
            id: entry.id.clone(),
            kind: entry.kind,
            title: entry.title,
            subject: OperationSubject::of_target(&entry.target),
            target: entry.target,
            state: OperationState::Running,
            stage: Stage::Requested,
            message: None,
            started_at: entry.started_at,
            elapsed_ms: 0,
            error: None,
            resumed,
        };
        inner.entries.push(Entry {
            snapshot: snapshot.clone(),
            started: Instant::now(),
            cancel: cancel.clone(),
            journaled,
        });
        drop(inner);
        let _ = self.updates.send(snapshot);
        Ok(OperationHandle {
            id: entry.id,
            cancel,
            operations: self.clone(),
            finished: false,
        })
    }

    /// Asks a running operation to stop. Finished operations are left as they are.
    pub fn cancel(&self, id: &str) -> Result<()> {
        let inner = self.lock();
        let entry = inner
            .entries
            .iter()
            .find(|entry| entry.snapshot.id == id)
            .ok_or_else(|| {
                Error::new(ErrorCode::NotFound, "That operation is no longer listed.")
                    .with_remedy("Refresh the Activity panel.")
            })?;
        entry.cancel.cancel();
        Ok(())
    }

    /// Removes finished operations from the list (the Activity panel's "Clear").
    pub fn clear_finished(&self) {
        self.lock()
            .entries
            .retain(|entry| !entry.snapshot.state.is_terminal());
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut OperationSnapshot)) {
        self.update_with(id, JournalOnEnd::Remove, change);
    }

    fn update_with(
        &self,
        id: &str,
        on_end: JournalOnEnd,
        change: impl FnOnce(&mut OperationSnapshot),
    ) {
        let mut inner = self.lock();
        let Some(entry) = inner
            .entries
            .iter_mut()
            .find(|entry| entry.snapshot.id == id)
        else {
            return;
        };
        if entry.snapshot.state.is_terminal() {
            return;
        }
        change(&mut entry.snapshot);
        let snapshot = with_elapsed(entry);
        if snapshot.state.is_terminal() {
            entry.snapshot.elapsed_ms = snapshot.elapsed_ms;
            let journaled = entry.journaled;
            if let (Some(journal), JournalOnEnd::Remove, true) = (&inner.journal, on_end, journaled)
            {
                if let Err(error) = journal.remove(id) {
                    tracing::warn!(%error, operation = id, "could not remove a finished operation from the journal");
                }
            }
        }
        drop(inner);
        let _ = self.updates.send(snapshot);
    }
}

/// Whether an operation that ends leaves the journal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum JournalOnEnd {
    Remove,
    Keep,
}

fn with_elapsed(entry: &Entry) -> OperationSnapshot {
    let mut snapshot = entry.snapshot.clone();
    if !snapshot.state.is_terminal() {
        snapshot.elapsed_ms =
            u64::try_from(entry.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    }
    snapshot
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00Z"))
}

/// The running side of one operation: report progress, watch for cancel, finish once.
///
/// Dropping a handle that was never finished marks the operation failed, so the Activity panel
/// never shows a ghost that runs forever.
pub struct OperationHandle {
    id: String,
    cancel: CancellationToken,
    operations: Operations,
    finished: bool,
}

impl OperationHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Cancelled when the user cancels the operation.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// A cloneable reporter for the work running inside [`OperationHandle::run`].
    pub fn progress(&self) -> Progress {
        Progress {
            id: self.id.clone(),
            operations: self.operations.clone(),
        }
    }

    /// Moves to a new stage, clearing the previous stage's message.
    pub fn stage(&self, stage: Stage) {
        self.progress().stage(stage);
    }

    /// Shows the service's latest message (for example a runtime's status message).
    pub fn message(&self, message: impl Into<String>) {
        self.progress().message(message);
    }

    /// Ends the operation with the outcome of its work. A `cancelled` error ends it as
    /// cancelled, any other error as failed.
    pub fn finish<T>(mut self, outcome: &Result<T>) {
        self.finished = true;
        let (state, error) = match outcome {
            Ok(_) => (OperationState::Succeeded, None),
            Err(error) if error.code == ErrorCode::Cancelled => {
                (OperationState::Cancelled, Some(error.clone()))
            }
            Err(error) => (OperationState::Failed, Some(error.clone())),
        };
        self.operations.update(&self.id, |snapshot| {
            snapshot.state = state;
            if state == OperationState::Succeeded {
                // The last service message ("Azure reports: Starting") described a stage that is
                // over; a finished operation showing it reads as if it were still going. A failed
                // one keeps it: what Azure said last is part of why it failed.
                snapshot.stage = Stage::Done;
                snapshot.message = None;
            }
            snapshot.error = error;
        });
    }

    /// Runs `work` until it ends, the user cancels, or `timeout` passes, then finishes the
    /// operation with the outcome and returns it.
    pub async fn run<T, F>(self, timeout: Duration, work: F) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        let cancel = self.cancel.clone();
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(timeout, work) => match outcome {
                Ok(outcome) => outcome,
                Err(_) => Err(Error::new(
                    ErrorCode::Timeout,
                    format!("This did not finish within {}.", describe_duration(timeout)),
                )
                .with_remedy("Check its state in Azure ML studio, then try again.")),
            },
            _ = cancel.cancelled() => Err(Error::cancelled()),
        };
        self.finish(&outcome);
        outcome
    }
}

impl Drop for OperationHandle {
    fn drop(&mut self) {
        if !self.finished {
            // The work was dropped: the app is closing, or a bug. The journal keeps the entry so
            // the next start resumes watching what Azure may still be doing.
            let error = Error::internal("The operation stopped without reporting how it ended.");
            self.operations
                .update_with(&self.id, JournalOnEnd::Keep, |snapshot| {
                    snapshot.state = OperationState::Failed;
                    snapshot.error = Some(error);
                });
        }
    }
}

/// Reports progress of one operation; cheap to clone into the work's future.
#[derive(Clone)]
pub struct Progress {
    id: String,
    operations: Operations,
}

impl Progress {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Moves to a new stage, clearing the previous stage's message.
    pub fn stage(&self, stage: Stage) {
        self.operations.update(&self.id, |snapshot| {
            if snapshot.stage != stage {
                snapshot.stage = stage;
                snapshot.message = None;
            }
        });
    }

    /// Shows the service's latest message (for example a runtime's status message).
    pub fn message(&self, message: impl Into<String>) {
        let message = message.into();
        self.operations.update(&self.id, |snapshot| {
            snapshot.message = Some(message);
        });
    }
}

/// "90 seconds", "15 minutes".
pub(crate) fn describe_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 120 && seconds.is_multiple_of(60) {
        format!("{} minutes", seconds / 60)
    } else if seconds == 1 {
        "1 second".into()
    } else {
        format!("{seconds} seconds")
    }
}

#[cfg(test)]
mod tests;
