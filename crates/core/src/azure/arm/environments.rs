//! A workspace's environments and their versions (a runtime's image comes from one).

use serde::{Deserialize, Serialize};

use super::{api_versions, ArmClient};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::Method;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentContainerDto {
    pub id: String,
    pub name: String,
    pub properties: EnvironmentContainerProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentContainerProperties {
    pub description: Option<String>,
    pub is_archived: Option<bool>,
    pub latest_version: Option<String>,
    pub next_version: Option<String>,
    pub provisioning_state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentVersionDto {
    pub id: String,
    pub name: String,
    pub properties: EnvironmentVersionProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentVersionProperties {
    pub description: Option<String>,
    pub image: Option<String>,
    pub build: Option<BuildContext>,
    pub conda_file: Option<String>,
    pub environment_type: Option<String>,
    pub os_type: Option<String>,
    pub auto_rebuild: Option<String>,
    pub provisioning_state: Option<String>,
    pub is_anonymous: Option<bool>,
    pub is_archived: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BuildContext {
    pub context_uri: Option<String>,
    pub dockerfile_path: Option<String>,
}

/// Which environment containers to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListViewType {
    ActiveOnly,
    ArchivedOnly,
    All,
}

impl ListViewType {
    fn as_str(self) -> &'static str {
        match self {
            ListViewType::ActiveOnly => "ActiveOnly",
            ListViewType::ArchivedOnly => "ArchivedOnly",
            ListViewType::All => "All",
        }
    }
}

impl ArmClient {
    pub async fn list_environments(
        &self,
        workspace: &WorkspaceRef,
        view: ListViewType,
    ) -> Result<Vec<EnvironmentContainerDto>> {
        let request = self
            .workspace_request(
                Method::GET,
                workspace,
                &["environments"],
                api_versions::MACHINE_LEARNING,
                format!("list the environments of workspace '{}'", workspace.name),
            )?
            .query("listViewType", view.as_str());
        self.list(request).await
    }

    pub async fn list_environment_versions(
        &self,
        workspace: &WorkspaceRef,
        environment: &str,
    ) -> Result<Vec<EnvironmentVersionDto>> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["environments", environment, "versions"],
            api_versions::MACHINE_LEARNING,
            format!("list the versions of environment '{environment}'"),
        )?;
        self.list(request).await
    }

    pub async fn get_environment_version(
        &self,
        workspace: &WorkspaceRef,
        environment: &str,
        version: &str,
    ) -> Result<EnvironmentVersionDto> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["environments", environment, "versions", version],
            api_versions::MACHINE_LEARNING,
            format!("get environment '{environment}' version {version}"),
        )?;
        self.pipeline.send_json(&request).await
    }
}
