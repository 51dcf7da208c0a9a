//! Versions and updates: which runtime image version a runtime runs, whether a newer one exists
//! (from the container registry and from the prompt flow service's own `needUpgrade`), and
//! updating one runtime or every outdated runtime of several workspaces.
//!
//! A default-environment update is a PUT with `environment: null`; the service moves the runtime
//! to its newest default image and restarts the compute instance's custom application. The update
//! is an operation ([`OperationKind::UpdateRuntime`]) whose journal entry lets a restarted app
//! resume watching it, and it checks the tag the runtime ends on instead of assuming it moved.
//!
//! A custom environment cannot be moved by the service: it must be rebuilt on the newest runtime
//! image first ([`custom_environment_guidance`] gives the `FROM` line), then the runtime is updated
//! to the rebuilt environment version's asset id.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use futures::stream::{self, FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use ts_rs::TS;

use crate::azure::flow::{FlowClient, UpdateFlowRuntimeRequest};
use crate::azure::registry::RUNTIME_REPOSITORY;
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{
    ComputeInstanceSummary, CustomApp, ImageTag, RuntimeDetails, RuntimeStatus, WorkspaceSummary,
};
use crate::ops::lost_answer::{confirm_update_started, lost_track};
pub use crate::ops::runtime_watch::{verify_update, version_label};
use crate::ops::runtime_watch::{
    wait_for_update_to_start, watch_until_running, RuntimeResume, WatchSettings,
};
use crate::ops::runtimes::{
    list_environments, runtime_target, version_order, workspace, EnvironmentChoice,
};
use crate::ops::{OperationKind, OperationState, Stage};
use crate::services::Services;

/// Runtimes updated (and checked) at once unless the caller says otherwise.
pub const DEFAULT_MAX_PARALLEL: usize = 4;

/// How many times to look for the service to take up an update before watching it: right after
/// an asynchronous PUT the runtime may still read as running on its old image.
const UPDATE_START_GRACE_POLLS: u32 = 5;

/// How checks fetch what they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    /// Workspaces, and runtimes within a workspace, checked at once.
    pub max_parallel: usize,
    /// Ask the registry for pages of this many tags (`n`); `None` takes the registry's default.
    pub registry_page_size: Option<u32>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_parallel: DEFAULT_MAX_PARALLEL,
            registry_page_size: None,
        }
    }
}

/// A runtime image version as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeVersion {
    /// `20240111.v2`.
    pub tag: String,
    /// Release date `YYYY-MM-DD`.
    pub date: String,
    pub build: u32,
    /// `version 2024-01-11 (v2)`.
    pub label: String,
    /// Whole days since the release date (0 when released today).
    pub age_days: u32,
}

impl RuntimeVersion {
    pub fn from_tag(tag: &ImageTag, today: Date) -> RuntimeVersion {
        let released = Month::try_from(tag.month)
            .ok()
            .and_then(|month| Date::from_calendar_date(i32::from(tag.year), month, tag.day).ok());
        let age_days = released
            .map(|released| (today - released).whole_days().max(0))
            .and_then(|days| u32::try_from(days).ok())
            .unwrap_or(0);
        RuntimeVersion {
            tag: tag.text.clone(),
            date: tag.date(),
            build: tag.build,
            label: version_label(tag),
            age_days,
        }
    }
}

/// A custom environment as a runtime references it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomEnvironmentRef {
    /// As the service stores it (`azureml://locations/.../environments/{name}/versions/{v}`).
    pub asset_id: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl CustomEnvironmentRef {
    /// Reads the name and version from `azureml://.../environments/{name}/versions/{v}` or
    /// `azureml:{name}:{v}`; other forms keep only the asset id.
    pub fn parse(asset_id: &str) -> CustomEnvironmentRef {
        let (name, version) = if let Some((_, rest)) = asset_id.split_once("/environments/") {
            match rest.split_once("/versions/") {
                Some((name, version)) => (
                    Some(name.to_owned()),
                    Some(version.trim_end_matches('/').to_owned()),
                ),
                None => (Some(rest.trim_end_matches('/').to_owned()), None),
            }
        } else if let Some(rest) = asset_id.strip_prefix("azureml:") {
            match rest.rsplit_once(':') {
                Some((name, version)) => (Some(name.to_owned()), Some(version.to_owned())),
                None => (Some(rest.to_owned()), None),
            }
        } else {
            (None, None)
        };
        CustomEnvironmentRef {
            asset_id: asset_id.to_owned(),
            name: name.filter(|n| !n.is_empty()),
            version: version.filter(|v| !v.is_empty()),
        }
    }

    /// `pf-custom:2` (or the asset id when its parts cannot be read).
    pub fn display(&self) -> String {
        match (&self.name, &self.version) {
            (Some(name), Some(version)) => format!("{name}:{version}"),
            _ => self.asset_id.clone(),
        }
    }

    /// Same environment name and version (names compare case-insensitively).
    pub fn same_as(&self, other: &CustomEnvironmentRef) -> bool {
        match (&self.name, &self.version, &other.name, &other.version) {
            (Some(a), Some(av), Some(b), Some(bv)) => a.eq_ignore_ascii_case(b) && av == bv,
            _ => self.asset_id.eq_ignore_ascii_case(&other.asset_id),
        }
    }
}

/// Where a runtime stands: the version it runs, the newest one, and what each source says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeVersionStatus {
    /// ARM id of the workspace.
    pub workspace_id: String,
    pub workspace_name: String,
    pub runtime_name: String,
    pub status: RuntimeStatus,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_instance_name: Option<String>,
    /// The runtime's image reference as the service reports it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image: Option<String>,
    /// The version the runtime runs (from its image, else its custom application's image);
    /// `None` when neither follows the `YYYYMMDD.vN` scheme (custom environments).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<RuntimeVersion>,
    /// The image reference of the runtime's custom application on its compute instance.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_image: Option<String>,
    /// The newest version in the container registry.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<RuntimeVersion>,
    /// The registry lists a newer version than `current` (`None`: could not tell).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_says_outdated: Option<bool>,
    /// The prompt flow service's `needUpgrade` answer (`None`: it could not be asked).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_says_outdated: Option<bool>,
    /// Show the "update available" banner and badge.
    pub update_available: bool,
    /// The newest version is the final one: the images receive no more updates since prompt
    /// flow's retirement was announced.
    pub latest_is_final: bool,
    /// Both sources answered and said the same.
    pub sources_agree: bool,
    /// Why the sources disagree or one of them is missing, naming which says what.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Set for runtimes on a custom environment: they are updated by rebuilding it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_environment: Option<CustomEnvironmentRef>,
    /// What could not be read (the registry, `needUpgrade`, the compute instance).
    pub problems: Vec<Error>,
}

