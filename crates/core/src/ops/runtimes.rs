//! Runtimes: the list and details pages, the add-runtime wizard's choices, and the long
//! operations (start an instance, create, delete) with progress, cancel, timeout and journal.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::azure::arm::{is_prompt_flow_runtime_image, ComputeResource};
use crate::azure::flow::{CreateFlowRuntimeRequest, FlowClient};
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::http::lro::LroOptions;
use crate::model::{
    ComputeInstanceSummary, CustomApp, RuntimeDetails, RuntimeStatus, RuntimeSummary,
};
use crate::naming::validate_runtime_name;
use crate::ops::lost_answer::{confirm_created, confirm_deleting, lost_track};
use crate::ops::prerequisites;
pub(crate) use crate::ops::runtime_watch::RuntimeResume;
pub use crate::ops::runtime_watch::WatchSettings;
use crate::ops::runtime_watch::{wait_until_deleted, watch_until_running};
use crate::ops::workspaces::check_workspace;
use crate::ops::{OperationKind, Progress, Stage};
use crate::preflight::{
    check_compute_instance, first_blocking_reason, BlockKind, BlockingReason, CheckResult,
    PlannedApp,
};
use crate::services::Services;

/// The runtime list page: the workspace (for its flow host) and its runtimes.
pub async fn list_runtimes(services: &Services, workspace_id: &str) -> Result<Vec<RuntimeSummary>> {
    let (_, flow) = services.workspace_flow(workspace_id).await?;
    let mut runtimes: Vec<RuntimeSummary> = flow
        .list_runtimes()
        .await?
        .iter()
        .map(RuntimeSummary::from)
        .collect();
    runtimes.sort_by_key(|runtime| runtime.name.to_lowercase());
    Ok(runtimes)
}

/// The runtime details page.
pub async fn runtime_details(
    services: &Services,
    workspace_id: &str,
    runtime_name: &str,
) -> Result<RuntimeDetails> {
    crate::azure::check_name("runtime name", runtime_name)?;
    let (_, flow) = services.workspace_flow(workspace_id).await?;
    let mut details = RuntimeDetails::from(&flow.get_runtime(runtime_name).await?);
    details.studio_url = Some(
        services
            .cloud()
            .studio_runtime_link(runtime_name, workspace_id),
    );
    Ok(details)
}

/// One compute instance the wizard offers, with its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InstanceChoice {
    pub instance: ComputeInstanceSummary,
    pub checks: Vec<CheckResult>,
    /// Custom applications on it that run a prompt flow runtime image ("use existing").
    pub runtime_apps: Vec<CustomApp>,
    /// No blocker: it can host a runtime (perhaps after being started).
    pub usable: bool,
}

/// The wizard's first step: the signed-in user's compute instances (assigned to them, or
/// created by them when unassigned). Others' instances are not offered at all.
pub async fn list_my_compute_instances(
    services: &Services,
    workspace_id: &str,
    planned: Option<&PlannedApp>,
) -> Result<Vec<InstanceChoice>> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let (me, computes) = tokio::join!(services.me(), services.arm.list_computes(&reference));
    let me = me?;
    let computes = computes?;
    let mut mine: Vec<(ComputeInstanceSummary, &ComputeResource)> = Vec::new();
    for compute in computes
        .iter()
        .filter(|compute| compute.is_compute_instance())
    {
        let instance = ComputeInstanceSummary::from(compute);
        if instance.belongs_to(&me.object_id, Some(&me.tenant_id)) {
            mine.push((instance, compute));
        }
    }
    // Quota is read once for the region, and only when there is an instance to check.
    let quota = match mine
        .first()
        .and_then(|(_, compute)| compute.location.clone())
    {
        Some(location) => {
            Some(prerequisites::quota_facts(services, &reference.subscription_id, &location).await)
        }
        None => None,
    };
    let mut choices: Vec<InstanceChoice> = mine
        .into_iter()
        .map(|(instance, compute)| {
            let mut checks =
                check_compute_instance(&instance, &me.object_id, Some(&me.tenant_id), planned);
            if let Some(quota) = &quota {
                checks.extend(prerequisites::instance_checks(compute, quota));
            }
            let runtime_apps = instance
                .custom_apps
                .iter()
                .filter(|app| app.is_prompt_flow_runtime)
                .cloned()
                .collect();
            InstanceChoice {
                usable: !checks.iter().any(CheckResult::blocks),
                instance,
                checks,
                runtime_apps,
            }
        })
        .collect();
    choices.sort_by_key(|choice| choice.instance.name.to_lowercase());
    Ok(choices)
}

