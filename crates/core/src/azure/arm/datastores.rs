//! A workspace's datastores (the default one holds flows and run outputs).

use serde::{Deserialize, Serialize};

use super::{api_versions, ArmClient};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::Method;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DatastoreDto {
    pub id: String,
    pub name: String,
    pub properties: DatastoreProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DatastoreProperties {
    /// `AzureBlob`, `AzureDataLakeGen1`, `AzureDataLakeGen2`, `AzureFile`, `OneLake`.
    pub datastore_type: Option<String>,
    pub is_default: Option<bool>,
    pub account_name: Option<String>,
    pub container_name: Option<String>,
    pub description: Option<String>,
    pub credentials: Option<DatastoreCredentials>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DatastoreCredentials {
    /// `AccountKey`, `Certificate`, `None` (identity-based), `Sas`, `ServicePrincipal`.
    pub credentials_type: Option<String>,
}

impl ArmClient {
    /// Datastores of a workspace; `default_only` asks for the default datastore alone.
    pub async fn list_datastores(
        &self,
        workspace: &WorkspaceRef,
        default_only: bool,
    ) -> Result<Vec<DatastoreDto>> {
        let mut request = self.workspace_request(
            Method::GET,
            workspace,
            &["datastores"],
            api_versions::MACHINE_LEARNING,
            if default_only {
                format!(
                    "get the default datastore of workspace '{}'",
                    workspace.name
                )
            } else {
                format!("list the datastores of workspace '{}'", workspace.name)
            },
        )?;
        if default_only {
            request = request.query("isDefault", "true");
        }
        self.list(request).await
    }

    pub async fn get_datastore(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<DatastoreDto> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["datastores", name],
            api_versions::MACHINE_LEARNING,
            format!("get datastore '{name}'"),
        )?;
        self.pipeline.send_json(&request).await
    }
}