impl RuntimeVersionStatus {
    /// Whether pfrm can update it in one step (default environment).
    pub fn updatable_directly(&self) -> bool {
        self.update_available && self.custom_environment.is_none()
    }
}

/// The inputs of one assessment, gathered by the callers that fetch them.
struct Facts<'a> {
    workspace: &'a WorkspaceSummary,
    runtime: &'a crate::model::RuntimeSummary,
    app: Option<&'a CustomApp>,
    latest: std::result::Result<Option<&'a ImageTag>, &'a Error>,
    need_upgrade: Result<bool>,
    extra_problems: Vec<Error>,
    today: Date,
}

fn assess(facts: Facts<'_>) -> RuntimeVersionStatus {
    let Facts {
        workspace,
        runtime,
        app,
        latest,
        need_upgrade,
        mut extra_problems,
        today,
    } = facts;
    let mut problems = Vec::new();
    let runtime_tag = runtime
        .docker_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let app_image = app.and_then(|app| app.image.clone());
    let app_tag = app_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let current_tag = runtime_tag.clone().or_else(|| app_tag.clone());
    let latest_tag = match latest {
        Ok(tag) => tag.cloned(),
        Err(error) => {
            problems.push(error.clone());
            None
        }
    };
    let service = match need_upgrade {
        Ok(flag) => Some(flag),
        Err(error) => {
            problems.push(error);
            None
        }
    };
    problems.append(&mut extra_problems);
    let registry = match (&current_tag, &latest_tag) {
        (Some(current), Some(latest)) => Some(current < latest),
        _ => None,
    };
    let custom_environment = runtime
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    let sources_agree = matches!((registry, service), (Some(a), Some(b)) if a == b);
    let latest_label = latest_tag.as_ref().map(version_label);
    let current_label = current_tag.as_ref().map(version_label);
    let mut notes = Vec::new();
    match (registry, service) {
        (Some(true), Some(false)) => notes.push(format!(
            "The container registry lists {} as the newest image, newer than this runtime's {}, but the prompt flow service says no update is needed (it may not offer that image yet), so no update is offered: the service would refuse it.",
            latest_label.clone().unwrap_or_default(),
            current_label.clone().unwrap_or_default()
        )),
        (Some(false), Some(true)) => notes.push(format!(
            "The prompt flow service says an update is available, but the newest image in the container registry ({}) is the one this runtime runs; the service may know of an image the registry does not list yet.",
            latest_label.clone().unwrap_or_default()
        )),
        (None, Some(flag)) => {
            let why = if let Some(environment) = &custom_environment {
                format!(
                    "The runtime runs custom environment {}, whose base image version cannot be read from Azure",
                    environment.display()
                )
            } else if latest_tag.is_none() {
                "The container registry could not be read".to_owned()
            } else {
                format!(
                    "The runtime's image ({}) has no version in the YYYYMMDD.vN scheme",
                    runtime.docker_image.clone().unwrap_or_else(|| "unknown".into())
                )
            };
            notes.push(format!(
                "{why}; the prompt flow service says {}.",
                if flag {
                    "an update is available"
                } else {
                    "no update is needed"
                }
            ));
        }
        (Some(flag), None) => notes.push(format!(
            "The prompt flow service could not be asked; the container registry says the runtime is {}.",
            if flag { "outdated" } else { "up to date" }
        )),
        (None, None) => notes.push(
            "Neither the container registry nor the prompt flow service could tell whether a newer version exists.".to_owned(),
        ),
        _ => {}
    }
    if let (Some(runtime_tag), Some(app_tag)) = (&runtime_tag, &app_tag) {
        if runtime_tag != app_tag {
            notes.push(format!(
                "The runtime reports {} but its custom application on {} runs {}.",
                version_label(runtime_tag),
                runtime.compute_instance_name.clone().unwrap_or_default(),
                version_label(app_tag)
            ));
        }
    }
    RuntimeVersionStatus {
        workspace_id: workspace.id.clone(),
        workspace_name: workspace.name.clone(),
        runtime_name: runtime.name.clone(),
        status: runtime.status,
        compute_instance_name: runtime.compute_instance_name.clone(),
        docker_image: runtime.docker_image.clone(),
        current: current_tag
            .as_ref()
            .map(|tag| RuntimeVersion::from_tag(tag, today)),
        app_image,
        latest: latest_tag
            .as_ref()
            .map(|tag| RuntimeVersion::from_tag(tag, today)),
        registry_says_outdated: registry,
        service_says_outdated: service,
        // The service performs the update and refuses one it says is not needed: its answer
        // wins, and the registry decides only when the service could not be asked.
        update_available: service.unwrap_or(registry == Some(true)),
        latest_is_final: latest_tag.is_some()
            && crate::migration::retirement::RetirementStatus::on(today).images_frozen,
        sources_agree,
        explanation: if notes.is_empty() {
            None
        } else {
            Some(notes.join(" "))
        },
        custom_environment,
        problems,
    }
}

/// The newest runtime image version in the container registry. Tag lists are cached with their
/// ETags, so a re-check that finds nothing new costs one 304 per page.
pub async fn latest_runtime_tag(
    services: &Services,
    registry_page_size: Option<u32>,
) -> Result<Option<ImageTag>> {
    let tags = services
        .registry
        .list_tags(RUNTIME_REPOSITORY, registry_page_size)
        .await?;
    Ok(ImageTag::newest_first(tags.iter().map(String::as_str))
        .into_iter()
        .next())
}

/// The full image reference of a runtime image tag (`mcr.microsoft.com/azureml/...:tag`).
pub fn runtime_image(services: &Services, tag: &ImageTag) -> String {
    format!(
        "{}/{RUNTIME_REPOSITORY}:{}",
        services.cloud().registry_host,
        tag.text
    )
}

fn app_of<'a>(
    instances: &'a [ComputeInstanceSummary],
    runtime: &crate::model::RuntimeSummary,
) -> Option<&'a CustomApp> {
    let instance_name = runtime.compute_instance_name.as_deref()?;
    let app_name = runtime
        .custom_app_name
        .as_deref()
        .unwrap_or(runtime.name.as_str());
    instances
        .iter()
        .find(|instance| instance.name.eq_ignore_ascii_case(instance_name))?
        .custom_apps
        .iter()
        .find(|app| app.name.eq_ignore_ascii_case(app_name))
}

