use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A user as Entra ID identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    pub object_id: String,
    pub tenant_id: Option<String>,
}

/// `ComputeInstanceState`; unknown values become `Unknown` (the raw text is kept beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ComputeInstanceState {
    Creating,
    CreateFailed,
    Deleting,
    Running,
    Restarting,
    JobRunning,
    SettingUp,
    SetupFailed,
    Starting,
    Stopped,
    Stopping,
    UserSettingUp,
    UserSetupFailed,
    Unusable,
    #[serde(other)]
    Unknown,
}

impl ComputeInstanceState {
    pub fn parse(text: Option<&str>) -> Self {
        const ALL: [ComputeInstanceState; 14] = [
            ComputeInstanceState::Creating,
            ComputeInstanceState::CreateFailed,
            ComputeInstanceState::Deleting,
            ComputeInstanceState::Running,
            ComputeInstanceState::Restarting,
            ComputeInstanceState::JobRunning,
            ComputeInstanceState::SettingUp,
            ComputeInstanceState::SetupFailed,
            ComputeInstanceState::Starting,
            ComputeInstanceState::Stopped,
            ComputeInstanceState::Stopping,
            ComputeInstanceState::UserSettingUp,
            ComputeInstanceState::UserSetupFailed,
            ComputeInstanceState::Unusable,
        ];
        let Some(text) = text else {
            return ComputeInstanceState::Unknown;
        };
        ALL.into_iter()
            .find(|state| format!("{state:?}").eq_ignore_ascii_case(text))
            .unwrap_or(ComputeInstanceState::Unknown)
    }

    /// Whether the instance can host a runtime right now.
    pub fn is_running(self) -> bool {
        matches!(
            self,
            ComputeInstanceState::Running | ComputeInstanceState::JobRunning
        )
    }

    /// Whether it can be started (the service only allows start from `Stopped`).
    pub fn can_start(self) -> bool {
        self == ComputeInstanceState::Stopped
    }
}

/// One port a custom application exposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppEndpoint {
    pub name: Option<String>,
    pub protocol: Option<String>,
    /// Port inside the container.
    pub target: Option<u32>,
    /// Port exposed on the compute instance.
    pub published: Option<u32>,
}

/// A custom application (container) on a compute instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomApp {
    pub name: String,
    /// `docker` or `azureml`.
    pub image_type: Option<String>,
    /// Image reference (`mcr.microsoft.com/...:tag`) or AzureML environment name.
    pub image: Option<String>,
    pub endpoints: Vec<AppEndpoint>,
    /// The image is a prompt flow runtime image.
    pub is_prompt_flow_runtime: bool,
}

/// The last lifecycle operation on a compute instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastOperation {
    pub name: Option<String>,
    pub status: Option<String>,
    pub time: Option<String>,
    pub trigger: Option<String>,
}

/// A compute instance as the wizard and the runtime pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComputeInstanceSummary {
    /// ARM id.
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub state: ComputeInstanceState,
    /// The service's state text (shown when `state` is `Unknown`).
    pub state_text: Option<String>,
    pub vm_size: Option<String>,
    pub provisioning_state: Option<String>,
    /// The user the instance is assigned to (personal instances).
    pub assigned_user: Option<UserRef>,
    /// Who created it.
    pub created_by: Option<UserRef>,
    pub created_by_name: Option<String>,
    pub custom_apps: Vec<CustomApp>,
    pub last_operation: Option<LastOperation>,
}

impl ComputeInstanceSummary {
    /// Whether this instance belongs to the user `object_id` (in `tenant_id` when known): the
    /// assigned user when there is one, otherwise the creator.
    pub fn belongs_to(&self, object_id: &str, tenant_id: Option<&str>) -> bool {
        let matches = |user: &UserRef| {
            user.object_id.eq_ignore_ascii_case(object_id)
                && match (user.tenant_id.as_deref(), tenant_id) {
                    (Some(theirs), Some(ours)) => theirs.eq_ignore_ascii_case(ours),
                    _ => true,
                }
        };
        match (&self.assigned_user, &self.created_by) {
            (Some(assigned), _) => matches(assigned),
            (None, Some(creator)) => matches(creator),
            (None, None) => false,
        }
    }

    /// Why this instance cannot host a runtime at all (not merely "not running yet"): its state
    /// or provisioning state is Deleting, a failure, Unusable or Unknown. `None` when it can.
    pub fn unusable_because(&self) -> Option<String> {
        let provisioning = self.provisioning_state.as_deref().map(str::trim);
        let provisioning_is =
            |value: &str| provisioning.is_some_and(|p| p.eq_ignore_ascii_case(value));
        let state = self
            .state_text
            .clone()
            .unwrap_or_else(|| format!("{:?}", self.state));
        use ComputeInstanceState as S;
        Some(match self.state {
            S::Deleting => "is being deleted".to_owned(),
            _ if provisioning_is("Deleting") => {
                "is being deleted (provisioning state Deleting)".to_owned()
            }
            S::CreateFailed | S::SetupFailed | S::UserSetupFailed => {
                format!("failed (state {state})")
            }
            _ if provisioning_is("Failed") => "failed (provisioning state Failed)".to_owned(),
            S::Unusable => "is unusable, as Azure reports it (state Unusable)".to_owned(),
            S::Unknown => format!("is in a state pfrm cannot tell ({state})"),
            _ if provisioning_is("Unknown") => {
                "is in a state pfrm cannot tell (provisioning state Unknown)".to_owned()
            }
            _ => return None,
        })
    }
}
