//! Flow rows with what each runs on, its nodes by kind and its connections (read through the
//! audit), and the compute sessions and serverless instances the flows' sessions run on.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};

use super::flow_graph;
use super::workspace::Stock;
use super::{CostState, ItemKind};
use crate::azure::arm::ComputeResource;
use crate::azure::flow::{FlowClient, FlowDto, FlowSessionDto};
use crate::error::Result;
use crate::migration::flow_yaml::FlowDefinition;
use crate::migration::mapping;

/// Who uses what, as the flows tell, for the rows built after them.
pub(super) struct FlowUsage {
    /// Connection (lower case) → the flows that use it.
    pub connection_users: BTreeMap<String, Vec<String>>,
    /// Compute (lower case) → the flows whose session runs on it.
    pub session_users: BTreeMap<String, Vec<String>>,
}

/// A serverless instance as the sessions on it tell: live, VM size, idle time, flows.
#[derive(Default)]
struct Serverless {
    live: bool,
    size: Option<String>,
    idle: Option<u32>,
    flows: Vec<String>,
}

/// Adds the rows of `flows`, read in full with their sessions (at most `max_parallel` at a
/// time). A session on a compute that is not one of `computes`' instances is serverless.
pub(super) async fn add_rows(
    stock: &mut Stock,
    flow_client: &FlowClient,
    flows: Vec<FlowDto>,
    computes: &[ComputeResource],
    max_parallel: usize,
) -> FlowUsage {
    let details: Vec<(FlowDto, Result<FlowDto>, Result<FlowSessionDto>)> = stream::iter(flows)
        .map(|flow| {
            let api = flow_client;
            async move {
                let (full, session) =
                    tokio::join!(api.get_flow(&flow.flow_id), api.flow_session(&flow.flow_id));
                (flow, full, session)
            }
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;
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
        let mut item = stock.row(ItemKind::Flow, &name);
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
                let mut row = stock.row(ItemKind::ComputeSession, format!("{name} session"));
                row.id = Some(listed.flow_id.clone());
                row.state = session.status.clone();
                row.cost = CostState::billed_if(live);
                row.idle_shutdown_minutes = idle;
                row.size = session.vm_size.clone().or(session.instance_type.clone());
                row.runs_on = Some(compute.clone());
                row.used_by = vec![name.clone()];
                stock.items.push(row);
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
            Err(error) => stock.problem(&format!("session of flow {name}"), error),
        }
        stock.items.push(item);
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
        let mut row = stock.row(ItemKind::ServerlessInstance, compute);
        row.state = Some(if live { "Running" } else { "No session" }.into());
        row.cost = CostState::billed_if(live);
        row.size = size;
        row.idle_shutdown_minutes = idle;
        row.used_by = users;
        stock.items.push(row);
    }
    FlowUsage {
        connection_users,
        session_users,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_that_does_not_exist_or_failed_costs_nothing() {
        assert!(is_live("Running"));
        assert!(is_live("Starting"));
        assert!(!is_live("NotExist"));
        assert!(!is_live("Failed"));
    }
}