/// The details page's version check (and its "Check version" button): the runtime's version,
/// its age, the newest version, and whether the registry and the service think it is outdated.
pub async fn check_runtime_version(
    services: &Services,
    workspace_id: &str,
    runtime_name: &str,
    options: CheckOptions,
) -> Result<RuntimeVersionStatus> {
    crate::azure::check_name("runtime name", runtime_name)?;
    let workspace = workspace(services, workspace_id).await?;
    let flow = services.flow(&workspace)?;
    let (runtime, need_upgrade, latest) = tokio::join!(
        flow.get_runtime(runtime_name),
        flow.need_upgrade(runtime_name),
        latest_runtime_tag(services, options.registry_page_size),
    );
    let runtime = RuntimeDetails::from(&runtime?);
    let mut extra_problems = Vec::new();
    let mut instances = Vec::new();
    if let Some(instance) = runtime.summary.compute_instance_name.as_deref() {
        let reference = WorkspaceRef::from_arm_id(&workspace.id)?;
        match services.arm.get_compute(&reference, instance).await {
            Ok(compute) => instances.push(ComputeInstanceSummary::from(&compute)),
            Err(error) => extra_problems.push(error),
        }
    }
    let latest = latest.as_ref().map(Option::as_ref);
    Ok(assess(Facts {
        workspace: &workspace,
        runtime: &runtime.summary,
        app: app_of(&instances, &runtime.summary),
        latest,
        need_upgrade,
        extra_problems,
        today: services.clock().today(),
    }))
}

/// A workspace that could not be checked, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceCheckProblem {
    pub workspace_id: String,
    pub error: Error,
}

/// Every runtime of the chosen workspaces with its version status (the runtime list's badges,
/// the nav's count, the start-up check).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FleetVersionReport {
    /// Sorted by workspace name, then runtime name.
    pub runtimes: Vec<RuntimeVersionStatus>,
    /// Runtimes with an update available (the nav badge).
    pub outdated_count: u32,
    /// The newest version in the container registry.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<RuntimeVersion>,
    /// `latest` is the final image: no more updates will come (prompt flow retires).
    pub latest_is_final: bool,
    /// Workspaces whose runtimes could not be listed.
    pub problems: Vec<WorkspaceCheckProblem>,
}

/// Runtimes with an update available.
pub fn count_outdated(runtimes: &[RuntimeVersionStatus]) -> usize {
    runtimes
        .iter()
        .filter(|runtime| runtime.update_available)
        .count()
}

/// One workspace's runtimes, assessed.
struct WorkspaceStatuses {
    workspace: WorkspaceSummary,
    statuses: Vec<RuntimeVersionStatus>,
    /// The runtimes as listed, so an update can start without reading each one again.
    details: Vec<RuntimeDetails>,
}

