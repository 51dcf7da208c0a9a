//! What prompt flow a team still has, across the workspaces it picks: runtimes and the compute
//! instances and custom applications they run on, flows (with their type, owner, last change,
//! what they run on, node counts by kind and connections), compute sessions and serverless
//! instances, online endpoints and deployments that serve a flow, and workspace connections.
//! Every row carries its cost-relevant state (running or not, idle shutdown). Workspaces are
//! read in bounded parallel, like Update all; one that cannot be read is a problem line, not a
//! failure of the whole.
//!
//! - [`client`]: the Flows API, connections and deployments requests;
//! - [`flow_graph`]: a service flow written back as a flow folder (for the audit and scaffold);
//! - [`export`]: JSON, CSV and Markdown;
//! - [`workspace_flow`]: a workspace flow (by id or name) audited or scaffolded.

pub mod client;
pub mod export;
pub mod flow_graph;
pub mod workspace_flow;

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use self::client::{FlowDto, FlowSessionDto, FlowsApi};
use crate::azure::WorkspaceRef;
use crate::error::{Error, Result};
use crate::migration::flow_yaml::FlowDefinition;
use crate::migration::mapping;
use crate::model::{RuntimeSummary, WorkspaceSummary};
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

/// One row of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InventoryItem {
    pub kind: ItemKind,
    pub workspace_id: String,
    pub workspace_name: String,
    pub name: String,
    /// The flow id, or the ARM id.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The state as Azure says it (`Running`, `Stopped`, `Succeeded`, `NotExist`, ...).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub cost: CostState,
    /// Idle shutdown, in minutes, where it applies and is set.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_shutdown_minutes: Option<u32>,
    /// VM size, or instance type × count for a deployment.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change: Option<String>,
    /// A flow's type (`Default`, `Chat`, `Evaluation`, `Rag`); a connection's category.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What a flow runs on (`runtime rt-1`, `session on serverless-1`), what a custom
    /// application or runtime sits on, the endpoint of a deployment.
    #[ts(optional)]
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
    #[ts(optional)]
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
    /// Days left until prompt flow's retirement (negative after it).
    pub days_left: i32,
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
/// and at most `max_parallel` requests of each kind per workspace, in flight.
pub async fn take_inventory(
    services: &Services,
    workspace_ids: &[String],
    max_parallel: usize,
) -> Inventory {
    let unique = crate::ops::workspaces::distinct_workspace_ids(workspace_ids);
    let results: Vec<(String, Result<WorkspaceStock>)> = stream::iter(unique)
        .map(|id| {
            let services = services.clone();
            async move {
                let result = one_workspace(&services, &id, max_parallel).await;
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
            Ok((workspace, found, partial)) => {
                names.push(workspace.name);
                items.extend(found);
                problems.extend(partial);
            }
            Err(error) => problems.push(InventoryProblem {
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
        days_left: status.days_left,
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

/// One workspace read: the workspace, its rows, and the parts that could not be read.
type WorkspaceStock = (WorkspaceSummary, Vec<InventoryItem>, Vec<InventoryProblem>);

/// A serverless instance as the sessions on it tell: live, VM size, idle time, flows.
#[derive(Default)]
struct Serverless {
    live: bool,
    size: Option<String>,
    idle: Option<u32>,
    flows: Vec<String>,
}

async fn one_workspace(
    services: &Services,
    workspace_id: &str,
    max_parallel: usize,
) -> Result<WorkspaceStock> {
    let workspace = services.workspace(workspace_id).await?;
    let reference = WorkspaceRef::from_arm_id(&workspace.id)?;
    let flow_client = services.flow(&workspace)?;
    let flows_api = FlowsApi {
        pipeline: services.pipeline(),
        base: flow_client.base_url(),
        workspace: &reference,
    };
    let (runtimes, computes, flows, connections, endpoints) = tokio::join!(
        flow_client.list_runtimes(),
        services.arm.list_computes(&reference),
        flows_api.list(),
        client::list_connections(services.pipeline(), &reference),
        services.arm.list_online_endpoints(&reference),
    );
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut problem = |part: &str, error: Error| {
        problems.push(InventoryProblem {
            workspace_id: workspace.id.clone(),
            part: part.into(),
            error,
        })
    };

    // Runtimes, then the instances and the custom applications they run on.
    let runtimes: Vec<RuntimeSummary> = match runtimes {
        Ok(list) => list.iter().map(RuntimeSummary::from).collect(),
        Err(error) => {
            problem("runtimes", error);
            Vec::new()
        }
    };
    for runtime in &runtimes {
        let mut item = InventoryItem::new(ItemKind::Runtime, &workspace, &runtime.name);
        item.state = runtime
            .status_text
            .clone()
            .or(Some(format!("{:?}", runtime.status)));
        item.cost = CostState::NoCompute;
        item.owner = runtime.owner_name.clone();
        item.last_change = runtime.modified_on.clone();
        item.runs_on =
            runtime
                .compute_instance_name
                .as_ref()
                .map(|ci| match &runtime.custom_app_name {
                    Some(app) => format!("{ci} / {app}"),
                    None => ci.clone(),
                });
        items.push(item);
    }

    // Flows with their definitions and sessions (bounded per workspace).
    let flows: Vec<FlowDto> = match flows {
        Ok(list) => list,
        Err(error) => {
            problem("flows", error);
            Vec::new()
        }
    };
    let details: Vec<(FlowDto, Result<FlowDto>, Result<FlowSessionDto>)> = stream::iter(flows)
        .map(|flow| {
            let api = &flows_api;
            async move {
                let (full, session) =
                    tokio::join!(api.get(&flow.flow_id), api.session(&flow.flow_id));
                (flow, full, session)
            }
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;
    let computes = match computes {
        Ok(list) => list,
        Err(error) => {
            problem("computes", error);
            Vec::new()
        }
    };
    let instance_names: BTreeSet<String> = computes
        .iter()
        .filter(|c| c.is_compute_instance())
        .map(|c| c.name.to_lowercase())
        .collect();
    let mut connection_users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut session_users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut serverless: BTreeMap<String, Serverless> = BTreeMap::new();
    for (listed, full, session) in details {
        let name = listed
            .flow_name
            .clone()
            .unwrap_or_else(|| listed.flow_id.clone());
        let mut item = InventoryItem::new(ItemKind::Flow, &workspace, &name);
        item.id = Some(listed.flow_id.clone());
        item.cost = CostState::NoCompute;
        item.category = listed.flow_type.clone();
        item.owner = listed
            .owner
            .as_ref()
            .and_then(|o| o.user_principal_name.clone().or(o.user_name.clone()));
        item.last_change = listed.last_modified_date.clone();
        match &full {
            Ok(dto) => {
                let runtime = dto
                    .flow_run_settings
                    .as_ref()
                    .and_then(|s| s["runtimeName"].as_str().map(str::to_owned));
                if let Some(runtime) = runtime {
                    item.runs_on = Some(format!("runtime {runtime}"));
                }
                match shape_of(dto) {
                    Ok((counts, used)) => {
                        item.node_counts = counts;
                        item.connections = used;
                    }
                    Err(error) => item.note = Some(error.message),
                }
            }
            Err(error) => {
                item.note = Some(format!(
                    "Its definition could not be read: {}",
                    error.message
                ))
            }
        }
        for connection in &item.connections {
            connection_users
                .entry(connection.to_lowercase())
                .or_default()
                .push(name.clone());
        }
        match session {
            // A flow without a session answers `NotExist`: nothing runs, nothing to list.
            Ok(session)
                if session
                    .status
                    .as_deref()
                    .is_some_and(|s| !s.eq_ignore_ascii_case("NotExist")) =>
            {
                let compute = session
                    .compute_name
                    .clone()
                    .or(session.compute_instance_name.clone())
                    .unwrap_or_default();
                let live = session.status.as_deref().is_some_and(is_live);
                let idle = session.max_idle_time_seconds.map(minutes);
                if item.runs_on.is_none() {
                    item.runs_on = Some(format!("compute session on {compute}"));
                }
                let mut row = InventoryItem::new(
                    ItemKind::ComputeSession,
                    &workspace,
                    format!("{name} session"),
                );
                row.id = Some(listed.flow_id.clone());
                row.state = session.status.clone();
                row.cost = if live {
                    CostState::Running
                } else {
                    CostState::Stopped
                };
                row.idle_shutdown_minutes = idle;
                row.size = session.vm_size.clone().or(session.instance_type.clone());
                row.runs_on = Some(compute.clone());
                row.used_by = vec![name.clone()];
                items.push(row);
                session_users
                    .entry(compute.to_lowercase())
                    .or_default()
                    .push(name.clone());
                if !compute.is_empty() && !instance_names.contains(&compute.to_lowercase()) {
                    let entry = serverless.entry(compute.clone()).or_insert(Serverless {
                        size: session.vm_size.clone(),
                        idle,
                        ..Serverless::default()
                    });
                    entry.live |= live;
                    entry.flows.push(name.clone());
                }
            }
            Ok(_) => {}
            Err(error) => problem(&format!("session of flow {name}"), error),
        }
        items.push(item);
    }
    for (
        compute,
        Serverless {
            live,
            size,
            idle,
            flows: users,
        },
    ) in serverless
    {
        let mut row = InventoryItem::new(ItemKind::ServerlessInstance, &workspace, compute);
        row.state = Some(if live { "Running" } else { "No session" }.into());
        row.cost = if live {
            CostState::Running
        } else {
            CostState::Stopped
        };
        row.size = size;
        row.idle_shutdown_minutes = idle;
        row.used_by = users;
        items.push(row);
    }

    // Compute instances (those that host a runtime or a session, or have a prompt flow app).
    for compute in computes.iter().filter(|c| c.is_compute_instance()) {
        let summary = crate::model::ComputeInstanceSummary::from(compute);
        let runtime_users: Vec<String> = runtimes
            .iter()
            .filter(|r| {
                r.compute_instance_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&summary.name))
            })
            .map(|r| format!("runtime {}", r.name))
            .collect();
        let session_flows = session_users
            .get(&summary.name.to_lowercase())
            .cloned()
            .unwrap_or_default();
        let pf_apps: Vec<_> = summary
            .custom_apps
            .iter()
            .filter(|a| a.is_prompt_flow_runtime)
            .collect();
        if runtime_users.is_empty() && session_flows.is_empty() && pf_apps.is_empty() {
            continue;
        }
        let running = matches!(summary.state, crate::model::ComputeInstanceState::Running);
        let mut row = InventoryItem::new(ItemKind::ComputeInstance, &workspace, &summary.name);
        row.id = Some(summary.id.clone());
        row.state = summary
            .state_text
            .clone()
            .or(Some(format!("{:?}", summary.state)));
        row.cost = if running {
            CostState::Running
        } else {
            CostState::Stopped
        };
        row.size = summary.vm_size.clone();
        row.owner = summary.created_by_name.clone();
        row.idle_shutdown_minutes = compute
            .properties
            .properties
            .as_ref()
            .and_then(|p| p["idleTimeBeforeShutdown"].as_str())
            .and_then(iso_minutes);
        row.used_by = runtime_users;
        row.used_by
            .extend(session_flows.into_iter().map(|f| format!("flow {f}")));
        items.push(row);
        for app in pf_apps {
            let mut row = InventoryItem::new(ItemKind::CustomApp, &workspace, &app.name);
            row.state = Some(format!("{:?}", summary.state));
            row.cost = CostState::NoCompute;
            row.runs_on = Some(summary.name.clone());
            row.size = app.image.clone();
            row.used_by = runtimes
                .iter()
                .filter(|r| r.custom_app_name.as_deref() == Some(app.name.as_str()))
                .map(|r| format!("runtime {}", r.name))
                .collect();
            items.push(row);
        }
    }

    // Online endpoints and the deployments that serve a flow.
    match endpoints {
        Ok(endpoints) => {
            let names: Vec<String> = endpoints.iter().map(|e| e.name.clone()).collect();
            let listed: Vec<(String, Result<Vec<client::DeploymentDto>>)> = stream::iter(names)
                .map(|endpoint| {
                    let pipeline = services.pipeline();
                    let reference = &reference;
                    async move {
                        let result = client::list_deployments(pipeline, reference, &endpoint).await;
                        (endpoint, result)
                    }
                })
                .buffer_unordered(max_parallel.max(1))
                .collect()
                .await;
            for (endpoint, result) in listed {
                let deployments = match result {
                    Ok(list) => list,
                    Err(error) => {
                        problem(&format!("deployments of {endpoint}"), error);
                        continue;
                    }
                };
                let flow_deployments: Vec<_> = deployments
                    .iter()
                    .filter(|d| d.serves_prompt_flow())
                    .collect();
                if flow_deployments.is_empty() {
                    continue;
                }
                let mut live_total = 0;
                for deployment in &flow_deployments {
                    let count = deployment.instance_count().unwrap_or(0);
                    live_total += count;
                    let mut row = InventoryItem::new(
                        ItemKind::OnlineDeployment,
                        &workspace,
                        &deployment.name,
                    );
                    row.id = Some(deployment.id.clone());
                    row.state = deployment.properties["provisioningState"]
                        .as_str()
                        .map(str::to_owned);
                    row.cost = if count > 0 {
                        CostState::Running
                    } else {
                        CostState::Stopped
                    };
                    row.size = deployment.properties["instanceType"]
                        .as_str()
                        .map(|t| format!("{t} × {count}"));
                    row.runs_on = Some(endpoint.clone());
                    row.used_by = deployment.properties["properties"]
                        ["azureml.promptflow.source_flow_name"]
                        .as_str()
                        .map(|f| vec![f.to_owned()])
                        .unwrap_or_default();
                    items.push(row);
                }
                let mut row = InventoryItem::new(ItemKind::OnlineEndpoint, &workspace, &endpoint);
                row.cost = if live_total > 0 {
                    CostState::Running
                } else {
                    CostState::Stopped
                };
                row.state = Some(format!("{} flow deployment(s)", flow_deployments.len()));
                row.used_by = flow_deployments.iter().map(|d| d.name.clone()).collect();
                items.push(row);
            }
        }
        Err(error) => problem("online endpoints", error),
    }

    // Connections, with the flows that use them (an unused one is a candidate for removal).
    match connections {
        Ok(connections) => {
            for connection in connections {
                let mut row =
                    InventoryItem::new(ItemKind::Connection, &workspace, &connection.name);
                row.id = Some(connection.id.clone());
                row.cost = CostState::NoCompute;
                row.category = connection.properties.category.clone();
                row.runs_on = connection.properties.target.clone();
                row.used_by = connection_users
                    .get(&connection.name.to_lowercase())
                    .cloned()
                    .unwrap_or_default();
                // Flows are read in parallel: the order they finish in is not an order.
                row.used_by.sort_by_key(|f| f.to_lowercase());
                items.push(row);
            }
        }
        Err(error) => problem("connections", error),
    }
    Ok((workspace, items, problems))
}

/// A flow's node counts by kind and the connections it uses, read through the audit.
fn shape_of(flow: &FlowDto) -> Result<(BTreeMap<String, u32>, Vec<String>)> {
    let yaml = flow_graph::definition_yaml(flow)?;
    let name = flow_graph::folder_name(flow);
    let definition =
        FlowDefinition::parse(&yaml, &std::path::Path::new(&name).join("flow.dag.yaml"))?;
    let audit = mapping::audit(&definition)?;
    let mut counts = BTreeMap::new();
    for node in &audit.nodes {
        let key = serde_json::to_value(node.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        *counts.entry(key).or_default() += 1;
    }
    let used = audit.connections.iter().map(|c| c.name.clone()).collect();
    Ok((counts, used))
}

fn is_live(status: &str) -> bool {
    !["notexist", "failed", "unavailable", "stopping", "stopped"]
        .contains(&status.to_lowercase().as_str())
}

fn minutes(seconds: i64) -> u32 {
    u32::try_from(seconds.max(0) / 60).unwrap_or(u32::MAX)
}

/// `PT60M`, `PT1H30M`, `PT3600S` in minutes.
fn iso_minutes(text: &str) -> Option<u32> {
    let rest = text.strip_prefix("PT")?;
    let mut total = 0u32;
    let mut number = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u32 = number.parse().ok()?;
        number.clear();
        total += match c {
            'H' => n * 60,
            'M' => n,
            'S' => n / 60,
            _ => return None,
        };
    }
    number.is_empty().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_shutdown_reads_iso_durations_in_minutes() {
        assert_eq!(iso_minutes("PT60M"), Some(60));
        assert_eq!(iso_minutes("PT1H30M"), Some(90));
        assert_eq!(iso_minutes("PT3600S"), Some(60));
        assert_eq!(iso_minutes("60"), None);
        assert_eq!(iso_minutes("PT5"), None);
    }

    #[test]
    fn a_session_that_does_not_exist_or_failed_costs_nothing() {
        assert!(is_live("Running"));
        assert!(is_live("Starting"));
        assert!(!is_live("NotExist"));
        assert!(!is_live("Failed"));
    }
}
