//! A workspace's connections: listed for the inventory (names, categories, targets; never
//! credentials: `listsecrets` is not called anywhere), deleted when a user decommissions what
//! prompt flow left behind.

use serde::Deserialize;

use super::{api_versions, ArmClient};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::Method;

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

impl ArmClient {
    /// `WorkspaceConnections_List`.
    pub async fn list_connections(&self, workspace: &WorkspaceRef) -> Result<Vec<ConnectionDto>> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["connections"],
            api_versions::MACHINE_LEARNING,
            format!("list the connections of workspace '{}'", workspace.name),
        )?;
        self.list(request).await
    }

    /// `WorkspaceConnections_Delete` (200, or 204 when it was not there).
    pub async fn delete_connection(&self, workspace: &WorkspaceRef, name: &str) -> Result<()> {
        let request = self.workspace_request(
            Method::DELETE,
            workspace,
            &["connections", name],
            api_versions::MACHINE_LEARNING,
            format!("delete connection '{name}'"),
        )?;
        self.pipeline.send(&request).await.map(|_| ())
    }
}