async fn check_one_workspace(
    services: &Services,
    workspace_id: &str,
    latest: std::result::Result<Option<&ImageTag>, &Error>,
    max_parallel: usize,
) -> Result<WorkspaceStatuses> {
    let workspace = workspace(services, workspace_id).await?;
    let flow = services.flow(&workspace)?;
    let reference = WorkspaceRef::from_arm_id(&workspace.id)?;
    let (runtimes, computes) =
        tokio::join!(flow.list_runtimes(), services.arm.list_computes(&reference));
    let details: Vec<RuntimeDetails> = runtimes?.iter().map(RuntimeDetails::from).collect();
    let runtimes: Vec<crate::model::RuntimeSummary> =
        details.iter().map(|d| d.summary.clone()).collect();
    let (instances, compute_problem) = match computes {
        Ok(computes) => (
            computes
                .iter()
                .filter(|compute| compute.is_compute_instance())
                .map(ComputeInstanceSummary::from)
                .collect::<Vec<_>>(),
            None,
        ),
        Err(error) => (Vec::new(), Some(error)),
    };
    // Owned names, not references: the desktop shell's commands must be `Send` futures, and a
    // stream closure taking a borrowed item defeats the compiler's proof of that.
    let names: Vec<(usize, String)> = runtimes
        .iter()
        .map(|runtime| runtime.name.clone())
        .enumerate()
        .collect();
    let answers: Vec<(usize, Result<bool>)> = stream::iter(names)
        .map(|(index, name)| {
            let flow = &flow;
            async move { (index, flow.need_upgrade(&name).await) }
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;
    let mut answers: HashMap<usize, Result<bool>> = answers.into_iter().collect();
    let today = services.clock().today();
    let mut statuses: Vec<RuntimeVersionStatus> = runtimes
        .iter()
        .enumerate()
        .map(|(index, runtime)| {
            assess(Facts {
                workspace: &workspace,
                runtime,
                app: app_of(&instances, runtime),
                latest,
                need_upgrade: answers
                    .remove(&index)
                    .unwrap_or_else(|| Err(Error::internal("no answer"))),
                extra_problems: compute_problem.iter().cloned().collect(),
                today,
            })
        })
        .collect();
    statuses.sort_by_key(|status| status.runtime_name.to_lowercase());
    Ok(WorkspaceStatuses {
        workspace,
        statuses,
        details,
    })
}

async fn check_fleet(
    services: &Services,
    workspace_ids: &[String],
    options: CheckOptions,
) -> (
    FleetVersionReport,
    Vec<WorkspaceSummary>,
    HashMap<String, RuntimeDetails>,
) {
    let latest = latest_runtime_tag(services, options.registry_page_size).await;
    let latest_ref = latest.as_ref().map(Option::as_ref);
    let mut seen = HashSet::new();
    let unique: Vec<String> = workspace_ids
        .iter()
        .filter(|id| seen.insert(id.to_lowercase()))
        .cloned()
        .collect();
    let results: Vec<(String, Result<WorkspaceStatuses>)> = stream::iter(unique)
        .map(|id| async move {
            let result = check_one_workspace(services, &id, latest_ref, options.max_parallel).await;
            (id, result)
        })
        .buffer_unordered(options.max_parallel.max(1))
        .collect()
        .await;
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for (workspace_id, result) in results {
        match result {
            Ok(statuses) => checked.push(statuses),
            Err(error) => problems.push(WorkspaceCheckProblem {
                workspace_id,
                error,
            }),
        }
    }
    checked.sort_by_key(|checked| checked.workspace.name.to_lowercase());
    problems.sort_by(|a, b| a.workspace_id.cmp(&b.workspace_id));
    let today = services.clock().today();
    let mut workspaces = Vec::new();
    let mut runtimes = Vec::new();
    let mut details = HashMap::new();
    for checked in checked {
        for runtime in checked.details {
            details.insert(
                runtime_target(&checked.workspace.id, &runtime.summary.name),
                runtime,
            );
        }
        workspaces.push(checked.workspace);
        runtimes.extend(checked.statuses);
    }
    let latest = latest
        .ok()
        .flatten()
        .map(|tag| RuntimeVersion::from_tag(&tag, today));
    let report = FleetVersionReport {
        outdated_count: u32::try_from(count_outdated(&runtimes)).unwrap_or(u32::MAX),
        runtimes,
        latest_is_final: latest.is_some()
            && crate::migration::retirement::RetirementStatus::on(today).images_frozen,
        latest,
        problems,
    };
    (report, workspaces, details)
}

/// Checks every runtime of the given workspaces (ARM ids), with at most
/// `options.max_parallel` requests of each kind in flight. A workspace that cannot be read is
/// listed in `problems`; the others are still checked.
pub async fn check_workspaces(
    services: &Services,
    workspace_ids: &[String],
    options: CheckOptions,
) -> FleetVersionReport {
    check_fleet(services, workspace_ids, options).await.0
}

/// What updating a custom-environment runtime takes: rebuild the environment on the newest
/// runtime image, then pick the rebuilt version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomEnvironmentGuidance {
    pub runtime_name: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_environment: Option<CustomEnvironmentRef>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<RuntimeVersion>,
    /// The image to build on (`mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:TAG`).
    pub base_image: String,
    /// The Dockerfile's first line: `FROM <base_image>`.
    pub dockerfile_from_line: String,
    /// The workspace's environment versions to choose from (the current environment's name
    /// first, newest version first).
    pub candidates: Vec<EnvironmentCandidate>,
}

/// One environment version offered for the update, with what pfrm knows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentCandidate {
    pub choice: EnvironmentChoice,
    /// The version the runtime uses now.
    pub is_current: bool,
    /// Why picking it would not move the runtime forward (older or the same version); the
    /// update asks for confirmation (`allowOlder`) when set.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// Why `choice` would not move a runtime on `current` (environment) forward, if it would not.
fn older_environment_warning(
    current: Option<&CustomEnvironmentRef>,
    current_tag: Option<&ImageTag>,
    choice: &EnvironmentChoice,
) -> Option<String> {
    if let Some(current) = current {
        if let (Some(name), Some(version)) = (&current.name, &current.version) {
            if name.eq_ignore_ascii_case(&choice.name) {
                return match version_order(&choice.version, version) {
                    std::cmp::Ordering::Less => Some(format!(
                        "{}:{} is older than the version the runtime uses now ({name}:{version}).",
                        choice.name, choice.version
                    )),
                    std::cmp::Ordering::Equal => Some(format!(
                        "{}:{} is the version the runtime uses now; updating to it changes nothing.",
                        choice.name, choice.version
                    )),
                    std::cmp::Ordering::Greater => None,
                };
            }
        }
    }
    let chosen_tag = choice
        .image
        .as_deref()
        .and_then(ImageTag::from_image_reference)?;
    match current_tag {
        Some(current_tag) if &chosen_tag < current_tag => Some(format!(
            "{}:{} runs {}, older than the runtime's {}.",
            choice.name,
            choice.version,
            version_label(&chosen_tag),
            version_label(current_tag)
        )),
        _ => None,
    }
}

/// The custom-environment path of "Update": the base image line to rebuild on, and the
/// workspace's environment versions (with warnings for ones that would not move it forward).
pub async fn custom_environment_guidance(
    services: &Services,
    workspace_id: &str,
    runtime_name: &str,
    options: CheckOptions,
) -> Result<CustomEnvironmentGuidance> {
    crate::azure::check_name("runtime name", runtime_name)?;
    let workspace = workspace(services, workspace_id).await?;
    let flow = services.flow(&workspace)?;
    let (runtime, latest, environments) = tokio::join!(
        flow.get_runtime(runtime_name),
        latest_runtime_tag(services, options.registry_page_size),
        list_environments(services, workspace_id),
    );
    let runtime = RuntimeDetails::from(&runtime?);
    let latest = latest?.ok_or_else(|| {
        Error::new(
            ErrorCode::Service,
            "The container registry lists no prompt flow runtime image versions.",
        )
        .with_remedy(
            "Try again later; if it persists, check the image's page on mcr.microsoft.com.",
        )
    })?;
    let current = runtime
        .summary
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    let current_tag = runtime
        .summary
        .docker_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let mut candidates: Vec<EnvironmentCandidate> = environments?
        .into_iter()
        .filter(|choice| choice.derives_from_runtime_image != Some(false))
        .map(|choice| {
            let as_ref = CustomEnvironmentRef::parse(&choice.asset_id);
            EnvironmentCandidate {
                is_current: current.as_ref().is_some_and(|c| c.same_as(&as_ref)),
                warning: older_environment_warning(current.as_ref(), current_tag.as_ref(), &choice),
                choice,
            }
        })
        .collect();
    // The current environment's versions first; list_environments already orders by name,
    // then newest version first.
    let current_name = current.as_ref().and_then(|c| c.name.clone());
    candidates.sort_by_key(|candidate| {
        !current_name
            .as_deref()
            .is_some_and(|name| name.eq_ignore_ascii_case(&candidate.choice.name))
    });
    let base_image = runtime_image(services, &latest);
    Ok(CustomEnvironmentGuidance {
        runtime_name: runtime.summary.name.clone(),
        current_environment: current,
        latest: Some(RuntimeVersion::from_tag(&latest, services.clock().today())),
        dockerfile_from_line: format!("FROM {base_image}"),
        base_image,
        candidates,
    })
}

/// What "Update" sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRuntimeRequest {
    pub workspace_id: String,
    pub runtime_name: String,
    /// A custom environment version's asset id; `None` uses the default environment (the
    /// newest runtime image).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The user confirmed a custom environment version that is older than (or the same as) the
    /// runtime's current one.
    #[serde(default)]
    pub allow_older: bool,
    /// The user chose to move a runtime on a custom environment to the default environment
    /// (the newest image), leaving the custom one. Without it such an update is refused:
    /// [`CUSTOM_ENVIRONMENT_REFUSAL`].
    #[serde(default)]
    pub move_to_default_environment: bool,
}

