//! Compute instances: reading one (state, size, owner, custom applications, last operation)
//! into a [`ComputeInstanceSummary`], and the long-running start, stop, restart and delete.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{api_versions, ArmClient, CustomService, ManagedIdentity};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::lro::PendingOperation;
use crate::http::Method;
use crate::model::{
    ComputeInstanceState, ComputeInstanceSummary, CustomApp, LastOperation, UserRef,
};

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

impl ArmClient {
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
}
