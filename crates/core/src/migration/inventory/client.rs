//! The requests the inventory makes beyond runtimes and computes: the flow service's Flows API
//! (`Flows_ListFlows`, `Flows_GetFlow`, `Flows_GetFlowSessionStatus`) and ARM's workspace
//! connections and online deployments. Connection secrets are never asked for
//! (`listsecrets` is not called anywhere).

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::azure::arm::api_versions;
use crate::azure::{url_with_segments, WorkspaceRef};
use crate::error::Result;
use crate::http::pager::Pager;
use crate::http::{ApiRequest, Audience, Pipeline};

/// `SchemaContractsCreatedBy`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowOwner {
    pub user_object_id: Option<String>,
    pub user_name: Option<String>,
    pub user_principal_name: Option<String>,
}

/// `FlowBaseDto` (the list) and `FlowDto` (one flow, with `flow` and `flowRunSettings`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowDto {
    pub flow_id: String,
    pub flow_name: Option<String>,
    pub flow_type: Option<String>,
    /// The experiment the flow belongs to; deleting its session names it.
    pub experiment_id: Option<String>,
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

/// `FlowSessionDto`, as far as the inventory reads it.
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

/// A workspace connection (`WorkspaceConnectionPropertiesV2BasicResource`), without secrets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConnectionDto {
    pub id: String,
    pub name: String,
    pub properties: ConnectionProperties,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionProperties {
    pub category: Option<String>,
    pub auth_type: Option<String>,
    pub target: Option<String>,
}

/// An online deployment (`OnlineDeploymentTrackedResource`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeploymentDto {
    pub id: String,
    pub name: String,
    pub sku: Option<Value>,
    pub properties: Value,
}

impl DeploymentDto {
    /// Whether it serves a prompt flow: the flow serving mode or the source flow's properties.
    pub fn serves_prompt_flow(&self) -> bool {
        let run_mode = self.properties["environmentVariables"]["PROMPTFLOW_RUN_MODE"].as_str();
        let from_flow = self.properties["properties"]
            .as_object()
            .is_some_and(|p| p.keys().any(|k| k.starts_with("azureml.promptflow")));
        run_mode.is_some() || from_flow
    }

    pub fn instance_count(&self) -> Option<i64> {
        self.sku.as_ref().and_then(|sku| sku["capacity"].as_i64())
    }
}

/// The flow service's Flows API of one workspace.
pub struct FlowsApi<'a> {
    pub pipeline: &'a Pipeline,
    pub base: &'a Url,
    pub workspace: &'a WorkspaceRef,
}

impl FlowsApi<'_> {
    fn request(&self, rest: &[&str], operation: String) -> Result<ApiRequest> {
        self.request_with(Method::GET, rest, operation)
    }

    fn request_with(&self, method: Method, rest: &[&str], operation: String) -> Result<ApiRequest> {
        let segments = ["flow", "api"]
            .into_iter()
            .chain(self.workspace.segments())
            .chain(["Flows"])
            .chain(rest.iter().copied());
        let url = url_with_segments(self.base, segments)?;
        Ok(ApiRequest::new(method, url, Audience::Arm, operation))
    }

    /// `DELETE /Flows/{flowId}/sessions?experimentId=...` (`Flows_DeleteFlowSession`): the
    /// flow's compute session stops and its compute is released.
    pub async fn delete_session(&self, flow_id: &str, experiment_id: &str) -> Result<()> {
        let request = self
            .request_with(
                Method::DELETE,
                &[flow_id, "sessions"],
                format!("delete the compute session of flow '{flow_id}'"),
            )?
            .query("experimentId", experiment_id);
        self.pipeline.send(&request).await.map(|_| ())
    }

    /// `GET /Flows`: the workspace's flows (a bare array), archived ones left out.
    pub async fn list(&self) -> Result<Vec<FlowDto>> {
        let request = self.request(
            &[],
            format!("list the flows of workspace '{}'", self.workspace.name),
        )?;
        let value: Value = self.pipeline.send_json(&request).await?;
        let items = crate::azure::flow::listed_items(value);
        Ok(items
            .into_iter()
            .filter_map(|item| serde_json::from_value::<FlowDto>(item).ok())
            .filter(|flow| !flow.is_archived)
            .collect())
    }

    /// `GET /Flows/{flowId}`: the flow with its graph.
    pub async fn get(&self, flow_id: &str) -> Result<FlowDto> {
        let request = self.request(&[flow_id], format!("read flow '{flow_id}'"))?;
        self.pipeline.send_json(&request).await
    }

    /// `GET /Flows/{flowId}/sessions/status`: the flow's compute session.
    pub async fn session(&self, flow_id: &str) -> Result<FlowSessionDto> {
        let request = self.request(
            &[flow_id, "sessions", "status"],
            format!("read the compute session of flow '{flow_id}'"),
        )?;
        self.pipeline.send_json(&request).await
    }
}

fn arm_request(
    pipeline: &Pipeline,
    workspace: &WorkspaceRef,
    rest: &[&str],
    operation: String,
) -> Result<ApiRequest> {
    let segments = workspace.segments().into_iter().chain(rest.iter().copied());
    let url = url_with_segments(&pipeline.cloud().arm_endpoint, segments)?;
    Ok(ApiRequest::new(Method::GET, url, Audience::Arm, operation)
        .query("api-version", api_versions::MACHINE_LEARNING))
}

/// The workspace's connections (names, categories, targets; never credentials).
pub async fn list_connections(
    pipeline: &Pipeline,
    workspace: &WorkspaceRef,
) -> Result<Vec<ConnectionDto>> {
    let request = arm_request(
        pipeline,
        workspace,
        &["connections"],
        format!("list the connections of workspace '{}'", workspace.name),
    )?;
    Pager::new(pipeline.clone(), request).collect_all().await
}

/// An online endpoint's deployments.
pub async fn list_deployments(
    pipeline: &Pipeline,
    workspace: &WorkspaceRef,
    endpoint: &str,
) -> Result<Vec<DeploymentDto>> {
    let request = arm_request(
        pipeline,
        workspace,
        &["onlineEndpoints", endpoint, "deployments"],
        format!("list the deployments of online endpoint '{endpoint}'"),
    )?;
    Pager::new(pipeline.clone(), request).collect_all().await
}