/// A registered environment the wizard offers as a custom environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentChoice {
    pub name: String,
    pub version: String,
    /// The id the prompt flow service takes
    /// (`azureml://locations/{region}/workspaces/{workspaceId}/environments/{name}/versions/{v}`).
    pub asset_id: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// `true` when the environment's image is a prompt flow runtime image; `false` when it is
    /// some other image; `None` when it is built from a Docker context whose base image cannot be
    /// read through the API (the wizard warns).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derives_from_runtime_image: Option<bool>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The workspace's active environments and their versions, newest version first.
pub async fn list_environments(
    services: &Services,
    workspace_id: &str,
) -> Result<Vec<EnvironmentChoice>> {
    let workspace = services.workspace(workspace_id).await?;
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let workspace_guid = workspace.workspace_id.clone().ok_or_else(|| {
        Error::new(
            ErrorCode::Service,
            "Azure did not return the workspace's id, so its environments cannot be referenced.",
        )
        .with_remedy("Refresh and try again.")
    })?;
    let containers = services
        .arm
        .list_environments(&reference, crate::azure::arm::ListViewType::ActiveOnly)
        .await?;
    let listed = futures::future::join_all(containers.iter().map(|container| {
        let reference = &reference;
        async move {
            services
                .arm
                .list_environment_versions(reference, &container.name)
                .await
        }
    }))
    .await;
    let mut choices = Vec::new();
    for (container, versions) in containers.iter().zip(listed) {
        for version in versions? {
            if version.properties.is_archived == Some(true)
                || version.properties.is_anonymous == Some(true)
            {
                continue;
            }
            let image = version.properties.image.clone();
            let derives = match (&image, &version.properties.build) {
                (Some(image), _) => Some(is_prompt_flow_runtime_image(image)),
                (None, _) => None,
            };
            choices.push(EnvironmentChoice {
                asset_id: format!(
                    "azureml://locations/{}/workspaces/{}/environments/{}/versions/{}",
                    workspace.location, workspace_guid, container.name, version.name
                ),
                name: container.name.clone(),
                version: version.name.clone(),
                image,
                derives_from_runtime_image: derives,
                description: version
                    .properties
                    .description
                    .clone()
                    .or_else(|| container.properties.description.clone()),
            });
        }
    }
    choices.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| version_order(&b.version, &a.version))
    });
    Ok(choices)
}

/// Orders version strings numerically when both are numbers ("10" after "9").
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

/// Which custom application the new runtime runs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum CustomAppChoice {
    /// The service adds a new custom application and restarts the instance. `environment` is
    /// a custom environment's asset id; `None` is the default environment (latest image).
    New {
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        environment: Option<String>,
    },
    /// Use a custom application already on the instance.
    Existing {
        #[serde(rename = "appName")]
        app_name: String,
    },
}

/// What the wizard's Create step sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateRuntimeRequest {
    pub workspace_id: String,
    pub runtime_name: String,
    pub compute_instance: String,
    pub app: CustomAppChoice,
    /// The user confirmed that the compute instance restarts (needed for a new custom app).
    pub confirm_restart: bool,
}

pub(crate) fn runtime_target(workspace_id: &str, runtime_name: &str) -> String {
    format!("{}/flowruntimes/{}", workspace_id, runtime_name).to_lowercase()
}

