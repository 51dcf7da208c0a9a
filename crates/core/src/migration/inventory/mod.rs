//! What prompt flow a team still has, across the workspaces it picks: runtimes and the compute
//! instances and custom applications they run on, flows (with their type, owner, last change,
//! what they run on, node counts by kind and connections), compute sessions and serverless
//! instances, online endpoints and deployments that serve a flow, and workspace connections.
//! Every row carries its cost-relevant state (running or not, idle shutdown). Workspaces are
//! read in bounded parallel, like Update all; one that cannot be read is a problem line, not a
//! failure of the whole.
//!
//! - `workspace`: one workspace read, its rows built by `runtimes`, `flows` (with their
//!   sessions and serverless instances), `computes` (with their custom applications),
//!   `endpoints` (with their flow deployments) and `connections`;
//! - `stock_taking`: the inventory as the hosts take it ([`take_stock`]): of the chosen
//!   workspaces or of every one, as an operation with progress and cancel;
//! - [`flow_graph`]: a service flow written back as a flow folder (for the audit and scaffold);
//! - [`export`]: JSON, CSV and Markdown;
//! - [`workspace_flow`]: a workspace flow (by id or name) audited or scaffolded.

mod computes;
mod connections;
mod endpoints;
pub mod export;
pub mod flow_graph;
mod flows;
mod runtimes;
mod stock_taking;
mod workspace;
pub mod workspace_flow;

pub use stock_taking::{take_stock, InventoryScope, DEFAULT_PARALLEL};

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use self::workspace::{one_workspace, Stock};
use crate::error::{Error, Result};
use crate::model::WorkspaceSummary;
use crate::services::Services;

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ItemKind {
    Runtime,
    ComputeInstance,
    CustomApp,
    Flow,
    ComputeSession,
    ServerlessInstance,
    OnlineEndpoint,
    OnlineDeployment,
    Connection,
}

impl ItemKind {
    pub const ALL: [ItemKind; 9] = [
        ItemKind::Runtime,
        ItemKind::ComputeInstance,
        ItemKind::CustomApp,
        ItemKind::Flow,
        ItemKind::ComputeSession,
        ItemKind::ServerlessInstance,
        ItemKind::OnlineEndpoint,
        ItemKind::OnlineDeployment,
        ItemKind::Connection,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Runtime => "runtime",
            ItemKind::ComputeInstance => "compute instance",
            ItemKind::CustomApp => "custom application",
            ItemKind::Flow => "flow",
            ItemKind::ComputeSession => "compute session",
            ItemKind::ServerlessInstance => "serverless instance",
            ItemKind::OnlineEndpoint => "online endpoint",
            ItemKind::OnlineDeployment => "online deployment",
            ItemKind::Connection => "connection",
        }
    }
}

/// Whether a row costs money now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CostState {
    /// Compute is allocated and billed (a running instance, a live session, deployed instances).
    Running,
    /// Nothing billed while it stays so (a stopped instance, a session that does not exist).
    Stopped,
    /// Costs nothing by itself (a flow, a connection, a runtime whose cost is its instance's).
    NoCompute,
    Unknown,
}

impl CostState {
    /// `Running` while compute is allocated (and billed), else `Stopped`.
    fn billed_if(running: bool) -> Self {
        if running {
            CostState::Running
        } else {
            CostState::Stopped
        }
    }
}

/// One row of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
// Every `Option` field is optional in TypeScript, as it is left out of the JSON when `None`.
#[ts(optional_fields)]
pub struct InventoryItem {
    pub kind: ItemKind,
    pub workspace_id: String,
    pub workspace_name: String,
    pub name: String,
    /// The flow id, or the ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The state as Azure says it (`Running`, `Stopped`, `Succeeded`, `NotExist`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub cost: CostState,
    /// Idle shutdown, in minutes, where it applies and is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_shutdown_minutes: Option<u32>,
    /// VM size, or instance type × count for a deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change: Option<String>,
    /// A flow's type (`Default`, `Chat`, `Evaluation`, `Rag`); a connection's category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What a flow runs on (`runtime rt-1`, `session on serverless-1`), what a custom
    /// application or runtime sits on, the endpoint of a deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_on: Option<String>,
    /// A flow's nodes counted by kind (`llm`, `python`, `prompt`, `embedding`, ...).
    pub node_counts: BTreeMap<String, u32>,
    /// The connections a flow uses.
    pub connections: Vec<String>,
    /// Who uses it: the flows of a connection, session or serverless instance, the runtimes of
    /// an instance, the flow a deployment serves.
    pub used_by: Vec<String>,
    /// Something about the row the user should know (a definition that could not be read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl InventoryItem {
    fn new(kind: ItemKind, workspace: &WorkspaceSummary, name: impl Into<String>) -> Self {
        InventoryItem {
            kind,
            workspace_id: workspace.id.clone(),
            workspace_name: workspace.name.clone(),
            name: name.into(),
            id: None,
            state: None,
            cost: CostState::Unknown,
            idle_shutdown_minutes: None,
            size: None,
            owner: None,
            last_change: None,
            category: None,
            runs_on: None,
            node_counts: BTreeMap::new(),
            connections: Vec::new(),
            used_by: Vec::new(),
            note: None,
        }
    }
}

