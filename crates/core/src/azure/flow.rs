//! The prompt flow service of a workspace (called with an ARM token): one client,
//! [`FlowClient`], for its `FlowRuntimes` API (here) and its Flows API ([`flows`]).

mod flows;

pub use flows::{FlowDto, FlowSessionDto};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{url_with_segments, WorkspaceRef};
use crate::cloud::{Audience, CloudConfig};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{redact_secrets, ApiRequest, Method, Pipeline};
use crate::model::{
    ImageTag, RuntimeDetails, RuntimeOwner, RuntimeStatus, RuntimeSummary, UserRef,
};

/// `FlowRuntimeDto`. Every field is optional and unknown values (status `Running`) are kept as
/// text, because the service sends values its own spec does not list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowRuntimeDto {
    pub runtime_name: Option<String>,
    pub runtime_description: Option<String>,
    pub runtime_type: Option<String>,
    pub environment: Option<String>,
    pub status: Option<String>,
    pub status_message: Option<String>,
    pub error: Option<Value>,
    pub compute_instance_name: Option<String>,
    pub docker_image: Option<String>,
    pub published_port: Option<Value>,
    pub target_port: Option<Value>,
    pub from_existing_custom_app: Option<bool>,
    pub custom_app_name: Option<String>,
    pub assigned_to: Option<FlowAssignedTo>,
    pub endpoint_url: Option<String>,
    pub created_on: Option<String>,
    pub modified_on: Option<String>,
    pub owner: Option<FlowOwner>,
    pub endpoint_name: Option<String>,
    pub deployment_name: Option<String>,
    pub instance_type: Option<String>,
    pub instance_count: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowAssignedTo {
    pub object_id: Option<String>,
    pub tenant_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowOwner {
    pub user_object_id: Option<String>,
    pub user_tenant_id: Option<String>,
    pub user_name: Option<String>,
    pub user_principal_name: Option<String>,
}

fn as_port(value: &Option<Value>) -> Option<u32> {
    match value {
        Some(Value::Number(number)) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        Some(Value::String(text)) => text.parse().ok(),
        _ => None,
    }
}

fn error_message(error: &Option<Value>) -> Option<String> {
    let error = error.as_ref()?;
    let inner = error.get("error").unwrap_or(error);
    inner
        .get("message")
        .and_then(Value::as_str)
        .map(redact_secrets)
}

impl RuntimeSummary {
    /// A runtime as the service lists it in `workspace` (whose id makes the runtime's key).
    pub fn read(dto: &FlowRuntimeDto, workspace: &WorkspaceRef) -> Self {
        let name = dto.runtime_name.clone().unwrap_or_default();
        RuntimeSummary {
            key: RuntimeSummary::key_of(&workspace.arm_id(), &name),
            name,
            runtime_type: dto.runtime_type.clone(),
            status: RuntimeStatus::parse(dto.status.as_deref()),
            status_text: dto.status.clone(),
            compute_instance_name: dto.compute_instance_name.clone(),
            custom_app_name: dto.custom_app_name.clone(),
            image_tag: dto
                .docker_image
                .as_deref()
                .and_then(|image| image.rsplit_once(':'))
                .map(|(_, tag)| tag.to_owned())
                .filter(|tag| !tag.contains('/')),
            image_version: dto
                .docker_image
                .as_deref()
                .and_then(crate::model::ImageVersion::of_reference),
            docker_image: dto.docker_image.clone(),
            environment: dto.environment.clone().filter(|env| !env.is_empty()),
            created_on: dto.created_on.clone(),
            modified_on: dto.modified_on.clone(),
            owner_name: dto.owner.as_ref().and_then(|owner| {
                owner
                    .user_name
                    .clone()
                    .or_else(|| owner.user_principal_name.clone())
            }),
        }
    }
}

impl RuntimeDetails {
    /// A runtime as the service describes it in `workspace`.
    pub fn read(dto: &FlowRuntimeDto, workspace: &WorkspaceRef) -> Self {
        let summary = RuntimeSummary::read(dto, workspace);
        let error_message = error_message(&dto.error);
        RuntimeDetails {
            has_failure: RuntimeDetails::failure_shown(
                summary.status,
                error_message.as_deref(),
                dto.status_message.as_deref(),
            ),
            summary,
            description: dto.runtime_description.clone(),
            status_message: dto.status_message.clone(),
            error_message,
            endpoint_url: dto.endpoint_url.clone(),
            published_port: as_port(&dto.published_port),
            target_port: as_port(&dto.target_port),
            from_existing_custom_app: dto.from_existing_custom_app,
            assigned_to: dto.assigned_to.as_ref().and_then(|assigned| {
                assigned.object_id.clone().map(|object_id| UserRef {
                    object_id,
                    tenant_id: assigned.tenant_id.clone(),
                })
            }),
            owner: dto.owner.as_ref().map(|owner| RuntimeOwner {
                object_id: owner.user_object_id.clone(),
                tenant_id: owner.user_tenant_id.clone(),
                user_name: owner.user_name.clone(),
                user_principal_name: owner.user_principal_name.clone(),
            }),
            studio_url: None,
            diagnosis: diagnose_runtime(dto),
        }
    }
}

/// The runtime's failure explained, from its error (message and codes) or else its status
/// message. A healthy runtime has nothing to explain.
fn diagnose_runtime(dto: &FlowRuntimeDto) -> Option<crate::diagnosis::Diagnosis> {
    let codes = dto
        .error
        .as_ref()
        .map(crate::diagnosis::error_codes)
        .unwrap_or_default();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    [error_message(&dto.error), dto.status_message.clone()]
        .into_iter()
        .flatten()
        .find_map(|message| crate::diagnosis::diagnose(&message, &codes))
        .or_else(|| {
            dto.error
                .as_ref()
                .and_then(|_| crate::diagnosis::diagnose("", &codes))
        })
}

impl FlowRuntimeDto {
    /// The runtime image's tag when it follows the `YYYYMMDD.vN` scheme.
    pub fn image_tag(&self) -> Option<ImageTag> {
        self.docker_image
            .as_deref()
            .and_then(ImageTag::from_image_reference)
    }
}

/// `CreateFlowRuntimeRequest` for a compute-instance runtime.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateFlowRuntimeRequest {
    pub runtime_type: String,
    pub compute_instance_name: String,
    pub from_existing_custom_app: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_app_name: Option<String>,
    /// Custom environment asset id; `None` for the default environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_description: Option<String>,
}

