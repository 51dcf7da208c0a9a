//! One workspace's inventory: everything it holds is read at once, then each kind of row is
//! built by its own module. A part that cannot be read is a problem line, not a failure of
//! the whole workspace.

use super::{computes, connections, endpoints, flows, runtimes};
use super::{InventoryItem, InventoryProblem, ItemKind};
use crate::azure::WorkspaceRef;
use crate::error::{Error, Result};
use crate::model::{RuntimeSummary, WorkspaceSummary};
use crate::services::Services;

/// One workspace read: the workspace, its rows, and the parts that could not be read.
pub(super) struct Stock {
    pub workspace: WorkspaceSummary,
    pub items: Vec<InventoryItem>,
    pub problems: Vec<InventoryProblem>,
}

impl Stock {
    /// A new row of this workspace.
    pub fn row(&self, kind: ItemKind, name: impl Into<String>) -> InventoryItem {
        InventoryItem::new(kind, &self.workspace, name)
    }

    /// Notes that `part` could not be read.
    pub fn problem(&mut self, part: &str, error: Error) {
        self.problems.push(InventoryProblem {
            workspace_id: self.workspace.id.clone(),
            workspace_name: self.workspace.name.clone(),
            part: part.into(),
            error,
        })
    }

    /// The list, or none and a problem line when `part` could not be read.
    pub fn listed<T>(&mut self, part: &str, result: Result<Vec<T>>) -> Vec<T> {
        result.unwrap_or_else(|error| {
            self.problem(part, error);
            Vec::new()
        })
    }
}

/// Reads the workspace `workspace_id` with at most `max_parallel` requests of each kind in
/// flight.
pub(super) async fn one_workspace(
    services: &Services,
    workspace_id: &str,
    max_parallel: usize,
) -> Result<Stock> {
    let workspace = services.workspace(workspace_id).await?;
    let reference = WorkspaceRef::from_arm_id(&workspace.id)?;
    let flow_client = services.flow(&workspace)?;
    let (runtimes, computes, flows, connections, endpoints) = tokio::join!(
        flow_client.list_runtimes(),
        services.arm.list_computes(&reference),
        flow_client.list_flows(),
        services.arm.list_connections(&reference),
        services.arm.list_online_endpoints(&reference),
    );
    let mut stock = Stock {
        workspace,
        items: Vec::new(),
        problems: Vec::new(),
    };
    // Runtimes, then flows and their sessions, then the instances and the custom applications
    // runtimes and sessions run on.
    let runtimes: Vec<RuntimeSummary> = stock
        .listed("runtimes", runtimes)
        .iter()
        .map(|dto| RuntimeSummary::read(dto, flow_client.workspace()))
        .collect();
    runtimes::add_rows(&mut stock, &runtimes);
    let flows = stock.listed("flows", flows);
    let computes = stock.listed("computes", computes);
    let usage = flows::add_rows(&mut stock, &flow_client, flows, &computes, max_parallel).await;
    computes::add_rows(&mut stock, &computes, &runtimes, &usage.session_users);
    match endpoints {
        Ok(endpoints) => {
            endpoints::add_rows(
                &mut stock,
                &services.arm,
                &reference,
                &endpoints,
                max_parallel,
            )
            .await
        }
        Err(error) => stock.problem("online endpoints", error),
    }
    match connections {
        Ok(connections) => connections::add_rows(&mut stock, connections, &usage.connection_users),
        Err(error) => stock.problem("connections", error),
    }
    Ok(stock)
}
