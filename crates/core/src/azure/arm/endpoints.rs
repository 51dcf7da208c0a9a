//! Online endpoints and their deployments: read for the inventory, deleted when a user
//! decommissions what prompt flow left behind.

use serde::{Deserialize, Serialize};

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