/// Creates a compute-instance runtime: validates, re-runs preflight, sends the request, and
/// watches the instance and the runtime until the runtime runs. Returns the running runtime.
pub async fn create_runtime(
    services: &Services,
    request: CreateRuntimeRequest,
    watch: WatchSettings,
) -> Result<RuntimeDetails> {
    validate_runtime_name(&request.runtime_name)?;
    crate::azure::check_name("compute instance name", &request.compute_instance)?;
    crate::migration::retirement::refuse_create_after_retirement(services.clock().today())?;
    let new_app = matches!(request.app, CustomAppChoice::New { .. });
    if new_app && !request.confirm_restart {
        return Err(Error::invalid_input(
            "Creating a new custom application restarts the compute instance, and that was not confirmed.",
        )
        .with_remedy("Make sure nothing important runs on the instance, then confirm the restart."));
    }
    if let CustomAppChoice::Existing { app_name } = &request.app {
        if app_name.trim().is_empty() {
            return Err(
                Error::invalid_input("No custom application was chosen.").with_remedy(
                    "Pick one of the instance's custom applications, or create a new one.",
                ),
            );
        }
    }
    let resume = RuntimeResume {
        workspace_id: request.workspace_id.clone(),
        runtime_name: request.runtime_name.clone(),
        compute_instance: Some(request.compute_instance.clone()),
        new_app,
        previous_image: None,
    };
    let target = runtime_target(&request.workspace_id, &request.runtime_name);
    refuse_create_in_flight(services, &request, &target).await?;
    let handle = services.operations.begin(
        OperationKind::CreateRuntime,
        format!(
            "Create runtime {} on {}",
            request.runtime_name, request.compute_instance
        ),
        target,
        serde_json::to_value(&resume).unwrap_or_default(),
    )?;
    let progress = handle.progress();
    let cancel = handle.cancellation().clone();
    handle
        .run(watch.timeout, async move {
            let flow = prepare_create(services, &request, &progress).await?;
            let (app_name, environment) = match &request.app {
                CustomAppChoice::New { environment } => (None, environment.as_deref()),
                CustomAppChoice::Existing { app_name } => (Some(app_name.as_str()), None),
            };
            let body = CreateFlowRuntimeRequest::compute_instance(
                &request.compute_instance,
                app_name,
                environment,
            );
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            if let Err(error) = flow
                .create_runtime(&request.runtime_name, &body, true)
                .await
            {
                if !error.outcome_unknown() {
                    return Err(error);
                }
                // The request may have been carried out: what is true is read, not guessed, and
                // the create is never sent again blindly.
                confirm_created(&flow, &request.runtime_name, error, &progress, watch).await?;
            }
            progress.stage(if new_app {
                Stage::AddingCustomApp
            } else {
                Stage::RuntimeStarting
            });
            watch_until_running(services, &flow, &resume, &progress, watch)
                .await
                .map_err(|error| lost_track(error, "create", &request.runtime_name))
        })
        .await
}

/// A create of the same runtime that an earlier run (a closed app, a killed `pfrm`) left in the
/// journal: if the runtime exists, the create is under way (or done) and is not sent again;
/// if it does not, the entry is stale and leaves the journal.
async fn refuse_create_in_flight(
    services: &Services,
    request: &CreateRuntimeRequest,
    target: &str,
) -> Result<()> {
    let Some(earlier) = services
        .operations
        .pending()
        .unwrap_or_default()
        .into_iter()
        .find(|entry| entry.kind == OperationKind::CreateRuntime && entry.target == target)
    else {
        return Ok(());
    };
    let (_, flow) = services.workspace_flow(&request.workspace_id).await?;
    let name = &request.runtime_name;
    match flow.get_runtime(name).await {
        Err(error) if error.code == ErrorCode::NotFound => {
            if let Some(journal) = services.operations.journal() {
                journal.remove(&earlier.id)?;
            }
            Ok(())
        }
        Err(error) => Err(error),
        Ok(dto) => {
            let runtime = RuntimeDetails::from(&dto);
            let status = runtime
                .summary
                .status_text
                .clone()
                .unwrap_or_else(|| format!("{:?}", runtime.summary.status));
            let settled = matches!(
                runtime.summary.status,
                RuntimeStatus::Running | RuntimeStatus::Failed | RuntimeStatus::NotExist
            );
            if settled {
                // The earlier create ended while nobody watched; its entry is done with.
                if let Some(journal) = services.operations.journal() {
                    journal.remove(&earlier.id)?;
                }
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!("Runtime {name} already exists (it is {status}): an earlier create of it finished."),
                )
                .with_remedy("Look at the runtime, or choose another name for a new one.")
                .with_detail("runtimeName", name.clone()));
            }
            Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "Runtime {name} is already being created: an earlier run started it at {} and stopped before it finished. The runtime exists and is {status}.",
                    earlier.started_at
                ),
            )
            .with_remedy("Follow the runtime's state until it is running, or resume watching the earlier operation; do not create it again.")
            .with_detail("operationId", earlier.id)
            .with_detail("runtimeName", name.clone())
            .with_detail("inFlight", true))
        }
    }
}

