//! The flow service's Flows API (`Flows_ListFlows`, `Flows_GetFlow`,
//! `Flows_GetFlowSessionStatus`, `Flows_DeleteFlowSession`): read for the inventory, the audit
//! and the scaffold of a workspace flow, and a flow's compute session deleted when a user
//! decommissions what prompt flow left behind.

use serde::Deserialize;
use serde_json::Value;

use super::{listed_items, FlowClient, FlowOwner};
use crate::error::Result;
use crate::http::Method;

/// `FlowBaseDto` (the list) and `FlowDto` (one flow, with `flow` and `flowRunSettings`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowDto {
    pub flow_id: String,
    pub flow_name: Option<String>,
    pub flow_type: Option<String>,
    /// The experiment the flow belongs to; deleting its session names it.
    pub experiment_id: Option<String>,
    /// `SchemaContractsCreatedBy`.
    pub owner: Option<FlowOwner>,
    pub created_date: Option<String>,
    pub last_modified_date: Option<String>,
    pub flow_definition_file_path: Option<String>,
    pub is_archived: bool,
    pub vm_size: Option<String>,
    pub max_idle_time_seconds: Option<i64>,
    /// `Flow`: `flowGraph` (nodes, codes, inputs, outputs) and `nodeVariants`.
    pub flow: Option<Value>,
    pub flow_run_settings: Option<Value>,
}

/// `FlowSessionDto`, as far as pfrm reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowSessionDto {
    pub status: Option<String>,
    pub compute_name: Option<String>,
    pub compute_instance_name: Option<String>,
    pub vm_size: Option<String>,
    pub instance_type: Option<String>,
    pub max_idle_time_seconds: Option<i64>,
    pub runtime_type: Option<String>,
}

impl FlowClient {
    /// `GET /Flows`: the workspace's flows (a bare array), archived ones left out.
    pub async fn list_flows(&self) -> Result<Vec<FlowDto>> {
        let request = self.api_request(
            Method::GET,
            "Flows",
            &[],
            format!("list the flows of workspace '{}'", self.workspace.name),
        )?;
        let value: Value = self.pipeline.send_json(&request).await?;
        Ok(listed_items(value)
            .into_iter()
            .filter_map(|item| serde_json::from_value::<FlowDto>(item).ok())
            .filter(|flow| !flow.is_archived)
            .collect())
    }

    /// `GET /Flows/{flowId}`: the flow with its graph.
    pub async fn get_flow(&self, flow_id: &str) -> Result<FlowDto> {
        let request = self.api_request(
            Method::GET,
            "Flows",
            &[flow_id],
            format!("read flow '{flow_id}'"),
        )?;
        self.pipeline.send_json(&request).await
    }

    /// `GET /Flows/{flowId}/sessions/status`: the flow's compute session.
    pub async fn flow_session(&self, flow_id: &str) -> Result<FlowSessionDto> {
        let request = self.api_request(
            Method::GET,
            "Flows",
            &[flow_id, "sessions", "status"],
            format!("read the compute session of flow '{flow_id}'"),
        )?;
        self.pipeline.send_json(&request).await
    }

    /// `DELETE /Flows/{flowId}/sessions?experimentId=...`: the flow's compute session stops
    /// and its compute is released.
    pub async fn delete_flow_session(&self, flow_id: &str, experiment_id: &str) -> Result<()> {
        let request = self
            .api_request(
                Method::DELETE,
                "Flows",
                &[flow_id, "sessions"],
                format!("delete the compute session of flow '{flow_id}'"),
            )?
            .query("experimentId", experiment_id);
        self.pipeline.send(&request).await.map(|_| ())
    }
}
