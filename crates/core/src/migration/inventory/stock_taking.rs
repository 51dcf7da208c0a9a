//! The inventory as the app and `pfrm inventory` take it: of the chosen workspaces or of every
//! workspace the user can see, as an operation of its own, so its progress shows where every
//! long operation's does (the Activity panel, the CLI's progress line) and it is cancelled the
//! same way (the Activity panel's Cancel, Ctrl+C). It only reads, so nothing of it is journaled:
//! there is nothing to resume after a restart.

use super::{read_workspaces, Inventory, InventoryProblem};
use crate::error::{Error, Result};
use crate::ops::workspaces::list_workspaces;
use crate::ops::{OperationKind, Stage};
use crate::services::Services;

/// Workspaces read at the same time (and requests of each kind per workspace), as Update all.
pub const DEFAULT_PARALLEL: usize = 4;

/// What every inventory operation acts on: one inventory at a time per app or command, so a
/// second click while one runs says it is under way instead of reading everything twice.
const TARGET: &str = "inventory";

/// Which workspaces an inventory covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryScope {
    /// These workspaces (ARM ids).
    Chosen(Vec<String>),
    /// Every workspace in the user's subscriptions, listed first.
    AllWorkspaces,
}

impl InventoryScope {
    /// The scope a host's choice names: every workspace when `all` is set, else `workspace_ids`.
    pub fn new(workspace_ids: Vec<String>, all: bool) -> InventoryScope {
        if all {
            InventoryScope::AllWorkspaces
        } else {
            InventoryScope::Chosen(workspace_ids)
        }
    }

    fn title(&self) -> String {
        match self {
            InventoryScope::AllWorkspaces => "Take stock of every workspace".into(),
            InventoryScope::Chosen(ids) if ids.len() == 1 => {
                let name = ids[0].rsplit('/').next().unwrap_or_default();
                format!("Take stock of workspace {name}")
            }
            InventoryScope::Chosen(ids) => format!("Take stock of {} workspaces", ids.len()),
        }
    }
}

/// Takes the inventory of `scope` as an operation: "every workspace" lists the subscriptions'
/// workspaces first (a subscription that cannot be listed is a problem of the inventory, not
/// a failure of it), then the workspaces are read, at most `max_parallel` at a time, the
/// operation's message counting them. Fails with `cancelled` when the user cancels, and with
/// `conflict` when an inventory is already being taken.
pub async fn take_stock(
    services: &Services,
    scope: InventoryScope,
    max_parallel: usize,
) -> Result<Inventory> {
    let handle = services.operations.unjournaled().begin(
        OperationKind::TakeInventory,
        scope.title(),
        TARGET,
        serde_json::Value::Null,
    )?;
    let progress = handle.progress();
    let cancel = handle.cancellation().clone();
    let work = async {
        let (ids, listing_problems) = match scope {
            InventoryScope::Chosen(ids) => (ids, Vec::new()),
            InventoryScope::AllWorkspaces => {
                progress.message("Listing the workspaces of your subscriptions");
                let listing = list_workspaces(services, max_parallel).await?;
                let problems = listing
                    .problems
                    .into_iter()
                    .map(|problem| InventoryProblem {
                        workspace_id: format!("/subscriptions/{}", problem.subscription_id),
                        // A subscription whose workspaces could not be listed: named by its id.
                        workspace_name: problem.subscription_id.clone(),
                        part: "workspaces".into(),
                        error: problem.error,
                    })
                    .collect::<Vec<_>>();
                let ids = listing.workspaces.into_iter().map(|w| w.id).collect();
                (ids, problems)
            }
        };
        progress.stage(Stage::Requested);
        let on_read = |read: usize, total: usize| {
            progress.message(format!("{read} of {total} workspaces read"));
        };
        let mut inventory = read_workspaces(services, &ids, max_parallel, &on_read).await;
        if !listing_problems.is_empty() {
            inventory.problems.splice(0..0, listing_problems);
        }
        Ok::<_, Error>(inventory)
    };
    let outcome = tokio::select! {
        outcome = work => outcome,
        () = cancel.cancelled() => Err(Error::cancelled()),
    };
    handle.finish(&outcome);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_is_every_workspace_when_asked_whatever_else_is_chosen() {
        let ids = vec!["/subscriptions/s/resourceGroups/rg/providers/x/workspaces/ws-1".to_owned()];
        assert_eq!(
            InventoryScope::new(ids.clone(), true),
            InventoryScope::AllWorkspaces
        );
        let chosen = InventoryScope::new(ids.clone(), false);
        assert_eq!(chosen, InventoryScope::Chosen(ids));
        assert_eq!(chosen.title(), "Take stock of workspace ws-1");
        assert_eq!(
            InventoryScope::AllWorkspaces.title(),
            "Take stock of every workspace"
        );
    }
}