/// Everything checked before the create request is sent; returns the workspace's flow client.
async fn prepare_create(
    services: &Services,
    request: &CreateRuntimeRequest,
    progress: &Progress,
) -> Result<FlowClient> {
    let reference = WorkspaceRef::from_arm_id(&request.workspace_id)?;
    let (check, compute, me) = tokio::join!(
        check_workspace(services, &request.workspace_id),
        services
            .arm
            .get_compute(&reference, &request.compute_instance),
        services.me(),
    );
    let check = check?;
    if let Some(reason) = &check.report.blocking {
        let remedy = check
            .report
            .get(reason.check)
            .and_then(|blocker| blocker.remedy.clone());
        return Err(blocked_by(reason, remedy.as_deref()));
    }
    let compute = compute?;
    let instance = ComputeInstanceSummary::from(&compute);
    let me = me?;
    let planned = match &request.app {
        CustomAppChoice::New { .. } => Some(PlannedApp {
            name: request.runtime_name.clone(),
            published_port: None,
        }),
        CustomAppChoice::Existing { .. } => None,
    };
    let mut checks = check_compute_instance(
        &instance,
        &me.object_id,
        Some(&me.tenant_id),
        planned.as_ref(),
    );
    // The deeper checks: quota to start the instance, and a custom environment's image.
    let environment = match &request.app {
        CustomAppChoice::New {
            environment: Some(asset_id),
        } => environment_of(asset_id),
        _ => None,
    };
    let location = compute
        .location
        .clone()
        .unwrap_or_else(|| check.workspace.location.clone());
    let (quota, image) = tokio::join!(
        prerequisites::quota_facts(services, &reference.subscription_id, &location),
        async {
            match &environment {
                Some((name, version)) => {
                    Some(environment_image_checks(services, &reference, name, version).await)
                }
                None => None,
            }
        },
    );
    checks.extend(prerequisites::instance_checks(&compute, &quota));
    if let Some(image) = image {
        checks.extend(image?);
    }
    if let Some(reason) = first_blocking_reason(&checks) {
        let remedy = checks
            .iter()
            .find(|check| check.id == reason.check)
            .and_then(|check| check.remedy.clone());
        return Err(blocked_by(&reason, remedy.as_deref()));
    }
    if !instance.state.is_running() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "The compute instance {} is {:?}, not running.",
                instance.name, instance.state
            ),
        )
        .with_remedy("Start the instance (the wizard can do it), then create the runtime."));
    }
    let flow = services.flow(&check.workspace)?;
    if let CustomAppChoice::Existing { app_name } = &request.app {
        progress.message(format!("Checking {app_name} on {}", instance.name));
        let availability = flow
            .check_ci_availability(&request.compute_instance, app_name)
            .await?;
        if !availability.is_available {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "The custom application {app_name} on {} cannot be used as a runtime: {}",
                    instance.name,
                    availability.error_message().unwrap_or_else(|| {
                        "the prompt flow service says it is not available.".into()
                    })
                ),
            )
            .with_remedy("Choose another custom application, or create a new one."));
        }
    }
    Ok(flow)
}

