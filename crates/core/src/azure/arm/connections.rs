//! A workspace's connections: deleted when a user decommissions what prompt flow left behind.

use super::{api_versions, ArmClient};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::Method;

impl ArmClient {
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
