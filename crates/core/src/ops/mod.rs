//! User-level operations: anything that waits (starting an instance, creating, updating or
//! deleting a runtime, waiting for a role to take effect) runs as an operation with an id, a
//! stream of progress snapshots, a cancel, a timeout and a journal entry.
//!
//! The shell forwards snapshots to the Activity panel, the CLI draws them as a progress line; both
//! see the same [`OperationSnapshot`]s. The [`journal`] keeps in-flight operations on disk so that
//! after the app is closed and reopened mid-operation it can show the operation again and resume
//! watching it.

pub mod instance_sign_in;
pub mod journal;
mod lost_answer;
pub mod permissions;
pub mod prerequisites;
mod registry;
pub mod resume;
pub(crate) mod runtime_watch;
pub mod runtimes;
mod subject;
pub mod taskbar;
pub mod updates;
pub mod workspaces;

pub use journal::{default_journal_path, Journal, JournalEntry, JournalScope};
pub use registry::{OperationHandle, Operations, Progress};
pub use subject::OperationSubject;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Error;

/// What an operation does. Stable names: they are stored in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OperationKind {
    StartComputeInstance,
    CreateRuntime,
    UpdateRuntime,
    DeleteRuntime,
    GrantRole,
    RevokeRole,
    /// Removing what prompt flow left in a workspace once its flows have moved.
    Decommission,
    /// Reading what prompt flow is left in workspaces (never journaled: it changes nothing).
    TakeInventory,
}

/// Where an operation is. Terminal states never change again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OperationState {
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl OperationState {
    pub fn is_terminal(self) -> bool {
        !matches!(self, OperationState::Running)
    }
}

/// The step an operation is at. The UI's message catalog has a sentence for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// The request is being sent.
    Requested,
    /// The compute instance is starting.
    InstanceStarting,
    /// A custom application is being added to the compute instance.
    AddingCustomApp,
    /// The compute instance is restarting so the custom application runs.
    InstanceRestarting,
    /// The runtime is starting on the instance.
    RuntimeStarting,
    /// The runtime is being deleted.
    Deleting,
    /// A role assignment was made; waiting until Azure applies it.
    WaitingForPropagation,
    /// Checking that the result is what was asked for.
    Verifying,
    /// Finished.
    Done,
}

/// Everything the UI and CLI show about one operation at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OperationSnapshot {
    pub id: String,
    pub kind: OperationKind,
    /// A short description for people, e.g. "Create runtime rt-1 on ci-alice".
    pub title: String,
    /// What the operation acts on (an ARM id or a runtime URL). Two running operations never
    /// share a target.
    pub target: String,
    /// What `target` names, for the hosts' words; none when they show the target as it is.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<OperationSubject>,
    pub state: OperationState,
    pub stage: Stage,
    /// The last message from the service, if any (e.g. a runtime's status message).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// RFC 3339.
    pub started_at: String,
    /// Milliseconds since the start (until the end, for finished operations).
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
    /// Resumed from the journal after the app was restarted.
    pub resumed: bool,
}
