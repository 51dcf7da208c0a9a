//! Azure Resource Manager: tenants, subscriptions, AzureML workspaces, computes, datastores,
//! environments and online endpoints.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{url_with_segments, WorkspaceRef};
use crate::cloud::Audience;
use crate::error::Result;
use crate::http::lro::PendingOperation;
use crate::http::pager::Pager;
use crate::http::{ApiRequest, Method, Pipeline};
use crate::model::{
    AppEndpoint, ComputeInstanceState, ComputeInstanceSummary, CustomApp, LastOperation,
    Subscription, Tenant, UserRef, WorkspaceFlags, WorkspaceKind, WorkspaceSummary,
};

/// Api-versions used against ARM, in one place.
pub mod api_versions {
    /// Microsoft.Resources: tenants and subscriptions.
    pub const RESOURCES: &str = "2022-12-01";
    /// Microsoft.MachineLearningServices stable: workspaces, computes, datastores, environments,
    /// online endpoints.
    pub const MACHINE_LEARNING: &str = "2024-04-01";
    /// The preview that has `POST computes/{name}/customServices`.
    pub const MACHINE_LEARNING_PREVIEW: &str = "2024-04-01-preview";
}

// ---- wire types (tolerant: every field optional, unknown fields ignored) ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantDto {
    pub id: Option<String>,
    pub tenant_id: String,
    pub display_name: Option<String>,
    pub default_domain: Option<String>,
    pub tenant_category: Option<String>,
    pub domains: Option<Vec<String>>,
}

