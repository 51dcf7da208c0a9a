//! Resuming what the journal still lists after the app or a `pfrm` command stopped mid-way.
//!
//! Every kind of entry either is watched again until its operation ends (create, update and
//! delete of a runtime, start of a compute instance) or ends at once with a message saying what
//! to check (role grants and revokes, whose wait is short and cannot be picked up again, and any
//! entry older than [`MAX_ENTRY_AGE`]). An operation whose subject no longer exists ends at once:
//! nothing polls a runtime that is not there.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::runtime_watch::{
    verify_update, wait_until_deleted, watch_instance_start, watch_until_running, RuntimeResume,
    WatchSettings,
};
use super::{JournalEntry, OperationKind, Stage};
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::services::Services;

/// An entry older than this is not watched again: whatever Azure was doing has long ended.
pub const MAX_ENTRY_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// How one resumed operation ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResumedOperation {
    pub id: String,
    pub kind: OperationKind,
    pub title: String,
    /// What is true now, for people ("Runtime rt-1 is running."). Unset when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

/// Resumes `entries` (normally [`super::Operations::pending`]) side by side; each appears in the
/// operation list under its original id and leaves the journal when it ends.
pub async fn resume_operations(
    services: &Services,
    entries: Vec<JournalEntry>,
    watch: WatchSettings,
) -> Vec<ResumedOperation> {
    let resumes = entries
        .into_iter()
        .map(|entry| resume_one(services, entry, watch));
    futures::future::join_all(resumes).await
}

async fn resume_one(
    services: &Services,
    entry: JournalEntry,
    watch: WatchSettings,
) -> ResumedOperation {
    let (id, kind, title) = (entry.id.clone(), entry.kind, entry.title.clone());
    let expired = is_expired(&entry);
    let result = match services.operations.resume(entry.clone()) {
        Err(error) => Err(error),
        Ok(handle) => {
            let progress = handle.progress();
            let cancel = handle.cancellation().clone();
            handle
                .run(watch.timeout, async {
                    if expired {
                        return Err(expired_error(&entry));
                    }
                    match kind {
                        OperationKind::CreateRuntime | OperationKind::UpdateRuntime => {
                            progress.stage(Stage::RuntimeStarting);
                            resume_runtime_start(services, &entry, &progress, watch).await
                        }
                        OperationKind::DeleteRuntime => {
                            progress.stage(Stage::Deleting);
                            resume_delete(services, &entry, &progress, watch).await
                        }
                        OperationKind::StartComputeInstance => {
                            progress.stage(Stage::InstanceStarting);
                            resume_instance_start(services, &entry, &progress, watch).await
                        }
                        OperationKind::GrantRole | OperationKind::RevokeRole => {
                            Err(not_resumable_error(&entry))
                        }
                        // Never journaled; an entry written by hand ends at once.
                        OperationKind::TakeInventory => Err(Error::new(
                            ErrorCode::Timeout,
                            format!(
                                "“{}” was interrupted; an inventory only reads, so nothing changed.",
                                entry.title
                            ),
                        )
                        .with_remedy(check_remedy(kind))),
                        OperationKind::Decommission => {
                            let resume = serde_json::from_value(entry.resume.clone())
                                .map_err(|_| unreadable_record())?;
                            crate::migration::decommission::apply::resume(
                                services, resume, &progress, cancel, watch,
                            )
                            .await
                        }
                    }
                })
                .await
        }
    };
    match result {
        Ok(outcome) => ResumedOperation {
            id,
            kind,
            title,
            outcome: Some(outcome),
            error: None,
        },
        Err(error) => ResumedOperation {
            id,
            kind,
            title,
            outcome: None,
            error: Some(error),
        },
    }
}

fn is_expired(entry: &JournalEntry) -> bool {
    let Ok(started) = OffsetDateTime::parse(&entry.started_at, &Rfc3339) else {
        // An entry whose start cannot be read cannot be judged young; it ends with a message.
        return true;
    };
    OffsetDateTime::now_utc() - started > MAX_ENTRY_AGE
}

fn expired_error(entry: &JournalEntry) -> Error {
    Error::new(
        ErrorCode::Timeout,
        format!(
            "“{}” started at {} and was not watched to its end; it is too old to be watched again.",
            entry.title, entry.started_at
        ),
    )
    .with_remedy(check_remedy(entry.kind))
}