/// The refusal of a create that preflight holds back: a prerequisite that is not met, or one that
/// could not be evaluated (then the reason says what could not be read).
fn blocked_by(reason: &BlockingReason, remedy: Option<&str>) -> Error {
    let message = match reason.kind {
        BlockKind::NotMet => format!(
            "A prerequisite is not met: {}.",
            lowercase_first(&reason.title)
        ),
        BlockKind::CouldNotTell => format!(
            "pfrm could not tell whether a prerequisite is met ({}): {}.",
            lowercase_first(&reason.title),
            reason.reason
        ),
    };
    let mut error = Error::new(ErrorCode::Conflict, message)
        .with_detail(
            "checkId",
            serde_json::to_value(reason.check).unwrap_or_default(),
        )
        .with_detail(
            "checkStatus",
            serde_json::to_value(reason.kind).unwrap_or_default(),
        );
    if let Some(remedy) = remedy {
        error = error.with_remedy(remedy.to_owned());
    }
    error
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Starts a stopped compute instance and waits until it runs.
pub async fn start_compute_instance(
    services: &Services,
    workspace_id: &str,
    instance_name: &str,
    watch: WatchSettings,
) -> Result<ComputeInstanceSummary> {
    crate::azure::check_name("compute instance name", instance_name)?;
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let handle = services.operations.begin(
        OperationKind::StartComputeInstance,
        format!("Start compute instance {instance_name}"),
        format!("{}/computes/{}", workspace_id, instance_name).to_lowercase(),
        json!({"workspaceId": workspace_id, "computeInstance": instance_name}),
    )?;
    let progress = handle.progress();
    let cancel = handle.cancellation().clone();
    handle
        .run(watch.timeout, async move {
            progress.stage(Stage::InstanceStarting);
            let pending = match services.arm.start_compute(&reference, instance_name).await {
                Ok(pending) => pending,
                // The start may have been carried out: the instance's state says.
                Err(error) if error.outcome_unknown() => {
                    progress.message(format!(
                        "The answer to the start request was lost; checking {instance_name}"
                    ));
                    crate::ops::runtime_watch::watch_instance_start(
                        services,
                        &reference,
                        instance_name,
                        &progress,
                        watch,
                    )
                    .await?;
                    return Ok(ComputeInstanceSummary::from(
                        &services.arm.get_compute(&reference, instance_name).await?,
                    ));
                }
                Err(error) => return Err(error),
            };
            let options = LroOptions {
                timeout: watch.timeout,
                poll_interval: watch.poll_interval,
                max_poll_interval: watch.poll_interval.max(Duration::from_secs(1)) * 6,
                cancel,
            };
            pending
                .wait(services.pipeline(), &options, |lro| {
                    progress.message(format!("Azure reports: {}", lro.status));
                })
                .await?;
            progress.stage(Stage::Verifying);
            let instance = ComputeInstanceSummary::from(
                &services.arm.get_compute(&reference, instance_name).await?,
            );
            if instance.state.is_running() {
                Ok(instance)
            } else {
                Err(Error::new(
                    ErrorCode::Service,
                    format!(
                        "Azure finished starting {instance_name}, but it is {:?}.",
                        instance.state
                    ),
                )
                .with_remedy("Open the instance in Azure ML studio to see why, then try again."))
            }
        })
        .await
}

/// What deleting a runtime needs: the runtime's name typed again, and whether its custom
/// application goes too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeleteRuntimeRequest {
    pub workspace_id: String,
    pub runtime_name: String,
    /// Must equal `runtime_name`: the user typed it to confirm.
    pub confirm_name: String,
    /// Also remove the runtime's custom application from the compute instance.
    pub remove_custom_app: bool,
}

/// Deletes a runtime after the typed-name confirmation, waits until it is gone, and removes its
/// custom application when asked.
pub async fn delete_runtime(
    services: &Services,
    request: DeleteRuntimeRequest,
    watch: WatchSettings,
) -> Result<()> {
    if request.confirm_name != request.runtime_name {
        return Err(Error::invalid_input(format!(
            "The name typed to confirm does not match the runtime's name ({}).",
            request.runtime_name
        ))
        .with_remedy("Type the runtime's name exactly to confirm that it should be deleted."));
    }
    crate::azure::check_name("runtime name", &request.runtime_name)?;
    let (_, flow) = services.workspace_flow(&request.workspace_id).await?;
    let runtime = RuntimeDetails::from(&flow.get_runtime(&request.runtime_name).await?);
    let handle = services.operations.begin(
        OperationKind::DeleteRuntime,
        format!("Delete runtime {}", request.runtime_name),
        runtime_target(&request.workspace_id, &request.runtime_name),
        json!({"workspaceId": request.workspace_id, "runtimeName": request.runtime_name}),
    )?;
    let progress = handle.progress();
    handle
        .run(watch.timeout, async move {
            progress.stage(Stage::Deleting);
            match flow.delete_runtime(&request.runtime_name, true).await {
                Ok(_) => {}
                // Gone already: an earlier attempt whose answer was lost deleted it.
                Err(error) if error.code == ErrorCode::NotFound => {}
                Err(error) if error.outcome_unknown() => {
                    confirm_deleting(&flow, &request.runtime_name, error).await?
                }
                Err(error) => return Err(error),
            }
            wait_until_deleted(&flow, &request.runtime_name, &progress, watch)
                .await
                .map_err(|error| lost_track(error, "delete", &request.runtime_name))?;
            if request.remove_custom_app {
                if let (Some(instance), Some(app)) = (
                    runtime.summary.compute_instance_name.as_deref(),
                    runtime.summary.custom_app_name.as_deref(),
                ) {
                    progress.stage(Stage::Verifying);
                    progress.message(format!("Removing custom application {app} from {instance}"));
                    remove_custom_app(services, &request.workspace_id, instance, app).await?;
                }
            }
            Ok(())
        })
        .await
}

