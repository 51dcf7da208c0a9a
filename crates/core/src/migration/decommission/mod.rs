//! Decommission, once flows have moved to Agent Framework: a plan of what prompt flow left that
//! can go (runtimes, custom applications, compute instances only they used, compute sessions,
//! flow endpoints and deployments, unused connections) with what each costs while running, the
//! user's ticks checked so nothing shared goes, and the removal run as an operation.
//!
//! - [`plan`]: the plan, from the workspace's inventory;
//! - [`selection`]: the ticked items checked against it;
//! - [`remove`]: one removal per kind, safe to run again;
//! - [`apply`]: the operation, its report and its resume from the journal.

pub mod apply;
pub mod plan;
mod remove;
pub mod selection;

pub use apply::{
    apply, check_confirmation, DecommissionReport, DecommissionRequest, ItemOutcome, OutcomeState,
};
pub use plan::{DecommissionPlan, KeptItem, PlanItem};

use crate::error::Result;
use crate::services::Services;

/// The decommission plan of one workspace as it is now. `moved_flows` names the flows (names or
/// ids) that have moved; `None` means all of them.
pub async fn plan_decommission(
    services: &Services,
    workspace_id: &str,
    moved_flows: Option<&[String]>,
) -> Result<DecommissionPlan> {
    let workspace = services.workspace(workspace_id).await?;
    let inventory = crate::migration::inventory::take_inventory(
        services,
        std::slice::from_ref(&workspace.id),
        4,
    )
    .await;
    if let Some(names) = moved_flows {
        let known: Vec<&str> = inventory
            .items
            .iter()
            .filter(|i| i.kind == crate::migration::inventory::ItemKind::Flow)
            .flat_map(|i| [Some(i.name.as_str()), i.id.as_deref()])
            .flatten()
            .collect();
        if let Some(unknown) = names
            .iter()
            .find(|n| !known.iter().any(|k| k.eq_ignore_ascii_case(n)))
        {
            return Err(crate::error::Error::invalid_input(format!(
                "There is no flow named {unknown} in workspace {}.",
                workspace.name
            ))
            .with_remedy("Run `pfrm inventory` to see the workspace's flows."));
        }
    }
    Ok(plan::build(
        &inventory,
        &workspace.id,
        &workspace.name,
        moved_flows,
    ))
}