fn not_resumable_error(entry: &JournalEntry) -> Error {
    Error::new(
        ErrorCode::Timeout,
        format!(
            "“{}” was interrupted before Azure confirmed it; a role change cannot be watched again.",
            entry.title
        ),
    )
    .with_remedy(check_remedy(entry.kind))
}

fn check_remedy(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::GrantRole | OperationKind::RevokeRole => {
            "Check the workspace's role assignments, and grant or revoke again if it did not take effect."
        }
        OperationKind::StartComputeInstance => {
            "Check the compute instance's state, and start it again if it is stopped."
        }
        OperationKind::Decommission => {
            "Run `pfrm decommission plan` to see what is left, and apply the decommission again: what is gone already is skipped."
        }
        OperationKind::TakeInventory => "Take the inventory again.",
        _ => "Check the runtime's state, and run the operation again if it did not finish.",
    }
}

fn unreadable_record() -> Error {
    Error::internal("An operation in the journal has an unreadable resume record.")
        .with_remedy("Check the state of what it acted on, and run the operation again if needed.")
}

/// Create and update: the runtime must exist (a missing one ends the entry at once), then it is
/// watched until it runs; an update is verified as it would have been.
async fn resume_runtime_start(
    services: &Services,
    entry: &JournalEntry,
    progress: &super::Progress,
    watch: WatchSettings,
) -> Result<String> {
    let resume: RuntimeResume =
        serde_json::from_value(entry.resume.clone()).map_err(|_| unreadable_record())?;
    let (_, flow) = services.workspace_flow(&resume.workspace_id).await?;
    if let Err(error) = flow.get_runtime(&resume.runtime_name).await {
        return Err(if error.code == ErrorCode::NotFound {
            runtime_missing(&resume.runtime_name, entry.kind)
        } else {
            error
        });
    }
    let runtime = watch_until_running(services, &flow, &resume, progress, watch).await?;
    if entry.kind == OperationKind::UpdateRuntime {
        progress.stage(Stage::Verifying);
        verify_update(&runtime, resume.previous_image.as_deref())?;
    }
    Ok(format!("Runtime {} is running.", runtime.summary.name))
}

fn runtime_missing(name: &str, kind: OperationKind) -> Error {
    let (message, remedy) = if kind == OperationKind::CreateRuntime {
        (
            format!("Runtime {name} does not exist: its creation did not go through, or it was deleted since."),
            "Create it again.",
        )
    } else {
        (
            format!("Runtime {name} no longer exists, so its update cannot be watched."),
            "Check the workspace's runtimes; create the runtime again if it is needed.",
        )
    };
    Error::new(ErrorCode::NotFound, message).with_remedy(remedy)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteResume {
    workspace_id: String,
    runtime_name: String,
}

/// Delete: watched until the runtime is gone.
async fn resume_delete(
    services: &Services,
    entry: &JournalEntry,
    progress: &super::Progress,
    watch: WatchSettings,
) -> Result<String> {
    let resume: DeleteResume =
        serde_json::from_value(entry.resume.clone()).map_err(|_| unreadable_record())?;
    let (_, flow) = services.workspace_flow(&resume.workspace_id).await?;
    wait_until_deleted(&flow, &resume.runtime_name, progress, watch).await?;
    Ok(format!("Runtime {} is deleted.", resume.runtime_name))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstanceResume {
    workspace_id: String,
    compute_instance: String,
}

/// Start of a compute instance: watched until it runs.
async fn resume_instance_start(
    services: &Services,
    entry: &JournalEntry,
    progress: &super::Progress,
    watch: WatchSettings,
) -> Result<String> {
    let resume: InstanceResume =
        serde_json::from_value(entry.resume.clone()).map_err(|_| unreadable_record())?;
    let reference = WorkspaceRef::from_arm_id(&resume.workspace_id)?;
    watch_instance_start(
        services,
        &reference,
        &resume.compute_instance,
        progress,
        watch,
    )
    .await?;
    Ok(format!(
        "Compute instance {} is running.",
        resume.compute_instance
    ))
}