/// `details.reason` of the error that refuses to move a runtime off its custom environment
/// unasked, so that a host can offer the guidance or the explicit choice.
pub const CUSTOM_ENVIRONMENT_REFUSAL: &str = "customEnvironment";

/// The rule for a runtime on a custom environment: the service cannot update the environment,
/// and an update without one moves the runtime to the default environment. That happens only
/// when asked for.
fn refuse_unasked_move(runtime: &RuntimeDetails, request: &UpdateRuntimeRequest) -> Result<()> {
    let custom = runtime
        .summary
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    match custom {
        Some(environment)
            if request.environment.is_none() && !request.move_to_default_environment =>
        {
            Err(Error::invalid_input(format!(
                "Runtime {} runs custom environment {}, which the service cannot update by itself.",
                request.runtime_name,
                environment.display()
            ))
            .with_remedy(
                "Rebuild the environment on the runtime image its guidance names and update to that version, or choose to move the runtime to the default environment.",
            )
            .with_detail("reason", CUSTOM_ENVIRONMENT_REFUSAL)
            .with_detail("environment", environment.asset_id))
        }
        _ => Ok(()),
    }
}

/// How an update ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutcome {
    pub operation_id: String,
    pub runtime: RuntimeDetails,
    /// The version before the update (default-environment images only).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<RuntimeVersion>,
    /// The version the runtime runs now, as read back after the update.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<RuntimeVersion>,
    /// The custom environment the runtime runs now, read as name and version (`None` on the
    /// default environment).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<CustomEnvironmentRef>,
    /// Things worth knowing that did not stop the update (e.g. the registry lists an even
    /// newer image than the one the service moved to).
    pub warnings: Vec<String>,
}

fn verify_environment(runtime: &RuntimeDetails, expected: &str) -> Result<()> {
    let expected = CustomEnvironmentRef::parse(expected);
    let actual = runtime
        .summary
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    if actual
        .as_ref()
        .is_some_and(|actual| actual.same_as(&expected))
    {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::Service,
        format!(
            "Runtime {} is running again, but on environment {} instead of {}.",
            runtime.summary.name,
            actual
                .map(|a| a.display())
                .unwrap_or_else(|| "(default)".into()),
            expected.display()
        ),
    )
    .with_remedy("Try the update again; if it persists, check the runtime in Azure ML studio."))
}

/// Why an update did not run at all.
enum NotStarted {
    /// Another operation is already updating (or creating, or deleting) the runtime.
    AlreadyRunning(Error),
    Failed(Error),
}

/// Everything known before an update starts.
struct PreparedUpdate {
    workspace_id: String,
    flow: FlowClient,
    before: RuntimeDetails,
    environment: Option<String>,
    latest: Option<ImageTag>,
    warnings: Vec<String>,
}

fn running_operation_on(services: &Services, target: &str) -> Option<String> {
    services
        .operations
        .list()
        .into_iter()
        .find(|op| op.target == target && op.state == OperationState::Running)
        .map(|op| op.id)
}