impl From<&TenantDto> for Tenant {
    fn from(dto: &TenantDto) -> Self {
        Tenant {
            tenant_id: dto.tenant_id.clone(),
            display_name: dto.display_name.clone(),
            default_domain: dto.default_domain.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionDto {
    pub id: String,
    pub subscription_id: String,
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
    pub state: Option<String>,
}

impl From<&SubscriptionDto> for Subscription {
    fn from(dto: &SubscriptionDto) -> Self {
        let state = dto.state.clone().unwrap_or_else(|| "Unknown".into());
        Subscription {
            id: dto.id.clone(),
            subscription_id: dto.subscription_id.clone(),
            display_name: dto
                .display_name
                .clone()
                .unwrap_or_else(|| dto.subscription_id.clone()),
            tenant_id: dto.tenant_id.clone(),
            usable: ["enabled", "warned", "pastdue"].contains(&state.to_ascii_lowercase().as_str()),
            state,
        }
    }
}

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

/// `ManagedServiceIdentity` (workspaces, computes, online endpoints).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedIdentity {
    #[serde(rename = "type")]
    pub identity_type: Option<String>,
    pub principal_id: Option<String>,
    pub tenant_id: Option<String>,
    pub user_assigned_identities: Option<Map<String, Value>>,
}

fn resource_group_of(id: &str) -> String {
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

/// `ComputeResource`. `properties.properties` depends on `computeType`; it is kept as JSON and
/// read as a compute instance on demand.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeResource {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub identity: Option<ManagedIdentity>,
    pub properties: ComputeProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeProperties {
    pub compute_type: Option<String>,
    pub compute_location: Option<String>,
    pub provisioning_state: Option<String>,
    pub description: Option<String>,
    pub properties: Option<Value>,
}

/// `ComputeInstanceProperties` (the fields pfrm uses).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeInstanceProperties {
    pub vm_size: Option<String>,
    pub state: Option<String>,
    pub application_sharing_policy: Option<String>,
    pub personal_compute_instance_settings: Option<PersonalComputeInstanceSettings>,
    pub created_by: Option<ComputeCreatedBy>,
    pub applications: Option<Vec<ComputeApplication>>,
    pub custom_services: Option<Vec<CustomService>>,
    pub last_operation: Option<ComputeLastOperation>,
    /// ISO 8601 duration (`PT60M`); absent when idle shutdown is off.
    pub idle_time_before_shutdown: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonalComputeInstanceSettings {
    pub assigned_user: Option<AssignedUser>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AssignedUser {
    pub object_id: String,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeCreatedBy {
    pub user_name: Option<String>,
    pub user_org_id: Option<String>,
    pub user_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeApplication {
    pub display_name: Option<String>,
    pub endpoint_uri: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeLastOperation {
    pub operation_name: Option<String>,
    pub operation_time: Option<String>,
    pub operation_status: Option<String>,
    pub operation_trigger: Option<String>,
}

/// `CustomService`. Fields pfrm does not model are kept in `other` and sent back unchanged,
/// because the `customServices` POST replaces the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomService {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<CustomServiceImage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<CustomServiceEndpoint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<Value>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomServiceImage {
    /// `docker` or `azureml`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub image_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomServiceEndpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<u32>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ComputeResource {
    pub fn is_compute_instance(&self) -> bool {
        self.properties
            .compute_type
            .as_deref()
            .is_some_and(|kind| kind.eq_ignore_ascii_case("ComputeInstance"))
    }

    /// The compute-instance properties; defaults when absent or of another compute type.
    pub fn instance_properties(&self) -> ComputeInstanceProperties {
        self.properties
            .properties
            .clone()
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default()
    }

    /// The instance's custom applications (empty when none).
    pub fn custom_services(&self) -> Vec<CustomService> {
        self.instance_properties()
            .custom_services
            .unwrap_or_default()
    }
}

/// Whether an image reference is a prompt flow runtime image.
pub fn is_prompt_flow_runtime_image(reference: &str) -> bool {
    reference.contains("azureml/promptflow/promptflow-runtime")
}

impl From<&CustomService> for CustomApp {
    fn from(service: &CustomService) -> Self {
        let image = service
            .image
            .as_ref()
            .and_then(|image| image.reference.clone());
        CustomApp {
            name: service.name.clone(),
            image_type: service
                .image
                .as_ref()
                .and_then(|image| image.image_type.clone()),
            is_prompt_flow_runtime: image.as_deref().is_some_and(is_prompt_flow_runtime_image),
            image,
            endpoints: service
                .endpoints
                .iter()
                .flatten()
                .map(|endpoint| AppEndpoint {
                    name: endpoint.name.clone(),
                    protocol: endpoint.protocol.clone(),
                    target: endpoint.target,
                    published: endpoint.published,
                })
                .collect(),
        }
    }
}

impl From<&ComputeResource> for ComputeInstanceSummary {
    fn from(resource: &ComputeResource) -> Self {
        let instance = resource.instance_properties();
        ComputeInstanceSummary {
            id: resource.id.clone(),
            name: resource.name.clone(),
            location: resource
                .location
                .clone()
                .or_else(|| resource.properties.compute_location.clone()),
            state: ComputeInstanceState::parse(instance.state.as_deref()),
            state_text: instance.state.clone(),
            vm_size: instance.vm_size.clone(),
            provisioning_state: resource.properties.provisioning_state.clone(),
            assigned_user: instance
                .personal_compute_instance_settings
                .as_ref()
                .and_then(|settings| settings.assigned_user.as_ref())
                .filter(|user| !user.object_id.is_empty())
                .map(|user| UserRef {
                    object_id: user.object_id.clone(),
                    tenant_id: user.tenant_id.clone(),
                }),
            created_by: instance.created_by.as_ref().and_then(|creator| {
                creator.user_id.clone().map(|object_id| UserRef {
                    object_id,
                    tenant_id: creator.user_org_id.clone(),
                })
            }),
            created_by_name: instance
                .created_by
                .as_ref()
                .and_then(|c| c.user_name.clone()),
            custom_apps: instance
                .custom_services
                .iter()
                .flatten()
                .map(CustomApp::from)
                .collect(),
            last_operation: instance
                .last_operation
                .as_ref()
                .map(|operation| LastOperation {
                    name: operation.operation_name.clone(),
                    status: operation.operation_status.clone(),
                    time: operation.operation_time.clone(),
                    trigger: operation.operation_trigger.clone(),
                }),
        }
    }
}

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

/// Client for ARM. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ArmClient {
    pipeline: Pipeline,
}

impl ArmClient {
    pub fn new(pipeline: Pipeline) -> Self {
        ArmClient { pipeline }
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    fn request<'a>(
        &self,
        method: Method,
        segments: impl IntoIterator<Item = &'a str>,
        api_version: &str,
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        let url = url_with_segments(&self.pipeline.cloud().arm_endpoint, segments)?;
        Ok(
            ApiRequest::new(method, url, Audience::Arm, operation)
                .query("api-version", api_version),
        )
    }

    fn workspace_request(
        &self,
        method: Method,
        workspace: &WorkspaceRef,
        rest: &[&str],
        api_version: &str,
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        let segments = workspace.segments().into_iter().chain(rest.iter().copied());
        self.request(method, segments, api_version, operation)
    }

    async fn list<T: serde::de::DeserializeOwned>(&self, request: ApiRequest) -> Result<Vec<T>> {
        Pager::new(self.pipeline.clone(), request)
            .collect_all()
            .await
    }

    pub async fn list_tenants(&self) -> Result<Vec<TenantDto>> {
        let request = self.request(
            Method::GET,
            ["tenants"],
            api_versions::RESOURCES,
            "list your directories",
        )?;
        self.list(request).await
    }

    pub async fn list_subscriptions(&self) -> Result<Vec<SubscriptionDto>> {
        let request = self.request(
            Method::GET,
            ["subscriptions"],
            api_versions::RESOURCES,
            "list your subscriptions",
        )?;
        self.list(request).await
    }

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

    pub async fn list_computes(&self, workspace: &WorkspaceRef) -> Result<Vec<ComputeResource>> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["computes"],
            api_versions::MACHINE_LEARNING,
            format!("list the computes of workspace '{}'", workspace.name),
        )?;
        self.list(request).await
    }

    pub async fn get_compute(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<ComputeResource> {
        let request = self.workspace_request(
            Method::GET,
            workspace,
            &["computes", name],
            api_versions::MACHINE_LEARNING,
            format!("get compute instance '{name}'"),
        )?;
        self.pipeline.send_json(&request).await
    }

    async fn compute_action(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
        action: &str,
    ) -> Result<PendingOperation> {
        let request = self.workspace_request(
            Method::POST,
            workspace,
            &["computes", name, action],
            api_versions::MACHINE_LEARNING,
            format!("{action} compute instance '{name}'"),
        )?;
        PendingOperation::start(&self.pipeline, request).await
    }

    /// Starts a stopped compute instance; wait on the returned operation.
    pub async fn start_compute(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<PendingOperation> {
        self.compute_action(workspace, name, "start").await
    }

    pub async fn stop_compute(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<PendingOperation> {
        self.compute_action(workspace, name, "stop").await
    }

    pub async fn restart_compute(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<PendingOperation> {
        self.compute_action(workspace, name, "restart").await
    }

    /// Replaces the instance's custom applications with `services` (send the existing ones too:
    /// the list is overwritten).
    pub async fn replace_custom_services(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
        services: &[CustomService],
    ) -> Result<()> {
        let body = serde_json::to_value(services)
            .map_err(|error| crate::error::Error::internal(format!("custom services: {error}")))?;
        let request = self
            .workspace_request(
                Method::POST,
                workspace,
                &["computes", name, "customServices"],
                api_versions::MACHINE_LEARNING_PREVIEW,
                format!("update the custom applications of compute instance '{name}'"),
            )?
            .json(body);
        self.pipeline.send(&request).await.map(|_| ())
    }

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

    /// `Compute_Delete` with `underlyingResourceAction=Delete`: the instance and its VM go (a
    /// detach would leave the VM billed). Wait on the returned operation.
    pub async fn delete_compute(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
    ) -> Result<PendingOperation> {
        let request = self
            .workspace_request(
                Method::DELETE,
                workspace,
                &["computes", name],
                api_versions::MACHINE_LEARNING,
                format!("delete compute instance '{name}'"),
            )?
            .query("underlyingResourceAction", "Delete");
        PendingOperation::start(&self.pipeline, request).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_example_compute_instance_reads_into_a_summary() {
        let resource: ComputeResource = serde_json::from_value(json!({
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/ci-alice",
            "name": "ci-alice", "location": "eastus",
            "properties": {
                "computeType": "ComputeInstance", "provisioningState": "Succeeded",
                "properties": {
                    "vmSize": "STANDARD_DS3_V2", "state": "Running",
                    "personalComputeInstanceSettings": {"assignedUser": {"objectId": "oid-a", "tenantId": "tid"}},
                    "createdBy": {"userName": "alice@contoso.com", "userOrgId": "tid", "userId": "oid-b"},
                    "customServices": [{
                        "name": "promptflow-runtime",
                        "image": {"type": "docker", "reference": "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2"},
                        "endpoints": [{"name": "connect", "protocol": "http", "target": 8080, "published": 8081}],
                        "docker": {"privileged": false}, "kernel": {"argv": ["python"]}
                    }],
                    "lastOperation": {"operationName": "Restart", "operationStatus": "Succeeded", "operationTrigger": "User"},
                    "somethingNew": {"x": 1}
                }
            }
        }))
        .unwrap();
        let summary = ComputeInstanceSummary::from(&resource);
        assert_eq!(summary.state, ComputeInstanceState::Running);
        assert_eq!(summary.vm_size.as_deref(), Some("STANDARD_DS3_V2"));
        assert_eq!(summary.assigned_user.as_ref().unwrap().object_id, "oid-a");
        assert!(summary.belongs_to("OID-A", Some("tid")));
        assert!(
            !summary.belongs_to("oid-b", Some("tid")),
            "the assigned user wins over the creator"
        );
        let app = &summary.custom_apps[0];
        assert!(app.is_prompt_flow_runtime);
        assert_eq!(app.endpoints[0].published, Some(8081));
        // Unknown fields of a custom service survive a round trip (the POST replaces the list).
        let services = resource.custom_services();
        assert_eq!(
            serde_json::to_value(&services[0]).unwrap()["kernel"],
            json!({"argv": ["python"]})
        );
    }

    #[test]
    fn unknown_compute_state_is_kept_as_text() {
        let resource: ComputeResource = serde_json::from_value(json!({
            "id": "x", "name": "ci", "properties": {"computeType": "ComputeInstance", "properties": {"state": "Hibernating"}}
        }))
        .unwrap();
        let summary = ComputeInstanceSummary::from(&resource);
        assert_eq!(summary.state, ComputeInstanceState::Unknown);
        assert_eq!(summary.state_text.as_deref(), Some("Hibernating"));
    }

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

    #[test]
    fn subscription_usability_follows_its_state() {
        let dto = |state: &str| SubscriptionDto {
            id: "/subscriptions/s".into(),
            subscription_id: "s".into(),
            display_name: None,
            tenant_id: None,
            state: Some(state.into()),
        };
        assert!(Subscription::from(&dto("Enabled")).usable);
        assert!(Subscription::from(&dto("PastDue")).usable);
        assert!(!Subscription::from(&dto("Disabled")).usable);
        assert_eq!(Subscription::from(&dto("Enabled")).display_name, "s");
    }
}