/// A part of a workspace (or a whole one) that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InventoryProblem {
    pub workspace_id: String,
    /// The workspace's name, for the problem line.
    pub workspace_name: String,
    /// What could not be read (`flows`, `connections`, ... or `workspace`).
    pub part: String,
    pub error: Error,
}

/// The inventory of the chosen workspaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// The day it was taken (`YYYY-MM-DD`, pfrm's clock).
    pub taken_on: String,
    /// Where the day it was taken stands against prompt flow's retirement.
    pub countdown: crate::migration::retirement::Countdown,
    pub workspaces: Vec<String>,
    /// Sorted by workspace, kind, name.
    pub items: Vec<InventoryItem>,
    /// Rows by kind (every kind present, zero included).
    pub counts: BTreeMap<String, u32>,
    /// Rows that cost money now.
    pub running: u32,
    pub problems: Vec<InventoryProblem>,
}

/// Takes the inventory of `workspace_ids` (ARM ids) with at most `max_parallel` workspaces,
/// and at most `max_parallel` requests of each kind per workspace, in flight. The hosts take
/// it through [`take_stock`], which adds "every workspace", progress and cancel.
pub async fn take_inventory(
    services: &Services,
    workspace_ids: &[String],
    max_parallel: usize,
) -> Inventory {
    read_workspaces(services, workspace_ids, max_parallel, &|_, _| {}).await
}

/// [`take_inventory`], telling `on_read(read, total)` each time a workspace has been read.
async fn read_workspaces(
    services: &Services,
    workspace_ids: &[String],
    max_parallel: usize,
    on_read: &(dyn Fn(usize, usize) + Sync),
) -> Inventory {
    let unique = crate::ops::workspaces::distinct_workspace_ids(workspace_ids);
    let total = unique.len();
    let read = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(String, Result<Stock>)> = stream::iter(unique)
        .map(|id| {
            let services = services.clone();
            let read = &read;
            async move {
                let result = one_workspace(&services, &id, max_parallel).await;
                on_read(
                    read.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1,
                    total,
                );
                (id, result)
            }
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;
    let mut names = Vec::new();
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (workspace_id, result) in results {
        match result {
            Ok(stock) => {
                names.push(stock.workspace.name);
                items.extend(stock.items);
                problems.extend(stock.problems);
            }
            Err(error) => problems.push(InventoryProblem {
                workspace_name: crate::azure::WorkspaceRef::name_of(&workspace_id),
                workspace_id,
                part: "workspace".into(),
                error,
            }),
        }
    }
    names.sort_by_key(|n| n.to_lowercase());
    items.sort_by(|a, b| {
        (
            a.workspace_name.to_lowercase(),
            a.kind,
            a.name.to_lowercase(),
        )
            .cmp(&(
                b.workspace_name.to_lowercase(),
                b.kind,
                b.name.to_lowercase(),
            ))
    });
    problems.sort_by(|a, b| (&a.workspace_id, &a.part).cmp(&(&b.workspace_id, &b.part)));
    let mut counts: BTreeMap<String, u32> =
        ItemKind::ALL.iter().map(|k| (kind_key(*k), 0)).collect();
    for item in &items {
        *counts.entry(kind_key(item.kind)).or_default() += 1;
    }
    let today = services.clock().today();
    let status = crate::migration::retirement::RetirementStatus::on(today);
    Inventory {
        taken_on: status.today.clone(),
        countdown: status.countdown,
        workspaces: names,
        running: u32::try_from(
            items
                .iter()
                .filter(|i| i.cost == CostState::Running)
                .count(),
        )
        .unwrap_or(u32::MAX),
        items,
        counts,
        problems,
    }
}

/// The kind as it appears in JSON and in `counts`.
pub fn kind_key(kind: ItemKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
