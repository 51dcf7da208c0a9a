use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::compute::UserRef;
use crate::diagnosis::Diagnosis;

/// A runtime's status. The service's enum lacks the healthy value (`Running` is what it sends),
/// so anything unrecognised becomes `Unknown` and the raw text is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum RuntimeStatus {
    Running,
    Starting,
    Stopping,
    Failed,
    Unavailable,
    NotExist,
    #[serde(other)]
    Unknown,
}

impl RuntimeStatus {
    pub fn parse(text: Option<&str>) -> Self {
        match text.map(str::to_ascii_lowercase).as_deref() {
            Some("running") => RuntimeStatus::Running,
            Some("starting") => RuntimeStatus::Starting,
            Some("stopping") => RuntimeStatus::Stopping,
            Some("failed") => RuntimeStatus::Failed,
            Some("unavailable") => RuntimeStatus::Unavailable,
            Some("notexist") => RuntimeStatus::NotExist,
            _ => RuntimeStatus::Unknown,
        }
    }

    /// Still changing: keep polling.
    pub fn is_transitional(self) -> bool {
        matches!(self, RuntimeStatus::Starting | RuntimeStatus::Stopping)
    }
}

/// One row of the runtime list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeSummary {
    pub name: String,
    /// The runtime's key for the hosts ([`RuntimeSummary::key_of`]): the same text its
    /// operations carry as their target, so a host matches a runtime to its operations, version
    /// status and update without building a key itself.
    pub key: String,
    /// `ComputeInstance`, `ManagedOnlineEndpoint`, ...
    pub runtime_type: Option<String>,
    pub status: RuntimeStatus,
    pub status_text: Option<String>,
    pub compute_instance_name: Option<String>,
    pub custom_app_name: Option<String>,
    /// Full image reference (`...promptflow-runtime-stable:20240111.v2`).
    pub docker_image: Option<String>,
    /// The tag part of `docker_image`.
    pub image_tag: Option<String>,
    /// The image's version when its tag follows the runtime images' `YYYYMMDD.vN` scheme, read
    /// by the core so the hosts phrase a date and a build instead of parsing the tag.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_version: Option<crate::model::ImageVersion>,
    /// Custom environment asset id; `None` means the default environment.
    pub environment: Option<String>,
    pub created_on: Option<String>,
    pub modified_on: Option<String>,
    pub owner_name: Option<String>,
}

impl RuntimeSummary {
    /// The one rule for a runtime's key: its workspace's ARM id and its name, lower case (ARM ids
    /// and runtime names are case-insensitive).
    pub fn key_of(workspace_id: &str, runtime_name: &str) -> String {
        format!("{workspace_id}/flowruntimes/{runtime_name}").to_lowercase()
    }
}

/// Who created a runtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeOwner {
    pub object_id: Option<String>,
    pub tenant_id: Option<String>,
    pub user_name: Option<String>,
    pub user_principal_name: Option<String>,
}

/// Everything the runtime details page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeDetails {
    #[serde(flatten)]
    pub summary: RuntimeSummary,
    pub description: Option<String>,
    pub status_message: Option<String>,
    /// The service's error message when the runtime failed.
    pub error_message: Option<String>,
    pub endpoint_url: Option<String>,
    pub published_port: Option<u32>,
    pub target_port: Option<u32>,
    pub from_existing_custom_app: Option<bool>,
    pub assigned_to: Option<UserRef>,
    pub owner: Option<RuntimeOwner>,
    /// The runtime's page in this cloud's Azure ML studio (set by the operations that know the
    /// cloud; `None` when read straight from the service).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studio_url: Option<String>,
    /// What pfrm recognised in the error or status message (`None`: nothing to explain, or a
    /// message no known pattern matches).
    pub diagnosis: Option<Diagnosis>,
    /// The runtime failed (or is unavailable) with words from the service to explain: the hosts
    /// show the diagnosis, or say that no known pattern matched, only then.
    pub has_failure: bool,
}

impl RuntimeDetails {
    /// The one rule for [`RuntimeDetails::has_failure`]: an error message, or a failed or
    /// unavailable status with a status message.
    pub fn failure_shown(
        status: RuntimeStatus,
        error_message: Option<&str>,
        status_message: Option<&str>,
    ) -> bool {
        error_message.is_some()
            || (matches!(status, RuntimeStatus::Failed | RuntimeStatus::Unavailable)
                && status_message.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_shown_for_an_error_or_a_failed_status_with_words() {
        use RuntimeStatus::*;
        assert!(RuntimeDetails::failure_shown(
            Running,
            Some("Quota exceeded"),
            None
        ));
        assert!(RuntimeDetails::failure_shown(
            Failed,
            None,
            Some("Image pull failed")
        ));
        assert!(RuntimeDetails::failure_shown(
            Unavailable,
            None,
            Some("Not ready")
        ));
        // No words from the service: nothing to explain, not even "unrecognised".
        assert!(!RuntimeDetails::failure_shown(Failed, None, None));
        // A running runtime's status message is news, not a failure.
        assert!(!RuntimeDetails::failure_shown(Running, None, Some("Ready")));
    }
}
