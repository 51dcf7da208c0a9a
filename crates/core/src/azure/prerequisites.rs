//! ARM reads behind the preflight's deeper checks: the workspace's storage account, VM sizes and
//! quota in the workspace's region, container registries, and permissions or role assignments at
//! a resource's scope. Each is one GET (or one paged list); the operations layer sends them at
//! the same time.

use serde::{Deserialize, Serialize};

use super::{id_segments, url_with_segments};
use crate::cloud::Audience;
use crate::error::Result;
use crate::http::pager::Pager;
use crate::http::{ApiRequest, Method, Pipeline};

/// Api-versions of the reads in this module.
pub mod api_versions {
    /// Microsoft.Storage storage accounts (`allowSharedKeyAccess`, `isHnsEnabled`).
    pub const STORAGE: &str = "2023-05-01";
    /// Microsoft.ContainerRegistry registries (`loginServer`).
    pub const CONTAINER_REGISTRY: &str = "2023-07-01";
    /// Microsoft.MachineLearningServices usages and VM sizes.
    pub const MACHINE_LEARNING: &str = super::super::arm::api_versions::MACHINE_LEARNING;
    /// Microsoft.Authorization permissions and role assignments.
    pub const AUTHORIZATION: &str = super::super::authorization::API_VERSION;
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageAccountDto {
    pub id: String,
    pub name: String,
    pub kind: Option<String>,
    pub properties: StorageAccountProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageAccountProperties {
    /// `null` (absent) means shared keys are allowed.
    pub allow_shared_key_access: Option<bool>,
    pub is_hns_enabled: Option<bool>,
    pub public_network_access: Option<String>,
}

/// One entry of `locations/{location}/usages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UsageDto {
    pub id: Option<String>,
    /// `Microsoft.MachineLearningServices/vmFamily/usages`, `.../dedicatedCores/usages`, ...
    #[serde(rename = "type")]
    pub usage_type: Option<String>,
    pub current_value: Option<i64>,
    pub limit: Option<i64>,
    pub name: Option<UsageName>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UsageName {
    pub value: Option<String>,
    pub localized_value: Option<String>,
}

/// One entry of `locations/{location}/vmSizes`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VmSizeDto {
    pub name: String,
    /// `standardDSv2Family`, ...
    pub family: Option<String>,
    #[serde(rename = "vCPUs")]
    pub v_cpus: Option<i64>,
    pub gpus: Option<i64>,
    #[serde(rename = "memoryGB")]
    pub memory_gb: Option<f64>,
    #[serde(rename = "supportedComputeTypes")]
    pub supported_compute_types: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistryDto {
    pub id: String,
    pub name: String,
    pub properties: RegistryProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistryProperties {
    pub login_server: Option<String>,
    pub admin_user_enabled: Option<bool>,
}

/// The reads of this module, over the one pipeline.
#[derive(Debug, Clone)]
pub struct PrerequisiteReads {
    pipeline: Pipeline,
}

impl PrerequisiteReads {
    pub fn new(pipeline: Pipeline) -> Self {
        PrerequisiteReads { pipeline }
    }

    fn request<'a>(
        &self,
        segments: impl IntoIterator<Item = &'a str>,
        api_version: &str,
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        let url = url_with_segments(&self.pipeline.cloud().arm_endpoint, segments)?;
        Ok(ApiRequest::new(Method::GET, url, Audience::Arm, operation)
            .query("api-version", api_version))
    }

    /// A read of Azure ML's per-region facts (`locations/{location}/{what}`).
    fn location_request(
        &self,
        subscription_id: &str,
        location: &str,
        what: &str,
        operation: String,
    ) -> Result<ApiRequest> {
        self.request(
            [
                "subscriptions",
                subscription_id,
                "providers",
                "Microsoft.MachineLearningServices",
                "locations",
                location,
                what,
            ],
            api_versions::MACHINE_LEARNING,
            operation,
        )
    }

    async fn list<T: serde::de::DeserializeOwned>(&self, request: ApiRequest) -> Result<Vec<T>> {
        Pager::new(self.pipeline.clone(), request)
            .collect_all()
            .await
    }

    /// A storage account by ARM id.
    pub async fn get_storage_account(&self, id: &str) -> Result<StorageAccountDto> {
        let name = last_segment(id);
        let request = self.request(
            id_segments(id),
            api_versions::STORAGE,
            format!("read storage account '{name}'"),
        )?;
        self.pipeline.send_json(&request).await
    }

    /// Cores in use and their limits in a region, per VM family.
    pub async fn list_usages(
        &self,
        subscription_id: &str,
        location: &str,
    ) -> Result<Vec<UsageDto>> {
        let request = self.location_request(
            subscription_id,
            location,
            "usages",
            format!("read the VM quota usage in {location}"),
        )?;
        self.list(request).await
    }

    /// The VM sizes Azure ML offers in a region.
    pub async fn list_vm_sizes(
        &self,
        subscription_id: &str,
        location: &str,
    ) -> Result<Vec<VmSizeDto>> {
        let request = self.location_request(
            subscription_id,
            location,
            "vmSizes",
            format!("list the VM sizes in {location}"),
        )?;
        // Not paged: `{value: [...]}` only.
        let list: VmSizeList = self.pipeline.send_json(&request).await?;
        Ok(list.value)
    }

    /// The container registries of a subscription.
    pub async fn list_registries(&self, subscription_id: &str) -> Result<Vec<RegistryDto>> {
        let request = self.request(
            [
                "subscriptions",
                subscription_id,
                "providers",
                "Microsoft.ContainerRegistry",
                "registries",
            ],
            api_versions::CONTAINER_REGISTRY,
            "list the container registries of the subscription",
        )?;
        self.list(request).await
    }

    /// The caller's effective permissions at a resource (storage account, registry).
    pub async fn permissions_at(
        &self,
        scope: &str,
    ) -> Result<Vec<super::authorization::Permission>> {
        let name = last_segment(scope);
        let request = self.request(
            id_segments(scope).chain(["providers", "Microsoft.Authorization", "permissions"]),
            api_versions::AUTHORIZATION,
            format!("check your permissions on '{name}'"),
        )?;
        self.list(request).await
    }

    /// Role assignments that apply to a principal at a resource (inherited ones included; with
    /// `assignedTo`, groups the principal is in count too).
    pub async fn role_assignments_of(
        &self,
        scope: &str,
        principal_id: &str,
    ) -> Result<Vec<super::authorization::RoleAssignmentDto>> {
        let name = last_segment(scope);
        let request = self
            .request(
                id_segments(scope).chain([
                    "providers",
                    "Microsoft.Authorization",
                    "roleAssignments",
                ]),
                api_versions::AUTHORIZATION,
                format!("list the role assignments on '{name}'"),
            )?
            .query(
                "$filter",
                format!("assignedTo('{}')", principal_id.replace('\'', "''")),
            );
        self.list(request).await
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VmSizeList {
    value: Vec<VmSizeDto>,
}

/// The last segment of an ARM id (the resource's name).
pub fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}
