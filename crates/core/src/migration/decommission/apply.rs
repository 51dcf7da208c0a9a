//! Carrying out a decommission: the typed workspace name is checked, the plan is made again from
//! what Azure says now, the ticked items are checked against it, and the removal runs as one
//! operation (progress, cancel, Activity, journal). The journal entry lists the items, so a run
//! that is killed half-way is finished by `pfrm operations resume` or the app's next start.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::plan::PlanItem;
use super::remove::{remove, Context, Removal};
use super::selection::{select, HeldBack};
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::migration::inventory::ItemKind;
use crate::model::WorkspaceSummary;
use crate::ops::runtimes::WatchSettings;
use crate::ops::{OperationKind, Progress, Stage};
use crate::services::Services;

/// What the decommission dialog and `pfrm decommission apply` send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecommissionRequest {
    pub workspace_id: String,
    /// The workspace's name, typed by the user to confirm.
    pub confirm_workspace: String,
    /// The plan item ids the user ticked.
    pub selected: Vec<String>,
    /// The flows that have moved (names or ids); unset means all of the workspace's flows.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_flows: Option<Vec<String>>,
}

/// How one ticked item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OutcomeState {
    Removed,
    /// Not there any more (an earlier interrupted run, or someone else, removed it).
    AlreadyGone,
    /// Left in place because something that stays uses it.
    Kept,
    Failed,
    /// Not tried: the run was cancelled first.
    NotReached,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemOutcome {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub state: OutcomeState,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}

/// The end of a decommission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecommissionReport {
    pub operation_id: String,
    pub workspace_name: String,
    /// Every ticked item, in the order it was handled.
    pub outcomes: Vec<ItemOutcome>,
    pub cancelled: bool,
}

impl DecommissionReport {
    pub fn count(&self, state: OutcomeState) -> usize {
        self.outcomes.iter().filter(|o| o.state == state).count()
    }

    /// "4 removed, 1 already gone, 1 kept, 0 failed".
    pub fn summary(&self) -> String {
        format!(
            "{} removed, {} already gone, {} kept, {} failed{}",
            self.count(OutcomeState::Removed),
            self.count(OutcomeState::AlreadyGone),
            self.count(OutcomeState::Kept),
            self.count(OutcomeState::Failed),
            if self.cancelled {
                format!(
                    ", {} not reached (cancelled)",
                    self.count(OutcomeState::NotReached)
                )
            } else {
                String::new()
            }
        )
    }

    /// The operation's end: cancelled, failed when an item failed, else succeeded.
    fn as_result(&self) -> Result<()> {
        if self.cancelled {
            return Err(Error::cancelled());
        }
        let failed = self.count(OutcomeState::Failed);
        if failed > 0 {
            return Err(Error::new(
                ErrorCode::Service,
                format!(
                    "{failed} of {} items could not be removed from {}.",
                    self.outcomes.len(),
                    self.workspace_name
                ),
            )
            .with_remedy("Read each item's error, fix what it says, then run the decommission again: what is gone already is skipped."));
        }
        Ok(())
    }
}

/// What the journal keeps of a decommission: enough to finish it without the plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DecommissionResume {
    pub workspace_id: String,
    pub workspace_name: String,
    pub items: Vec<PlanItem>,
    #[serde(default)]
    pub held_back: Vec<HeldBack>,
}

/// Refuses unless `typed` is the workspace's name.
pub fn check_confirmation(workspace_name: &str, typed: &str) -> Result<()> {
    if typed.trim() == workspace_name {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "The name typed to confirm (“{}”) is not the workspace's name ({workspace_name}); nothing was removed.",
        typed.trim()
    ))
    .with_remedy("Type the workspace's name exactly to confirm the decommission."))
}

/// Removes the ticked items of `request`'s workspace, leaving what is shared in place.
pub async fn apply(
    services: &Services,
    request: DecommissionRequest,
    watch: WatchSettings,
) -> Result<DecommissionReport> {
    let workspace = services.workspace(&request.workspace_id).await?;
    check_confirmation(&workspace.name, &request.confirm_workspace)?;
    if request.selected.is_empty() {
        return Err(Error::invalid_input("Nothing was ticked for removal.")
            .with_remedy("Tick the items to remove (with --only, their plan ids)."));
    }
    let plan = super::plan_decommission(
        services,
        &request.workspace_id,
        request.moved_flows.as_deref(),
    )
    .await?;
    let selection = select(&plan, &request.selected)?;
    let resume = DecommissionResume {
        workspace_id: workspace.id.clone(),
        workspace_name: workspace.name.clone(),
        items: selection.remove,
        held_back: selection.held_back,
    };
    let handle = services.operations.begin(
        OperationKind::Decommission,
        format!(
            "Decommission {}: remove {} item(s)",
            workspace.name,
            resume.items.len()
        ),
        format!("{}/decommission", workspace.id).to_lowercase(),
        serde_json::to_value(&resume).unwrap_or(json!(null)),
    )?;
    let operation_id = handle.id().to_owned();
    let progress = handle.progress();
    let cancel = handle.cancellation().clone();
    let outcome = execute(services, &workspace, &resume, &progress, cancel, watch).await;
    let report = outcome.map(|outcomes| DecommissionReport {
        operation_id,
        workspace_name: workspace.name.clone(),
        cancelled: outcomes.iter().any(|o| o.state == OutcomeState::NotReached),
        outcomes,
    });
    match &report {
        Ok(report) => handle.finish(&report.as_result()),
        Err(error) => handle.finish::<()>(&Err(error.clone())),
    }
    report
}