/// Sends the update and watches it as an operation. Returns the operation id (when one was
/// started) beside the outcome.
async fn run_update(
    services: &Services,
    prepared: PreparedUpdate,
    watch: WatchSettings,
) -> std::result::Result<UpdateOutcome, (Option<String>, NotStarted)> {
    let PreparedUpdate {
        workspace_id,
        flow,
        before,
        environment,
        latest,
        mut warnings,
    } = prepared;
    let name = before.summary.name.clone();
    let target = runtime_target(&workspace_id, &name);
    if let Some(id) = running_operation_on(services, &target) {
        return Err((
            Some(id.clone()),
            NotStarted::AlreadyRunning(
                Error::new(
                    ErrorCode::Conflict,
                    format!("Runtime {name} is already being changed."),
                )
                .with_detail("operationId", id),
            ),
        ));
    }
    let previous_image = if environment.is_none() {
        before.summary.docker_image.clone()
    } else {
        None
    };
    let resume = RuntimeResume {
        workspace_id: workspace_id.clone(),
        runtime_name: name.clone(),
        compute_instance: before.summary.compute_instance_name.clone(),
        new_app: before.summary.compute_instance_name.is_some(),
        previous_image: previous_image.clone(),
    };
    let title = match &environment {
        None => format!("Update runtime {name} to the newest image"),
        Some(asset) => format!(
            "Update runtime {name} to environment {}",
            CustomEnvironmentRef::parse(asset).display()
        ),
    };
    let handle = match services.operations.begin(
        OperationKind::UpdateRuntime,
        title,
        target,
        serde_json::to_value(&resume).unwrap_or_default(),
    ) {
        Ok(handle) => handle,
        Err(error) if error.code == ErrorCode::Conflict => {
            let id = error
                .details
                .as_ref()
                .and_then(|d| d.get("operationId"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            return Err((id, NotStarted::AlreadyRunning(error)));
        }
        Err(error) => return Err((None, NotStarted::Failed(error))),
    };
    let operation_id = handle.id().to_owned();
    let progress = handle.progress();
    let today = services.clock().today();
    let previous_tag = previous_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let outcome = handle
        .run(watch.timeout, async {
            progress.message("Sending the update request");
            let body = UpdateFlowRuntimeRequest {
                runtime_description: before.description.clone(),
                environment: environment.clone(),
            };
            match flow.update_runtime(&name, &body, true).await {
                Ok(_) => wait_for_update_to_start(&flow, &before, UPDATE_START_GRACE_POLLS, watch)
                    .await
                    .map_err(|error| lost_track(error, "update", &name))?,
                // The PUT may have been carried out: read what is true, never send it again.
                Err(error) if error.outcome_unknown() => {
                    confirm_update_started(
                        &flow,
                        &before,
                        error,
                        UPDATE_START_GRACE_POLLS,
                        &progress,
                        watch,
                    )
                    .await?
                }
                Err(error) => return Err(error),
            }
            let runtime = watch_until_running(services, &flow, &resume, &progress, watch)
                .await
                .map_err(|error| lost_track(error, "update", &name))?;
            progress.stage(Stage::Verifying);
            match &environment {
                None => verify_update(&runtime, previous_image.as_deref())?,
                Some(asset) => verify_environment(&runtime, asset)?,
            }
            Ok(runtime)
        })
        .await;
    match outcome {
        Ok(runtime) => {
            let now_tag = runtime
                .summary
                .docker_image
                .as_deref()
                .and_then(ImageTag::from_image_reference);
            if let (None, Some(now), Some(latest)) = (&environment, &now_tag, &latest) {
                if now < latest {
                    warnings.push(format!(
                        "The service moved the runtime to {}; the container registry already lists {}.",
                        version_label(now),
                        version_label(latest)
                    ));
                }
            }
            Ok(UpdateOutcome {
                operation_id,
                environment: runtime
                    .summary
                    .environment
                    .as_deref()
                    .map(CustomEnvironmentRef::parse),
                previous: previous_tag
                    .as_ref()
                    .map(|tag| RuntimeVersion::from_tag(tag, today)),
                current: now_tag
                    .as_ref()
                    .map(|tag| RuntimeVersion::from_tag(tag, today)),
                runtime,
                warnings,
            })
        }
        Err(error) => Err((Some(operation_id), NotStarted::Failed(error))),
    }
}

/// Updates one runtime: to the newest image with the default environment (`environment: None`),
/// or to a rebuilt custom environment version. Runs as an [`OperationKind::UpdateRuntime`]
/// operation (request sent → custom application restarting → runtime starting → verifying) with
/// cancel and timeout, and checks the result: a default-environment update must end on a newer
/// tag, a custom one on the chosen environment.
pub async fn update_runtime(
    services: &Services,
    request: UpdateRuntimeRequest,
    watch: WatchSettings,
) -> Result<UpdateOutcome> {
    crate::azure::check_name("runtime name", &request.runtime_name)?;
    let workspace = workspace(services, &request.workspace_id).await?;
    let flow = services.flow(&workspace)?;
    let before = RuntimeDetails::from(&flow.get_runtime(&request.runtime_name).await?);
    refuse_unasked_move(&before, &request)?;
    let mut warnings = Vec::new();
    let latest = match &request.environment {
        None => match latest_runtime_tag(services, None).await {
            Ok(latest) => latest,
            Err(error) => {
                warnings.push(format!(
                    "The container registry could not be read ({}), so the new version is only checked against the old one.",
                    error.message
                ));
                None
            }
        },
        Some(asset_id) => {
            let chosen = find_environment(services, &request.workspace_id, asset_id).await?;
            let current = before
                .summary
                .environment
                .as_deref()
                .map(CustomEnvironmentRef::parse);
            let current_tag = before
                .summary
                .docker_image
                .as_deref()
                .and_then(ImageTag::from_image_reference);
            if let Some(warning) =
                older_environment_warning(current.as_ref(), current_tag.as_ref(), &chosen)
            {
                if !request.allow_older {
                    return Err(Error::new(ErrorCode::Conflict, warning).with_remedy(
                        "Pick the version rebuilt on the newest runtime image, or confirm that you want this one.",
                    ));
                }
                warnings.push(warning);
            }
            None
        }
    };
    let environment = request.environment.as_ref().map(|asset| {
        // Send the id exactly as the workspace lists it.
        asset.trim().to_owned()
    });
    run_update(
        services,
        PreparedUpdate {
            workspace_id: request.workspace_id.clone(),
            flow,
            before,
            environment,
            latest,
            warnings,
        },
        watch,
    )
    .await
    .map_err(|(_, not_started)| match not_started {
        NotStarted::AlreadyRunning(error) | NotStarted::Failed(error) => error,
    })
}

/// The workspace's environment version with this asset id (or `azureml:name:version`).
async fn find_environment(
    services: &Services,
    workspace_id: &str,
    asset_id: &str,
) -> Result<EnvironmentChoice> {
    let wanted = CustomEnvironmentRef::parse(asset_id.trim());
    let choices = list_environments(services, workspace_id).await?;
    let chosen = choices
        .into_iter()
        .find(|choice| CustomEnvironmentRef::parse(&choice.asset_id).same_as(&wanted))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!(
                    "The workspace has no environment version {}.",
                    wanted.display()
                ),
            )
            .with_remedy("Pick one of the workspace's environment versions (after rebuilding it on the newest runtime image).")
        })?;
    if chosen.derives_from_runtime_image == Some(false) {
        return Err(Error::invalid_input(format!(
            "Environment {}:{} does not run a prompt flow runtime image ({}).",
            chosen.name,
            chosen.version,
            chosen.image.clone().unwrap_or_default()
        ))
        .with_remedy(
            "Build the environment on the prompt flow runtime image, then pick that version.",
        ));
    }
    Ok(chosen)
}

/// What "Update all" sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAllRequest {
    /// ARM ids of the chosen workspaces.
    pub workspace_ids: Vec<String>,
    /// Runtimes updated at once (default 4). Runtimes on the same compute instance are always
    /// updated one after another, since each update restarts the instance's application.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parallel: Option<u32>,
}

/// What happened to one runtime in "Update all".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum UpdateAllOutcome {
    Updated,
    Failed,
    /// Custom environment (or otherwise not updatable in one step): listed for the user.
    NeedsAttention,
    /// Another operation was already updating it; not touched again.
    AlreadyUpdating,
}

