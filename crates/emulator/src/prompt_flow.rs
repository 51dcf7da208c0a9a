//! Prompt flow's own assets in a workspace as scenarios seed them, the things a team takes stock
//! of before the retirement: flows and their sessions (served by `flow::flows`), workspace
//! connections and the online deployments that serve a flow (served by `arm::connections` and
//! `arm::endpoints`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const RETURNING_ASSETS: &str = include_str!("../scenarios/prompt-flow-assets.json");

/// A workspace's prompt flow assets as seeded.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Assets {
    pub flows: Vec<FlowSeed>,
    pub connections: Vec<ConnectionSeed>,
    pub online_deployments: Vec<DeploymentSeed>,
}

impl Assets {
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty() && self.connections.is_empty() && self.online_deployments.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowSeed {
    pub flow_id: String,
    pub flow_name: String,
    /// `Default`, `Chat`, `Evaluation` or `Rag` (`FlowType`).
    pub flow_type: String,
    /// The owner's user name; the service answers with their object id and tenant too.
    pub owner: String,
    pub created_date: String,
    pub last_modified_date: String,
    pub flow_definition_file_path: String,
    /// `FlowGraph`: nodes, codes (file path to text), inputs, outputs.
    pub flow_graph: Value,
    pub node_variants: Option<Value>,
    /// The runtime the flow's run settings name (the flow predates compute sessions).
    pub runtime_name: Option<String>,
    pub session: Option<SessionSeed>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionSeed {
    pub compute_name: String,
    pub vm_size: String,
    pub max_idle_time_seconds: i64,
    /// `RuntimeStatusEnum`: `Running`, `NotExist`, `Failed`, ...
    pub status: String,
    /// Serverless compute (deleted with its last session) rather than a compute instance.
    pub serverless: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionSeed {
    pub name: String,
    pub category: String,
    pub auth_type: String,
    pub target: String,
    /// A canary value: it must never show up in anything the client writes.
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentSeed {
    pub endpoint: String,
    pub name: String,
    /// The flow (by name) the deployment serves.
    pub flow: String,
    pub instance_type: String,
    pub instance_count: i64,
}

/// The returning user's assets, by workspace name.
pub fn returning_assets() -> BTreeMap<String, Assets> {
    let mut all: BTreeMap<String, Value> =
        serde_json::from_str(RETURNING_ASSETS).expect("built-in prompt flow assets parse");
    all.remove("_comment");
    all.into_iter()
        .map(|(name, value)| {
            (
                name,
                serde_json::from_value(value).expect("built-in prompt flow assets parse"),
            )
        })
        .collect()
}

/// A fleet workspace's assets: the returning workspace's first `flows` flows (new ids, so each
/// workspace's flows are its own) and the connections they use, plus one unused connection.
pub fn fleet_assets(workspace: &str, flows: usize) -> Assets {
    let base = returning_assets()
        .remove("ml-workspace")
        .unwrap_or_default();
    let chosen: Vec<FlowSeed> = base
        .flows
        .into_iter()
        .take(flows)
        .map(|mut flow| {
            flow.flow_id = uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_URL,
                format!("pfrm-flow/{workspace}/{}", flow.flow_name).as_bytes(),
            )
            .to_string();
            flow.runtime_name = None;
            flow
        })
        .collect();
    let used: Vec<String> = chosen
        .iter()
        .flat_map(|flow| connections_of(&flow.flow_graph))
        .collect();
    let connections = base
        .connections
        .into_iter()
        .filter(|c| used.contains(&c.name) || c.name == "legacy_bing_connection")
        .collect();
    Assets {
        flows: chosen,
        connections,
        online_deployments: vec![],
    }
}

/// The connection names a flow graph's nodes use.
fn connections_of(graph: &Value) -> Vec<String> {
    let mut names = vec![];
    for node in graph["nodes"].as_array().into_iter().flatten() {
        if let Some(name) = node["connection"].as_str() {
            names.push(name.to_string());
        }
        for value in node["inputs"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            if let Some(name) = value.as_str().filter(|s| s.ends_with("_connection")) {
                names.push(name.to_string());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_returning_workspace_holds_six_flows_with_connections_and_a_deployment() {
        let assets = returning_assets().remove("ml-workspace").unwrap();
        assert_eq!(assets.flows.len(), 6);
        assert!(assets
            .connections
            .iter()
            .all(|c| c.secret.starts_with("CANARY-")));
        assert_eq!(assets.online_deployments.len(), 2);
        let kinds: Vec<&str> = assets.flows.iter().map(|f| f.flow_type.as_str()).collect();
        assert!(kinds.contains(&"Chat") && kinds.contains(&"Evaluation"));
    }

    #[test]
    fn a_fleet_workspace_gets_its_own_flow_ids_and_only_the_connections_they_use_plus_one() {
        let a = fleet_assets("ws-a", 2);
        let b = fleet_assets("ws-b", 2);
        assert_eq!(a.flows.len(), 2);
        assert_ne!(a.flows[0].flow_id, b.flows[0].flow_id);
        assert!(a
            .connections
            .iter()
            .any(|c| c.name == "legacy_bing_connection"));
    }
}