/// Finishes a decommission the journal still lists.
pub(crate) async fn resume(
    services: &Services,
    resume: DecommissionResume,
    progress: &Progress,
    cancel: CancellationToken,
    watch: WatchSettings,
) -> Result<String> {
    let workspace = services.workspace(&resume.workspace_id).await?;
    let outcomes = execute(services, &workspace, &resume, progress, cancel, watch).await?;
    let report = DecommissionReport {
        operation_id: progress.id().to_owned(),
        workspace_name: workspace.name.clone(),
        cancelled: outcomes.iter().any(|o| o.state == OutcomeState::NotReached),
        outcomes,
    };
    report.as_result()?;
    Ok(format!(
        "Decommission of {}: {}.",
        workspace.name,
        report.summary()
    ))
}

async fn execute(
    services: &Services,
    workspace: &WorkspaceSummary,
    resume: &DecommissionResume,
    progress: &Progress,
    cancel: CancellationToken,
    watch: WatchSettings,
) -> Result<Vec<ItemOutcome>> {
    let context = Context {
        services,
        reference: WorkspaceRef::from_arm_id(&workspace.id)?,
        flow: services.flow(workspace)?,
        removing: resume.items.iter().map(|i| i.id.clone()).collect(),
        progress,
        cancel: cancel.clone(),
        watch,
    };
    progress.stage(Stage::Deleting);
    let mut outcomes: Vec<ItemOutcome> = Vec::new();
    for held in &resume.held_back {
        outcomes.push(ItemOutcome {
            id: held.id.clone(),
            kind: held.kind,
            name: held.name.clone(),
            state: OutcomeState::Kept,
            message: Some(held.reason.clone()),
            error: None,
        });
    }
    // Ids that stay (held back, kept, failed): whatever one of them uses stays too.
    let mut stayed: BTreeSet<String> = resume.held_back.iter().map(|h| h.id.clone()).collect();
    let total = resume.items.len();
    for (index, item) in resume.items.iter().enumerate() {
        let mut outcome = ItemOutcome {
            id: item.id.clone(),
            kind: item.kind,
            name: item.name.clone(),
            state: OutcomeState::NotReached,
            message: None,
            error: None,
        };
        if cancel.is_cancelled() {
            outcomes.push(outcome);
            continue;
        }
        if let Some(user) = item.needs.iter().find(|n| stayed.contains(*n)) {
            outcome.state = OutcomeState::Kept;
            // The state already says "kept"; the message says why, naming the item as the plan does.
            outcome.message = Some(format!(
                "{} was not removed, and it uses this.",
                super::selection::item_name(user)
            ));
            stayed.insert(item.id.clone());
            outcomes.push(outcome);
            continue;
        }
        progress.message(format!(
            "Removing {} {} ({} of {total})",
            item.kind.label(),
            item.name,
            index + 1
        ));
        match remove(&context, item).await {
            Ok(Removal::Removed) => outcome.state = OutcomeState::Removed,
            Ok(Removal::AlreadyGone) => outcome.state = OutcomeState::AlreadyGone,
            Ok(Removal::Kept(reason)) => {
                outcome.state = OutcomeState::Kept;
                outcome.message = Some(reason);
                stayed.insert(item.id.clone());
            }
            Err(error) if error.code == ErrorCode::Cancelled || cancel.is_cancelled() => {
                // Cancelled mid-way: Azure may still finish this one; a later run checks.
                outcome.message = Some("Cancelled while it was being removed.".into());
            }
            Err(error) => {
                outcome.state = OutcomeState::Failed;
                outcome.error = Some(error);
                stayed.insert(item.id.clone());
            }
        }
        outcomes.push(outcome);
    }
    progress.stage(Stage::Verifying);
    Ok(outcomes)
}