/// One line of the "Update all" summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAllItem {
    pub workspace_id: String,
    pub workspace_name: String,
    pub runtime_name: String,
    pub outcome: UpdateAllOutcome,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<RuntimeVersion>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<RuntimeVersion>,
    /// The runtime's operation in the Activity panel.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// Why it failed.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
    /// What the user needs to do (runtimes that need attention).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_environment: Option<CustomEnvironmentRef>,
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The one summary at the end of "Update all".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAllSummary {
    /// Every outdated runtime, in the order they finished (attention items first).
    pub items: Vec<UpdateAllItem>,
    pub updated: u32,
    pub failed: u32,
    pub needs_attention: u32,
    pub already_updating: u32,
    /// Runtimes checked and found up to date.
    pub up_to_date: u32,
    /// Workspaces that could not be checked.
    pub problems: Vec<WorkspaceCheckProblem>,
    /// For custom environments: the `FROM` line to rebuild them on.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_from_line: Option<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

fn attention_item(status: &RuntimeVersionStatus, reason: String) -> UpdateAllItem {
    UpdateAllItem {
        workspace_id: status.workspace_id.clone(),
        workspace_name: status.workspace_name.clone(),
        runtime_name: status.runtime_name.clone(),
        outcome: UpdateAllOutcome::NeedsAttention,
        from: status.current.clone(),
        to: None,
        operation_id: None,
        error: None,
        attention: Some(reason),
        custom_environment: status.custom_environment.clone(),
        warnings: Vec::new(),
    }
}

/// Updates every outdated runtime of the chosen workspaces: default-environment runtimes are
/// updated (each as its own operation in the Activity panel) with at most `max_parallel` at a
/// time and never two on one compute instance at once; custom-environment runtimes are listed
/// for attention; a runtime another operation is already changing is left alone. One failure
/// does not stop the others; the summary says which succeeded, which failed and why.
pub async fn update_all_outdated(
    services: &Services,
    request: UpdateAllRequest,
    watch: WatchSettings,
    options: CheckOptions,
) -> UpdateAllSummary {
    let started = Instant::now();
    let max_parallel = request
        .max_parallel
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(options.max_parallel)
        .max(1);
    let (report, workspaces, listed) = check_fleet(
        services,
        &request.workspace_ids,
        CheckOptions {
            max_parallel,
            ..options
        },
    )
    .await;
    let workspaces: HashMap<String, WorkspaceSummary> = workspaces
        .into_iter()
        .map(|workspace| (workspace.id.to_lowercase(), workspace))
        .collect();

    let mut items = Vec::new();
    let mut queue = VecDeque::new();
    let mut up_to_date = 0u32;
    for status in &report.runtimes {
        if !status.update_available {
            up_to_date += 1;
        } else if let Some(environment) = &status.custom_environment {
            items.push(attention_item(
                status,
                format!(
                    "Runs custom environment {}: rebuild it on the newest runtime image, then update the runtime to the rebuilt version.",
                    environment.display()
                ),
            ));
        } else if status.compute_instance_name.is_none() {
            items.push(attention_item(
                status,
                "Not a compute-instance runtime: update it where it is deployed.".into(),
            ));
        } else {
            queue.push_back(status.clone());
        }
    }
    let instance_key = |status: &RuntimeVersionStatus| {
        format!(
            "{}/{}",
            status.workspace_id.to_lowercase(),
            status
                .compute_instance_name
                .clone()
                .unwrap_or_default()
                .to_lowercase()
        )
    };
    let mut busy: HashSet<String> = HashSet::new();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < max_parallel {
            let Some(position) = queue
                .iter()
                .position(|status| !busy.contains(&instance_key(status)))
            else {
                break;
            };
            let Some(status) = queue.remove(position) else {
                break;
            };
            busy.insert(instance_key(&status));
            let workspace = workspaces.get(&status.workspace_id.to_lowercase()).cloned();
            let before = listed
                .get(&runtime_target(&status.workspace_id, &status.runtime_name))
                .cloned();
            running.push(async move {
                let outcome =
                    update_one_outdated(services, workspace, before, &status, watch).await;
                (status, outcome)
            });
        }
        let Some((status, item)) = running.next().await else {
            break;
        };
        busy.remove(&instance_key(&status));
        items.push(item);
    }
    let count = |outcome: UpdateAllOutcome| {
        u32::try_from(items.iter().filter(|item| item.outcome == outcome).count())
            .unwrap_or(u32::MAX)
    };
    let dockerfile_from_line = if items
        .iter()
        .any(|item| item.outcome == UpdateAllOutcome::NeedsAttention)
    {
        latest_runtime_tag(services, options.registry_page_size)
            .await
            .ok()
            .flatten()
            .map(|tag| format!("FROM {}", runtime_image(services, &tag)))
    } else {
        None
    };
    UpdateAllSummary {
        updated: count(UpdateAllOutcome::Updated),
        failed: count(UpdateAllOutcome::Failed),
        needs_attention: count(UpdateAllOutcome::NeedsAttention),
        already_updating: count(UpdateAllOutcome::AlreadyUpdating),
        up_to_date,
        items,
        problems: report.problems,
        dockerfile_from_line,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

async fn update_one_outdated(
    services: &Services,
    workspace: Option<WorkspaceSummary>,
    before: Option<RuntimeDetails>,
    status: &RuntimeVersionStatus,
    watch: WatchSettings,
) -> UpdateAllItem {
    let mut item = UpdateAllItem {
        workspace_id: status.workspace_id.clone(),
        workspace_name: status.workspace_name.clone(),
        runtime_name: status.runtime_name.clone(),
        outcome: UpdateAllOutcome::Failed,
        from: status.current.clone(),
        to: None,
        operation_id: None,
        error: None,
        attention: None,
        custom_environment: None,
        warnings: Vec::new(),
    };
    let prepared = async {
        let workspace = match workspace {
            Some(workspace) => workspace,
            None => self::workspace(services, &status.workspace_id).await?,
        };
        let flow = services.flow(&workspace)?;
        let before = match before {
            Some(before) => before,
            None => RuntimeDetails::from(&flow.get_runtime(&status.runtime_name).await?),
        };
        Ok::<_, Error>(PreparedUpdate {
            workspace_id: status.workspace_id.clone(),
            flow,
            before,
            environment: None,
            latest: status.latest.as_ref().and_then(|l| ImageTag::parse(&l.tag)),
            warnings: Vec::new(),
        })
    }
    .await;
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            item.error = Some(error);
            return item;
        }
    };
    match run_update(services, prepared, watch).await {
        Ok(outcome) => {
            item.outcome = UpdateAllOutcome::Updated;
            item.operation_id = Some(outcome.operation_id);
            item.from = outcome.previous.or(item.from);
            item.to = outcome.current;
            item.warnings = outcome.warnings;
        }
        Err((operation_id, NotStarted::AlreadyRunning(error))) => {
            item.outcome = UpdateAllOutcome::AlreadyUpdating;
            item.operation_id = operation_id;
            item.error = Some(error);
        }
        Err((operation_id, NotStarted::Failed(error))) => {
            item.operation_id = operation_id;
            item.error = Some(error);
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RuntimeSummary, WorkspaceFlags, WorkspaceKind};

    fn workspace() -> WorkspaceSummary {
        WorkspaceSummary {
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws".into(),
            name: "ws".into(),
            subscription_id: "s".into(),
            resource_group: "rg".into(),
            location: "eastus".into(),
            kind: WorkspaceKind::Default,
            kind_text: None,
            workspace_id: None,
            discovery_url: None,
            friendly_name: None,
            flags: WorkspaceFlags::default(),
        }
    }

    fn runtime(image: Option<&str>, environment: Option<&str>) -> RuntimeSummary {
        RuntimeSummary {
            name: "rt".into(),
            runtime_type: Some("ComputeInstance".into()),
            status: RuntimeStatus::Running,
            status_text: Some("Running".into()),
            compute_instance_name: Some("ci".into()),
            custom_app_name: Some("rt".into()),
            docker_image: image.map(str::to_owned),
            image_tag: None,
            environment: environment.map(str::to_owned),
            created_on: None,
            modified_on: None,
            owner_name: None,
        }
    }

    const OLD: &str = "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2";

    fn day(y: i32, m: u8, d: u8) -> Date {
        Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
    }

    fn assess_with(
        runtime: &RuntimeSummary,
        latest: Option<&ImageTag>,
        need_upgrade: Result<bool>,
    ) -> RuntimeVersionStatus {
        assess(Facts {
            workspace: &workspace(),
            runtime,
            app: None,
            latest: Ok(latest),
            need_upgrade,
            extra_problems: Vec::new(),
            today: day(2024, 2, 10),
        })
    }

    #[test]
    fn versions_read_as_dates_with_their_age() {
        let tag = ImageTag::parse("20240111.v2").unwrap();
        let version = RuntimeVersion::from_tag(&tag, day(2024, 2, 10));
        assert_eq!(version.label, "version 2024-01-11 (v2)");
        assert_eq!(version.age_days, 30);
        assert_eq!(RuntimeVersion::from_tag(&tag, day(2024, 1, 1)).age_days, 0);
    }

    #[test]
    fn agreeing_sources_need_no_explanation() {
        let latest = ImageTag::parse("20240129.v10").unwrap();
        let status = assess_with(&runtime(Some(OLD), None), Some(&latest), Ok(true));
        assert!(status.update_available && status.sources_agree);
        assert_eq!(status.explanation, None);
        assert_eq!(status.current.unwrap().tag, "20240111.v2");
        assert_eq!(status.latest.unwrap().tag, "20240129.v10");
    }

    #[test]
    fn disagreement_names_which_source_says_what() {
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(&runtime(Some(OLD), None), Some(&latest), Ok(false));
        // The service would refuse the update ("not newer"): none is offered.
        assert!(!status.update_available);
        assert!(!status.sources_agree);
        assert_eq!(status.registry_says_outdated, Some(true));
        assert_eq!(status.service_says_outdated, Some(false));
        let text = status.explanation.unwrap();
        assert!(
            text.contains("container registry lists version 2024-01-29 (v1)"),
            "{text}"
        );
        assert!(
            text.contains("prompt flow service says no update is needed"),
            "{text}"
        );
        assert!(text.contains("no update is offered"), "{text}");

        let same = ImageTag::parse("20240111.v2").unwrap();
        let status = assess_with(&runtime(Some(OLD), None), Some(&same), Ok(true));
        assert!(status.update_available && !status.sources_agree);
        assert!(status
            .explanation
            .unwrap()
            .contains("service says an update is available"));
    }

    #[test]
    fn a_custom_environment_relies_on_the_service_and_says_so() {
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(
            &runtime(
                Some("crws.azurecr.io/azureml/azureml_abc:latest"),
                Some("azureml://locations/eastus/workspaces/g/environments/pf-custom/versions/1"),
            ),
            Some(&latest),
            Ok(true),
        );
        assert!(status.update_available);
        assert!(status.current.is_none());
        assert!(!status.updatable_directly());
        assert_eq!(
            status.custom_environment.as_ref().unwrap().display(),
            "pf-custom:1"
        );
        assert!(status
            .explanation
            .unwrap()
            .contains("custom environment pf-custom:1"));
    }

    #[test]
    fn a_failed_service_check_keeps_the_registry_answer() {
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(
            &runtime(Some(OLD), None),
            Some(&latest),
            Err(Error::new(ErrorCode::ServiceUnavailable, "down")),
        );
        assert!(status.update_available);
        assert_eq!(status.problems.len(), 1);
        assert!(status.explanation.unwrap().contains("could not be asked"));
    }

    #[test]
    fn environment_ids_are_read_in_both_forms() {
        let long = CustomEnvironmentRef::parse(
            "azureml://locations/eastus/workspaces/g/environments/pf-custom/versions/2",
        );
        let short = CustomEnvironmentRef::parse("azureml:PF-custom:2");
        assert_eq!(long.display(), "pf-custom:2");
        assert!(long.same_as(&short));
        assert!(!long.same_as(&CustomEnvironmentRef::parse("azureml:pf-custom:1")));
    }

    #[test]
    fn older_or_same_environment_versions_are_flagged() {
        let current = CustomEnvironmentRef::parse("azureml:pf-custom:10");
        let choice = |version: &str, image: Option<&str>| EnvironmentChoice {
            name: "pf-custom".into(),
            version: version.into(),
            asset_id: format!("azureml:pf-custom:{version}"),
            image: image.map(str::to_owned),
            derives_from_runtime_image: None,
            description: None,
        };
        assert!(
            older_environment_warning(Some(&current), None, &choice("9", None))
                .unwrap()
                .contains("older")
        );
        assert!(older_environment_warning(Some(&current), None, &choice("10", None)).is_some());
        assert!(older_environment_warning(Some(&current), None, &choice("11", None)).is_none());
        let tag = ImageTag::parse("20240429.v8").unwrap();
        let mut other = choice("1", Some(OLD));
        other.name = "other".into();
        assert!(older_environment_warning(Some(&current), Some(&tag), &other).is_some());
    }

    #[test]
    fn verification_requires_a_newer_tag() {
        let details = |image: &str| RuntimeDetails {
            summary: runtime(Some(image), None),
            description: None,
            status_message: None,
            error_message: None,
            endpoint_url: None,
            published_port: None,
            target_port: None,
            from_existing_custom_app: None,
            assigned_to: None,
            owner: None,
            studio_url: None,
            diagnosis: None,
        };
        let newer = "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v10";
        assert!(verify_update(&details(newer), Some(OLD)).is_ok());
        let error = verify_update(&details(OLD), Some(OLD)).unwrap_err();
        assert_eq!(error.code, ErrorCode::Service);
        assert!(error.message.contains("not newer"), "{}", error.message);
        assert!(verify_update(&details("x:latest"), Some(OLD)).is_err());
        assert!(verify_update(&details(OLD), None).is_ok());
    }
}