impl CreateFlowRuntimeRequest {
    /// A runtime on compute instance `compute`, with a new custom app (`existing_app == None`)
    /// or on an existing one.
    pub fn compute_instance(
        compute: &str,
        existing_app: Option<&str>,
        environment: Option<&str>,
    ) -> Self {
        CreateFlowRuntimeRequest {
            runtime_type: "ComputeInstance".into(),
            compute_instance_name: compute.into(),
            from_existing_custom_app: existing_app.is_some(),
            custom_app_name: existing_app.map(str::to_owned),
            environment: environment.map(str::to_owned),
            runtime_description: None,
        }
    }
}

/// `UpdateFlowRuntimeRequest`. `environment: None` is sent as `null`: the default environment,
/// which moves the runtime to the latest default image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFlowRuntimeRequest {
    pub runtime_description: Option<String>,
    pub environment: Option<String>,
}

/// `AvailabilityResponse`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AvailabilityResponse {
    pub is_available: bool,
    pub error: Option<Value>,
}

impl AvailabilityResponse {
    pub fn error_message(&self) -> Option<String> {
        error_message(&self.error)
    }
}

/// `RuntimeConfiguration` (the default image).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuntimeConfiguration {
    pub base_image: Option<String>,
    pub version: Option<String>,
    pub images: Option<Value>,
}

/// The flow service host of a workspace: its `discoveryUrl` without the trailing `discovery`
/// (works for private link), else the cloud's regional pattern. A discovery URL outside the
/// cloud's flow domain is ignored, so the ARM token is never sent to a foreign host.
pub fn flow_base_url(
    cloud: &CloudConfig,
    discovery_url: Option<&str>,
    location: &str,
) -> Result<Url> {
    if let Some(discovery) = discovery_url.filter(|text| !text.trim().is_empty()) {
        if let Ok(parsed) = Url::parse(discovery.trim()) {
            if cloud.is_flow_host(&parsed) {
                let mut base = parsed.clone();
                base.set_query(None);
                base.set_fragment(None);
                let path = base.path().trim_end_matches('/');
                let path = path
                    .strip_suffix("discovery")
                    .unwrap_or(path)
                    .trim_end_matches('/')
                    .to_owned();
                base.set_path(&format!("{path}/"));
                return Ok(base);
            }
            tracing::warn!(host = ?parsed.host_str(), "ignoring a discovery URL outside the cloud's flow domain");
        }
    }
    if location.trim().is_empty() {
        return Err(Error::new(
            ErrorCode::Service,
            "The workspace has neither a discovery URL nor a region, so pfrm cannot find its prompt flow service.",
        )
        .with_remedy("Refresh the workspace list and try again."));
    }
    let mut base = cloud.flow_host_for_region(location)?;
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    Ok(base)
}

/// The items of a flow-service list: the documented bare JSON array, or an ARM-style
/// `{"value": [...]}` wrapper, which is tolerated too.
fn listed_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("value") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Client for one workspace's runtimes. Cheap to clone.
#[derive(Debug, Clone)]
pub struct FlowClient {
    pipeline: Pipeline,
    base: Url,
    workspace: WorkspaceRef,
}