/// Replaces the instance's custom applications with all but `app_name` (the API overwrites the
/// whole list, so the others are sent back unchanged).
async fn remove_custom_app(
    services: &Services,
    workspace_id: &str,
    instance_name: &str,
    app_name: &str,
) -> Result<()> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let compute = services.arm.get_compute(&reference, instance_name).await?;
    let current = compute.custom_services();
    let kept: Vec<_> = current
        .iter()
        .filter(|service| !service.name.eq_ignore_ascii_case(app_name))
        .cloned()
        .collect();
    if kept.len() == current.len() {
        return Ok(());
    }
    services
        .arm
        .replace_custom_services(&reference, instance_name, &kept)
        .await
}

/// `(name, version)` of an environment asset id
/// (`azureml://.../environments/{name}/versions/{version}`, an ARM id, or `azureml:{name}:{version}`).
pub fn environment_of(asset_id: &str) -> Option<(String, String)> {
    if let Some(rest) = asset_id
        .strip_prefix("azureml:")
        .filter(|rest| !rest.starts_with("//"))
    {
        let (name, version) = rest.split_once(':')?;
        return Some((name.to_owned(), version.to_owned()));
    }
    let parts: Vec<&str> = asset_id.trim_end_matches('/').split('/').collect();
    let at = parts
        .iter()
        .rposition(|part| part.eq_ignore_ascii_case("environments"))?;
    match (parts.get(at + 1), parts.get(at + 2), parts.get(at + 3)) {
        (Some(name), Some(versions), Some(version))
            if versions.eq_ignore_ascii_case("versions") =>
        {
            Some(((*name).to_owned(), (*version).to_owned()))
        }
        _ => None,
    }
}

/// The image checks of a workspace environment version: in ACR, tagged, pullable by the
/// workspace's identity.
pub async fn environment_image_checks(
    services: &Services,
    reference: &WorkspaceRef,
    name: &str,
    version: &str,
) -> Result<Vec<CheckResult>> {
    let (workspace, environment) = tokio::join!(
        services.arm.get_workspace(reference),
        services
            .arm
            .get_environment_version(reference, name, version),
    );
    let workspace = workspace?;
    let environment = environment?;
    Ok(prerequisites::image_checks(
        services,
        &workspace,
        &format!("{name}:{version}"),
        environment
            .properties
            .image
            .clone()
            .filter(|image| !image.is_empty()),
    )
    .await)
}

/// One compute instance with its checks, whoever it belongs to: an instance assigned to someone
/// else fails "assigned to you" and names its assignee (from the directory when it can be read).
pub async fn check_one_instance(
    services: &Services,
    workspace_id: &str,
    name: &str,
) -> Result<InstanceChoice> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let (me, compute) = tokio::join!(services.me(), services.arm.get_compute(&reference, name));
    let (me, compute) = (me?, compute?);
    let instance = ComputeInstanceSummary::from(&compute);
    let location = compute.location.clone().unwrap_or_default();
    let owner = instance
        .assigned_user
        .as_ref()
        .or(instance.created_by.as_ref())
        .map(|user| user.object_id.clone())
        .filter(|_| !instance.belongs_to(&me.object_id, Some(&me.tenant_id)));
    let (quota, owner) = tokio::join!(
        prerequisites::quota_facts(services, &reference.subscription_id, &location),
        async {
            match &owner {
                Some(id) => services.graph.get_user(id).await.ok(),
                None => None,
            }
        },
    );
    let mut checks = check_compute_instance(&instance, &me.object_id, Some(&me.tenant_id), None);
    if let Some(user) = owner {
        let who = match (&user.display_name, &user.user_principal_name) {
            (Some(name), Some(upn)) => format!("{name} ({upn})"),
            (Some(name), None) => name.clone(),
            (None, Some(upn)) => upn.clone(),
            (None, None) => user.id.clone(),
        };
        if let Some(check) = checks
            .iter_mut()
            .find(|check| check.id == crate::preflight::CheckId::InstanceAssignedToYou)
        {
            for item in &mut check.evidence {
                item.value = format!("{who}, object id {}", item.value);
            }
            check.remedy = Some(format!(
                "{} is assigned to {who}: a runtime on it only works for them (anyone else gets \"is not authorized to invoke this runtime\"). Choose one of your own instances, or create one.",
                instance.name
            ));
        }
    }
    checks.extend(prerequisites::instance_checks(&compute, &quota));
    let runtime_apps = instance
        .custom_apps
        .iter()
        .filter(|app| app.is_prompt_flow_runtime)
        .cloned()
        .collect();
    Ok(InstanceChoice {
        usable: !checks.iter().any(CheckResult::blocks),
        instance,
        checks,
        runtime_apps,
    })
}
