//! What crosses to the hosts: the version status of a runtime and a fleet, the custom-environment
//! guidance, and the requests and outcomes of one update and of "Update all". Rules say what they
//! found as codes with data ([`VersionNote`], [`EnvironmentWarning`], [`AttentionReason`]); the
//! UI's catalog and the CLI phrase them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::azure::WorkspaceRef;
use crate::error::Error;
use crate::model::{RuntimeDetails, RuntimeStatus};
use crate::ops::runtimes::EnvironmentChoice;

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

/// Where a runtime stands: the version it runs, the newest one, and what each source says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeVersionStatus {
    /// The runtime's key: the target its operations carry (lower case), so a host can tell
    /// which operation changes it without building the key itself.
    pub key: String,
    /// ARM id of the workspace.
    pub workspace_id: String,
    /// The workspace's key, as [`CheckedWorkspace::key`].
    pub workspace_key: String,
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
    /// Why the sources disagree or one of them is missing, naming which says what; and whether
    /// the custom application runs another version than the runtime reports.
    #[serde(default)]
    pub notes: Vec<VersionNote>,
    /// Set for runtimes on a custom environment: they are updated by rebuilding it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_environment: Option<CustomEnvironmentRef>,
    /// What could not be read (the registry, `needUpgrade`, the compute instance).
    pub problems: Vec<Error>,
}

/// Declares a finding the hosts phrase from their catalogs: each variant is a code with its data,
/// sent as `{"code": "registryNewer", "latest": …}` (camelCase). The wire form of every such
/// finding is written here once, so the UI's and the CLI's readers can rely on it.
macro_rules! coded_finding {
    ($(#[$meta:meta])* pub enum $name:ident { $($variants:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(tag = "code", rename_all = "camelCase", rename_all_fields = "camelCase")]
        pub enum $name { $($variants)* }
    };
}

coded_finding! {
    /// What the assessment found beyond the two answers. Version fields are labels
    /// (`version 2024-01-11 (v2)`).
    pub enum VersionNote {
        /// The registry lists a newer image than the runtime's, the service says no update is needed.
        RegistryNewer { latest: String, current: String },
        /// The service says an update is available, the registry's newest is the runtime's own.
        ServiceNewer { latest: String },
        /// The runtime's version cannot be read (a custom environment's base image); only the
        /// service answered.
        CustomEnvironment {
            environment: String,
            service_outdated: bool,
        },
        /// The registry could not be read; only the service answered.
        RegistryUnread { service_outdated: bool },
        /// The image has no `YYYYMMDD.vN` version; only the service answered.
        UnversionedImage {
            image: String,
            service_outdated: bool,
        },
        /// The service could not be asked; only the registry answered.
        ServiceUnasked { registry_outdated: bool },
        /// Neither source could tell.
        NeitherAnswered,
        /// The runtime reports one version, its custom application on `instance` runs another.
        AppDiffers {
            runtime: String,
            instance: String,
            app: String,
        },
    }
}

coded_finding! {
    /// Why an environment version would not move a runtime forward. `chosen` is `name:version`.
    pub enum EnvironmentWarning {
        /// An older version of the environment the runtime uses (`current` is `name:version`).
        Older { chosen: String, current: String },
        /// The version the runtime uses now.
        Same { chosen: String },
        /// Another environment, built on an older runtime image (`image` and `current` are labels).
        OlderImage {
            chosen: String,
            image: String,
            current: String,
        },
    }
}

coded_finding! {
    /// Something worth knowing that did not stop an update. Versions are labels.
    pub enum UpdateWarning {
        /// The registry could not be read (`reason`: its error message), so the new version was
        /// only checked against the old one.
        RegistryUnread { reason: String },
        /// The service moved the runtime to `now`; the registry already lists `latest`.
        RegistryNewer { now: String, latest: String },
        /// The user confirmed an environment version that does not move the runtime forward.
        Environment { warning: EnvironmentWarning },
    }
}

/// Why "Update all" left a runtime for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AttentionReason {
    /// It runs a custom environment (the item names it): rebuild it first.
    CustomEnvironment,
    /// Not a compute-instance runtime: it is updated where it is deployed.
    NotOnComputeInstance,
}

impl RuntimeVersionStatus {
    /// Whether pfrm can update it in one step (default environment).
    pub fn updatable_directly(&self) -> bool {
        self.update_available && self.custom_environment.is_none()
    }
}

/// A workspace that could not be checked, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceCheckProblem {
    pub workspace_id: String,
    /// The workspace's key, as [`CheckedWorkspace::key`].
    pub workspace_key: String,
    pub workspace_name: String,
    pub error: Error,
}

/// A workspace a check was asked about, as asked, with the key its runtimes and problem carry
/// and its name (for the hosts' sentences, even when it has no runtime or could not be read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckedWorkspace {
    /// The ARM id as the caller gave it.
    pub id: String,
    /// Equal for every spelling of one id (ARM ids compare without case); the
    /// `workspaceKey` of its runtimes and of its problem.
    pub key: String,
    pub name: String,
}

impl CheckedWorkspace {
    pub fn asked(id: &str) -> Self {
        CheckedWorkspace {
            id: id.to_owned(),
            key: WorkspaceRef::key_of(id),
            name: WorkspaceRef::name_of(id),
        }
    }
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
    /// Every workspace asked about (each once, in the order given).
    pub workspaces: Vec<CheckedWorkspace>,
}

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
    /// `latest` is the final image (prompt flow's images are frozen on the cloud's date): the
    /// hosts say "the final runtime image", not "the newest".
    pub latest_is_final: bool,
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
    pub warning: Option<EnvironmentWarning>,
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
    pub warnings: Vec<UpdateWarning>,
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
    /// Why the user needs to act (runtimes that need attention).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<AttentionReason>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_environment: Option<CustomEnvironmentRef>,
    #[serde(default)]
    pub warnings: Vec<UpdateWarning>,
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
    /// The newest image is the final one (on the cloud's date): nothing newer will come.
    pub latest_is_final: bool,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}