impl FlowClient {
    /// A client for `workspace` whose flow host is derived from its discovery URL or location.
    pub fn for_workspace(
        pipeline: Pipeline,
        workspace: WorkspaceRef,
        discovery_url: Option<&str>,
        location: &str,
    ) -> Result<Self> {
        let base = flow_base_url(pipeline.cloud(), discovery_url, location)?;
        Ok(FlowClient {
            pipeline,
            base,
            workspace,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn workspace(&self) -> &WorkspaceRef {
        &self.workspace
    }

    /// A request to the `FlowRuntimes` API.
    fn request(
        &self,
        method: Method,
        rest: &[&str],
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        self.api_request(method, "FlowRuntimes", rest, operation)
    }

    /// A request to one of the workspace's flow-service APIs (`FlowRuntimes`, `Flows`).
    fn api_request(
        &self,
        method: Method,
        api: &str,
        rest: &[&str],
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        let segments = ["flow", "api"]
            .into_iter()
            .chain(self.workspace.segments())
            .chain([api])
            .chain(rest.iter().copied());
        let url = url_with_segments(&self.base, segments)?;
        Ok(ApiRequest::new(method, url, Audience::Arm, operation))
    }

    fn check_name(name: &str) -> Result<()> {
        let reserved = [
            "checkciavailability",
            "checkmiravailability",
            "latestconfig",
        ];
        if name.trim().is_empty() || reserved.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(Error::invalid_input(format!(
                "'{name}' cannot be used as a runtime name."
            ))
            .with_remedy("Choose another name."));
        }
        Ok(())
    }

    /// All runtimes of the workspace (the service returns a bare JSON array).
    pub async fn list_runtimes(&self) -> Result<Vec<FlowRuntimeDto>> {
        let request = self.request(
            Method::GET,
            &[],
            format!("list the runtimes of workspace '{}'", self.workspace.name),
        )?;
        let value: Value = self.pipeline.send_json(&request).await?;
        let items = listed_items(value);
        Ok(items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect())
    }

    /// All runtimes of the workspace, read as the list shows them.
    pub async fn list_runtime_summaries(&self) -> Result<Vec<RuntimeSummary>> {
        Ok(self
            .list_runtimes()
            .await?
            .iter()
            .map(|dto| RuntimeSummary::read(dto, &self.workspace))
            .collect())
    }

    pub async fn get_runtime(&self, name: &str) -> Result<FlowRuntimeDto> {
        Self::check_name(name)?;
        let request = self.request(Method::GET, &[name], format!("get runtime '{name}'"))?;
        self.pipeline.send_json(&request).await
    }

    /// Creates a runtime. With `async_call` the service answers at once (status `Starting`);
    /// poll [`Self::get_runtime`] until the status settles.
    pub async fn create_runtime(
        &self,
        name: &str,
        body: &CreateFlowRuntimeRequest,
        async_call: bool,
    ) -> Result<FlowRuntimeDto> {
        // Each call starts a create; a repeat after an unclear failure could fail on the
        // duplicate or start a second one.
        self.send_runtime_body(Method::POST, name, body, async_call, "create")
            .await
    }

    pub async fn update_runtime(
        &self,
        name: &str,
        body: &UpdateFlowRuntimeRequest,
        async_call: bool,
    ) -> Result<FlowRuntimeDto> {
        // Despite the PUT, each call restarts the runtime on a new image: not idempotent.
        self.send_runtime_body(Method::PUT, name, body, async_call, "update")
            .await
    }

    /// A create or an update of runtime `name`: the body as JSON, never repeated by the
    /// pipeline (neither call is idempotent).
    async fn send_runtime_body(
        &self,
        method: Method,
        name: &str,
        body: &impl serde::Serialize,
        async_call: bool,
        verb: &str,
    ) -> Result<FlowRuntimeDto> {
        Self::check_name(name)?;
        let body = serde_json::to_value(body)
            .map_err(|error| Error::internal(format!("runtime body: {error}")))?;
        let request = self
            .request(method, &[name], format!("{verb} runtime '{name}'"))?
            .query("asyncCall", async_call.to_string())
            .json(body)
            .not_repeatable();
        self.pipeline.send_json(&request).await
    }

    pub async fn delete_runtime(&self, name: &str, async_call: bool) -> Result<FlowRuntimeDto> {
        Self::check_name(name)?;
        let request = self
            .request(Method::DELETE, &[name], format!("delete runtime '{name}'"))?
            .query("asyncCall", async_call.to_string());
        self.pipeline.send_json(&request).await
    }

    /// Whether the custom app `app` on compute instance `compute` can host a runtime.
    pub async fn check_ci_availability(
        &self,
        compute: &str,
        app: &str,
    ) -> Result<AvailabilityResponse> {
        let request = self
            .request(
                Method::GET,
                &["checkCiAvailability"],
                format!("check app '{app}' on compute instance '{compute}'"),
            )?
            .query("computeInstanceName", compute)
            .query("customAppName", app);
        self.pipeline.send_json(&request).await
    }

    /// Whether a newer runtime image is available for the runtime.
    pub async fn need_upgrade(&self, name: &str) -> Result<bool> {
        Self::check_name(name)?;
        let request = self.request(
            Method::GET,
            &[name, "needUpgrade"],
            format!("check whether runtime '{name}' needs an update"),
        )?;
        let value: Value = self.pipeline.send_json(&request).await?;
        match value {
            Value::Bool(flag) => Ok(flag),
            Value::String(text) if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") => {
                Ok(text.eq_ignore_ascii_case("true"))
            }
            other => Err(Error::new(
                ErrorCode::Service,
                format!("The prompt flow service answered the update check for '{name}' with {other} instead of true/false."),
            )),
        }
    }

    /// The default runtime image.
    pub async fn latest_config(&self) -> Result<RuntimeConfiguration> {
        let request = self.request(
            Method::GET,
            &["latestConfig"],
            "read the latest runtime image",
        )?;
        self.pipeline.send_json(&request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base_url_comes_from_the_discovery_url() {
        let public = CloudConfig::public();
        let base = flow_base_url(
            &public,
            Some("https://eastus.api.azureml.ms/discovery"),
            "westus",
        )
        .unwrap();
        assert_eq!(base.as_str(), "https://eastus.api.azureml.ms/");
        let fallback = flow_base_url(&public, None, "westus2").unwrap();
        assert_eq!(fallback.as_str(), "https://westus2.api.azureml.ms/");
        let foreign =
            flow_base_url(&public, Some("https://evil.example/discovery"), "westus2").unwrap();
        assert_eq!(foreign.as_str(), "https://westus2.api.azureml.ms/");
        assert!(flow_base_url(&public, None, "").is_err());
    }

    #[test]
    fn running_status_and_odd_ports_do_not_break_reading() {
        let dto: FlowRuntimeDto = serde_json::from_value(json!({
            "runtimeName": "rt1", "runtimeType": "ComputeInstance", "status": "Running",
            "computeInstanceName": "ci-alice", "dockerImage": "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2",
            "publishedPort": "8081", "targetPort": 8080, "instanceCount": "",
            "owner": {"userName": "Alice"}, "error": {"message": "old failure"},
            "somethingNew": [1, 2]
        }))
        .unwrap();
        let workspace = WorkspaceRef::new("Sub", "RG", "WS");
        let details = RuntimeDetails::read(&dto, &workspace);
        assert_eq!(details.summary.status, RuntimeStatus::Running);
        // The key is the workspace's ARM id and the name, lower case: the target the runtime's
        // operations carry, so the hosts never build it themselves.
        assert_eq!(
            details.summary.key,
            "/subscriptions/sub/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/flowruntimes/rt1"
        );
        assert_eq!(
            details.summary.key,
            crate::ops::runtimes::runtime_target(&workspace.arm_id(), "RT1")
        );
        assert_eq!(details.summary.image_tag.as_deref(), Some("20240111.v2"));
        assert_eq!(details.summary.owner_name.as_deref(), Some("Alice"));
        assert_eq!(
            (details.published_port, details.target_port),
            (Some(8081), Some(8080))
        );
        assert_eq!(details.error_message.as_deref(), Some("old failure"));
        assert_eq!(dto.image_tag().unwrap().build, 2);
        let odd: FlowRuntimeDto =
            serde_json::from_value(json!({"runtimeName": "x", "status": "Hibernating"})).unwrap();
        let summary = RuntimeSummary::read(&odd, &workspace);
        assert_eq!(summary.status, RuntimeStatus::Unknown);
        assert_eq!(summary.status_text.as_deref(), Some("Hibernating"));
    }

    #[test]
    fn create_request_matches_the_swagger_names() {
        let new_app = CreateFlowRuntimeRequest::compute_instance("ci-alice", None, None);
        assert_eq!(
            serde_json::to_value(&new_app).unwrap(),
            json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice", "fromExistingCustomApp": false})
        );
        let existing = CreateFlowRuntimeRequest::compute_instance(
            "ci-alice",
            Some("pf-app"),
            Some("azureml://x"),
        );
        let value = serde_json::to_value(&existing).unwrap();
        assert_eq!(value["customAppName"], "pf-app");
        assert_eq!(value["fromExistingCustomApp"], true);
        assert_eq!(value["environment"], "azureml://x");
        let update = UpdateFlowRuntimeRequest::default();
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({"runtimeDescription": null, "environment": null})
        );
    }
}
