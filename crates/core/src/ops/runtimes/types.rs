//! What crosses to the hosts: the wizard's choices and the create and delete requests.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{ComputeInstanceSummary, CustomApp};
use crate::preflight::CheckResult;

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

impl InstanceChoice {
    /// An instance with its checks: usable when none blocks; its runtime applications are
    /// the custom applications that run a prompt flow runtime image.
    pub(crate) fn new(instance: ComputeInstanceSummary, checks: Vec<CheckResult>) -> Self {
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
    }
}

/// A compute instance of the workspace that is someone else's: a runtime on it would work only
/// for them, so the wizard does not offer it, but names it when the user has none of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OthersInstance {
    pub name: String,
    /// Whom it is assigned to (or, unassigned, who created it): their name and user name as the
    /// directory gives them, else their object id. `None` when the instance names nobody.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
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
