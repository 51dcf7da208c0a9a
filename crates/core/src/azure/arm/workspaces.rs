//! AzureML workspaces: listing them (a subscription's, a resource group's) and reading one, and
//! what the checks need from one (its kind, network isolation, hub) as a [`WorkspaceSummary`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{api_versions, ArmClient, ManagedIdentity};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::Method;
use crate::model::{WorkspaceFlags, WorkspaceKind, WorkspaceSummary};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkspaceDto {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub kind: Option<String>,
    pub identity: Option<ManagedIdentity>,
    pub properties: WorkspaceProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkspaceProperties {
    pub workspace_id: Option<String>,
    pub friendly_name: Option<String>,
    pub discovery_url: Option<String>,
    pub enable_data_isolation: Option<bool>,
    pub hub_resource_id: Option<String>,
    pub public_network_access: Option<String>,
    pub private_endpoint_connections: Option<Vec<PrivateEndpointConnection>>,
    pub managed_network: Option<ManagedNetwork>,
    pub storage_account: Option<String>,
    pub container_registry: Option<String>,
    pub key_vault: Option<String>,
    pub application_insights: Option<String>,
    pub provisioning_state: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateEndpointConnection {
    pub id: Option<String>,
    pub properties: Option<PrivateEndpointConnectionProperties>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateEndpointConnectionProperties {
    pub private_link_service_connection_state: Option<PrivateLinkState>,
    pub provisioning_state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateLinkState {
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedNetwork {
    pub isolation_mode: Option<String>,
    /// `{status: Active|Inactive, sparkReady}`: whether the network is provisioned.
    pub status: Option<ManagedNetworkStatus>,
    /// Rules by name (`OutboundRule`, discriminated by `type`), kept raw: the destination's
    /// shape depends on the type.
    pub outbound_rules: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedNetworkStatus {
    pub status: Option<String>,
}

/// The resource group named in an ARM id (empty when the id names none).
pub(crate) fn resource_group_of(id: &str) -> String {
    let parts: Vec<&str> = id.split('/').collect();
    parts
        .iter()
        .position(|part| part.eq_ignore_ascii_case("resourceGroups"))
        .and_then(|index| parts.get(index + 1))
        .map(|group| (*group).to_owned())
        .unwrap_or_default()
}

fn subscription_of(id: &str) -> String {
    let parts: Vec<&str> = id.split('/').collect();
    parts
        .iter()
        .position(|part| part.eq_ignore_ascii_case("subscriptions"))
        .and_then(|index| parts.get(index + 1))
        .map(|subscription| (*subscription).to_owned())
        .unwrap_or_default()
}

impl WorkspaceDto {
    pub fn workspace_ref(&self) -> WorkspaceRef {
        WorkspaceRef::new(
            subscription_of(&self.id),
            resource_group_of(&self.id),
            self.name.clone(),
        )
    }
}

impl From<&WorkspaceDto> for WorkspaceSummary {
    fn from(dto: &WorkspaceDto) -> Self {
        let properties = &dto.properties;
        let kind = WorkspaceKind::parse(dto.kind.as_deref());
        let flags = WorkspaceFlags {
            data_isolation: properties.enable_data_isolation == Some(true),
            hub_project: properties
                .hub_resource_id
                .as_deref()
                .is_some_and(|hub| !hub.trim().is_empty())
                || kind == WorkspaceKind::Project,
            public_network_disabled: properties
                .public_network_access
                .as_deref()
                .is_some_and(|access| access.eq_ignore_ascii_case("Disabled")),
            private_endpoint: properties
                .private_endpoint_connections
                .iter()
                .flatten()
                .any(|connection| {
                    connection
                        .properties
                        .as_ref()
                        .and_then(|p| p.private_link_service_connection_state.as_ref())
                        .and_then(|state| state.status.as_deref())
                        .is_some_and(|status| status.eq_ignore_ascii_case("Approved"))
                }),
            managed_network_isolated: properties
                .managed_network
                .as_ref()
                .and_then(|network| network.isolation_mode.as_deref())
                .is_some_and(|mode| !mode.eq_ignore_ascii_case("Disabled")),
        };
        WorkspaceSummary {
            id: dto.id.clone(),
            name: dto.name.clone(),
            subscription_id: subscription_of(&dto.id),
            resource_group: resource_group_of(&dto.id),
            location: dto
                .location
                .clone()
                .unwrap_or_default()
                .to_ascii_lowercase(),
            kind,
            kind_text: dto.kind.clone(),
            workspace_id: properties.workspace_id.clone(),
            discovery_url: properties.discovery_url.clone(),
            friendly_name: properties.friendly_name.clone(),
            flags,
        }
    }
}

impl ArmClient {
    /// Workspaces of a subscription (all resource groups).
    pub async fn list_workspaces(&self, subscription_id: &str) -> Result<Vec<WorkspaceDto>> {
        let request = self.request(
            Method::GET,
            [
                "subscriptions",
                subscription_id,
                "providers",
                "Microsoft.MachineLearningServices",
                "workspaces",
            ],
            api_versions::MACHINE_LEARNING,
            format!("list the workspaces of subscription {subscription_id}"),
        )?;
        self.list(request).await
    }

    pub async fn list_workspaces_in_group(
        &self,
        subscription_id: &str,
        resource_group: &str,
    ) -> Result<Vec<WorkspaceDto>> {
        let request = self.request(
            Method::GET,
            [
                "subscriptions",
                subscription_id,
                "resourceGroups",
                resource_group,
                "providers",
                "Microsoft.MachineLearningServices",
                "workspaces",
            ],
            api_versions::MACHINE_LEARNING,
            format!("list the workspaces of resource group {resource_group}"),
        )?;
        self.list(request).await
    }

    pub async fn get_workspace(&self, workspace: &WorkspaceRef) -> Result<WorkspaceDto> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &[],
            api_versions::MACHINE_LEARNING,
            format!("get workspace '{}'", workspace.name),
        )?;
        self.pipeline.send_json(&request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn workspace_flags_follow_the_prerequisites() {
        let dto: WorkspaceDto = serde_json::from_value(json!({
            "id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1",
            "name": "ws1", "location": "EastUS", "kind": "project",
            "properties": {
                "discoveryUrl": "https://eastus.api.azureml.ms/discovery",
                "enableDataIsolation": true, "hubResourceId": "",
                "publicNetworkAccess": "Disabled",
                "privateEndpointConnections": [{"properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}}],
                "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}
            }
        }))
        .unwrap();
        let summary = WorkspaceSummary::from(&dto);
        assert_eq!(summary.kind, WorkspaceKind::Project);
        assert_eq!(
            (
                summary.subscription_id.as_str(),
                summary.resource_group.as_str()
            ),
            ("s1", "rg1")
        );
        assert_eq!(summary.location, "eastus");
        assert!(summary.flags.data_isolation && summary.flags.hub_project);
        assert!(summary.flags.public_network_disabled && summary.flags.private_endpoint);
        assert!(summary.flags.managed_network_isolated && summary.flags.network_isolated());
        assert_eq!(dto.workspace_ref(), WorkspaceRef::new("s1", "rg1", "ws1"));

        let plain: WorkspaceDto = serde_json::from_value(json!({"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w", "name": "w", "properties": {}})).unwrap();
        let summary = WorkspaceSummary::from(&plain);
        assert_eq!(summary.kind, WorkspaceKind::Default);
        assert_eq!(summary.flags, WorkspaceFlags::default());
    }
}
