//! Azure Resource Manager: one client, [`ArmClient`], whose calls are grouped by the resources
//! they touch, one module each: tenants and subscriptions, AzureML workspaces, compute
//! instances and their custom applications, datastores, environments, online endpoints and
//! connections.
//!
//! Each module keeps its wire types next to the calls that read them. The types are tolerant
//! (every field optional, unknown fields ignored: ARM adds fields without a new api-version)
//! and re-exported here, so callers name them `arm::WorkspaceDto` whichever module holds them.

mod computes;
mod connections;
mod custom_services;
mod datastores;
mod endpoints;
mod environments;
mod tenants;
mod workspaces;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{url_with_segments, WorkspaceRef};
use crate::cloud::Audience;
use crate::error::Result;
use crate::http::pager::Pager;
use crate::http::{ApiRequest, Method, Pipeline};

pub use computes::{
    AssignedUser, ComputeApplication, ComputeCreatedBy, ComputeInstanceProperties,
    ComputeLastOperation, ComputeProperties, ComputeResource, PersonalComputeInstanceSettings,
};
pub use connections::{ConnectionDto, ConnectionProperties};
pub use custom_services::{
    is_prompt_flow_runtime_image, CustomService, CustomServiceEndpoint, CustomServiceImage,
};
pub use datastores::{DatastoreCredentials, DatastoreDto, DatastoreProperties};
pub use endpoints::{OnlineDeploymentDto, OnlineEndpointDto, OnlineEndpointProperties};
pub use environments::{
    BuildContext, EnvironmentContainerDto, EnvironmentContainerProperties, EnvironmentVersionDto,
    EnvironmentVersionProperties, ListViewType,
};
pub use tenants::{SubscriptionDto, TenantDto};
pub(crate) use workspaces::resource_group_of;
pub use workspaces::{
    ManagedNetwork, ManagedNetworkStatus, PrivateEndpointConnection,
    PrivateEndpointConnectionProperties, PrivateLinkState, WorkspaceDto, WorkspaceProperties,
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
}
