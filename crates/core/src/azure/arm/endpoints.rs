//! Online endpoints and their deployments: read for the inventory, deleted when a user
//! decommissions what prompt flow left behind.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{api_versions, ArmClient, ManagedIdentity};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::lro::PendingOperation;
use crate::http::Method;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OnlineEndpointDto {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub identity: Option<ManagedIdentity>,
    pub properties: OnlineEndpointProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OnlineEndpointProperties {
    pub auth_mode: Option<String>,
    pub scoring_uri: Option<String>,
    pub provisioning_state: Option<String>,
    pub public_network_access: Option<String>,
}

/// An online deployment (`OnlineDeploymentTrackedResource`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OnlineDeploymentDto {
    pub id: String,
    pub name: String,
    pub sku: Option<Value>,
    pub properties: Value,
}

impl OnlineDeploymentDto {
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

impl ArmClient {
    pub async fn list_online_endpoints(
        &self,
        workspace: &WorkspaceRef,
    ) -> Result<Vec<OnlineEndpointDto>> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["onlineEndpoints"],
            api_versions::MACHINE_LEARNING,
            format!(
                "list the online endpoints of workspace '{}'",
                workspace.name
            ),
        )?;
        self.list(request).await
    }

    pub async fn get_online_endpoint(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<OnlineEndpointDto> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["onlineEndpoints", name],
            api_versions::MACHINE_LEARNING,
            format!("get online endpoint '{name}'"),
        )?;
        self.pipeline.send_json(&request).await
    }

    /// `OnlineDeployments_List`: an online endpoint's deployments.
    pub async fn list_online_deployments(
        &self,
        workspace: &WorkspaceRef,
        endpoint: &str,
    ) -> Result<Vec<OnlineDeploymentDto>> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["onlineEndpoints", endpoint, "deployments"],
            api_versions::MACHINE_LEARNING,
            format!("list the deployments of online endpoint '{endpoint}'"),
        )?;
        self.list(request).await
    }

    /// `OnlineEndpoints_Delete` (long-running; Azure removes the endpoint's deployments with it).
    pub async fn delete_online_endpoint(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<PendingOperation> {
        let request = self.workspace_request(
            Method::DELETE,
            workspace,
            &["onlineEndpoints", name],
            api_versions::MACHINE_LEARNING,
            format!("delete online endpoint '{name}'"),
        )?;
        PendingOperation::start(&self.pipeline, request).await
    }

    /// `OnlineDeployments_Delete` (long-running).
    pub async fn delete_online_deployment(
        &self,
        workspace: &WorkspaceRef,
        endpoint: &str,
        name: &str,
    ) -> Result<PendingOperation> {
        let request = self.workspace_request(
            Method::DELETE,
            workspace,
            &["onlineEndpoints", endpoint, "deployments", name],
            api_versions::MACHINE_LEARNING,
            format!("delete deployment '{name}' of online endpoint '{endpoint}'"),
        )?;
        PendingOperation::start(&self.pipeline, request).await
    }
}
