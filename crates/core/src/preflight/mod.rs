//! Preflight: the prerequisites of the studio's "Create runtime" page, checked before pfrm
//! changes anything. Each check has a stable id, a severity, the evidence it saw, and an exact
//! remedy (with a fix pfrm can apply itself where there is one).
//!
//! Evaluation is pure: it takes facts already fetched from Azure ([`WorkspaceFacts`],
//! [`crate::model::ComputeInstanceSummary`]) and returns [`CheckResult`]s, so every rule is unit-tested without
//! a network. Fetching the facts is the job of the operations layer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::WorkspaceSummary;

mod instance_checks;
pub mod prerequisites;
mod workspace_checks;

pub use instance_checks::{check_compute_instance, PlannedApp};
pub use workspace_checks::check_workspace;

pub use prerequisites::{
    DatastoreFacts, Fact, FamilyUsage, ImageFacts, NetworkFacts, OutboundRuleFacts, QuotaFacts,
    SizeFacts, StorageAccess, StorageFacts, Unreadable,
};

/// The network isolation guide the studio page points to.
pub const NETWORK_ISOLATION_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/prompt-flow/how-to-secure-prompt-flow";
/// How to create a compute instance.
pub const CREATE_COMPUTE_INSTANCE_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-create-compute-instance";

/// Stable check ids (used by the UI, the CLI's `--json` and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CheckId {
    DataScientistRole,
    DefaultDatastoreIsBlob,
    DataIsolationOff,
    NotHubProject,
    NetworkIsolation,
    InstanceAssignedToYou,
    /// The instance is not being deleted, failed or unusable: it can host a runtime at all.
    InstanceUsable,
    InstanceRunning,
    CustomAppNameFree,
    PublishedPortFree,
    /// The `workspaceworkingdirectory` datastore exists.
    WorkingDirectoryDatastore,
    /// No datastore uses account keys while the storage account refuses shared keys.
    SharedKeyAccess,
    /// The signed-in user's storage data roles, where identity-based access is in use.
    StorageRolesForYou,
    /// The workspace identity's storage data roles, where identity-based access is in use.
    StorageRolesForWorkspace,
    ManagedNetworkProvisioned,
    PrivateEndpointsApproved,
    OutboundRulesForRuntime,
    /// Some compute instance size fits the VM quota left in the region.
    VmQuota,
    /// The chosen (stopped) instance can start within the quota left.
    InstanceQuota,
    IdleShutdown,
    /// A custom environment's image is in Azure Container Registry, with a tag.
    ImageInAcr,
    /// That image's tag (or digest) is in its registry.
    ImageTagExists,
    /// The workspace identity may pull that image.
    ImagePullable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Creating a runtime cannot work until this is fixed.
    Blocker,
    /// It can work, but something needs attention first.
    Warning,
    /// Worth knowing.
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CheckStatus {
    Passed,
    Failed,
    /// The facts could not be read (for example the caller may not read them).
    Unknown,
}

impl CheckStatus {
    /// `Passed` when what the check states holds, `Failed` when it does not.
    pub fn passed_if(holds: bool) -> Self {
        if holds {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        }
    }
}

/// One thing the check looked at, shown as "label: value".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub label: String,
    pub value: String,
}

fn evidence(label: &str, value: impl Into<String>) -> Evidence {
    Evidence {
        label: label.into(),
        value: value.into(),
    }
}

/// A fix pfrm can apply itself, offered as a button next to the remedy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FixAction {
    /// Assign AzureML Data Scientist on the workspace to the signed-in user.
    GrantDataScientistToMe,
    /// Start the stopped compute instance.
    StartComputeInstance { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub id: CheckId,
    pub severity: Severity,
    pub status: CheckStatus,
    /// What is checked, as a statement that is true when the check passes; a notice's
    /// (`Severity::Info`) says what was found, either way.
    pub title: String,
    pub evidence: Vec<Evidence>,
    /// What to do when the check did not pass.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixAction>,
}

impl CheckResult {
    /// A check with its outcome and title; evidence, remedy, link and fix come after.
    pub fn new(id: CheckId, severity: Severity, status: CheckStatus, title: &str) -> Self {
        CheckResult {
            id,
            severity,
            status,
            title: title.into(),
            evidence: Vec::new(),
            remedy: None,
            link: None,
            fix: None,
        }
    }

    fn evidence(mut self, item: Evidence) -> Self {
        self.evidence.push(item);
        self
    }

    fn remedy(mut self, remedy: impl Into<String>) -> Self {
        self.remedy = Some(remedy.into());
        self
    }

    fn link(mut self, link: &str) -> Self {
        self.link = Some(link.into());
        self
    }

    /// Whether this result stops runtime creation: a blocker that failed, or one that could not
    /// be evaluated (nothing is created on a prerequisite nobody could check).
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Blocker && self.status != CheckStatus::Passed
    }

    /// A blocker whose facts could not be read.
    pub fn could_not_tell(&self) -> bool {
        self.severity == Severity::Blocker && self.status == CheckStatus::Unknown
    }

    /// Why this check stops runtime creation, or `None` when it does not.
    pub fn blocking_reason(&self) -> Option<BlockingReason> {
        if !self.blocks() {
            return None;
        }
        let could_not_tell = self.could_not_tell();
        Some(BlockingReason {
            check: self.id,
            kind: if could_not_tell {
                BlockKind::CouldNotTell
            } else {
                BlockKind::NotMet
            },
            title: self.title.clone(),
            reason: if could_not_tell {
                // The first evidence of an unknown check says what could not be read and why.
                self.evidence
                    .first()
                    .map(|item| format!("{}: {}", item.label, item.value.trim_end_matches('.')))
                    .unwrap_or_else(|| format!("\"{}\" could not be checked", self.title))
            } else {
                self.title.clone()
            },
        })
    }
}

/// Whether a blocker is known to fail, or could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BlockKind {
    NotMet,
    CouldNotTell,
}

/// Why runtime creation is off: shown beside Add runtime, and given by `runtime create` when it
/// refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlockingReason {
    pub check: CheckId,
    pub kind: BlockKind,
    /// The check's title (a statement of what must hold).
    pub title: String,
    /// `NotMet`: the title. `CouldNotTell`: what could not be read, and why.
    pub reason: String,
}

/// All the results for one workspace (and, in the wizard, one compute instance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreflightReport {
    pub checks: Vec<CheckResult>,
    /// True when any blocker failed or could not be evaluated: the Create action is disabled.
    pub blocked: bool,
    /// Why it is disabled: the first failed blocker, else the first that could not be told.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocking: Option<BlockingReason>,
}

impl PreflightReport {
    pub fn new(checks: Vec<CheckResult>) -> Self {
        let blocking = first_blocking_reason(&checks);
        PreflightReport {
            blocked: blocking.is_some(),
            blocking,
            checks,
        }
    }

    pub fn get(&self, id: CheckId) -> Option<&CheckResult> {
        self.checks.iter().find(|check| check.id == id)
    }

    /// The blockers that stop creation (failed, or not evaluated), for "why is Create disabled?".
    pub fn blocking_reasons(&self) -> Vec<&CheckResult> {
        self.checks.iter().filter(|check| check.blocks()).collect()
    }
}

/// A failed blocker says what to fix, so it comes before one that could not be evaluated.
pub fn first_blocking_reason(checks: &[CheckResult]) -> Option<BlockingReason> {
    checks
        .iter()
        .find(|check| check.blocks() && !check.could_not_tell())
        .or_else(|| checks.iter().find(|check| check.could_not_tell()))
        .and_then(CheckResult::blocking_reason)
}

/// The workspace's default datastore as preflight needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultDatastore {
    pub name: String,
    /// `AzureBlob`, `AzureFile`, `AzureDataLakeGen2`, ...
    pub datastore_type: String,
}

/// What the signed-in user may do on the workspace, from the effective-permissions API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessFacts {
    Known {
        /// Actions a runtime needs that the caller is not allowed (empty: has the role or broader).
        missing_actions: Vec<String>,
        /// The caller may write role assignments (Owner, User Access Administrator, ...).
        can_assign_roles: bool,
    },
    /// The permissions could not be read; the reason is shown as evidence.
    Unknown { reason: String },
}

/// Everything the workspace checks look at.
#[derive(Debug, Clone)]
pub struct WorkspaceFacts {
    pub workspace: WorkspaceSummary,
    /// `Ok(None)`: the workspace has no default datastore. `Err`: could not be read, with the
    /// permission that was missing when that was the reason.
    pub default_datastore: Fact<Option<DefaultDatastore>>,
    pub access: AccessFacts,
    /// The storage facts (`None`: not gathered, the storage checks are left out).
    pub storage: Option<StorageFacts>,
    pub network: Option<NetworkFacts>,
    pub quota: Option<QuotaFacts>,
}

/// The actions the AzureML Data Scientist role grants that creating and using a runtime needs.
/// Checked through effective permissions, so any broader role (Contributor, Owner, a custom role)
/// passes too, and Reader does not. (`workspaces/read` itself is not among them: the role's
/// `workspaces/*/read` pattern covers the workspace's children, not the workspace.)
pub const RUNTIME_ACTIONS: &[&str] = &[
    "Microsoft.MachineLearningServices/workspaces/computes/read",
    "Microsoft.MachineLearningServices/workspaces/datastores/read",
    "Microsoft.MachineLearningServices/workspaces/environments/read",
    "Microsoft.MachineLearningServices/workspaces/experiments/runs/submit/action",
    "Microsoft.MachineLearningServices/workspaces/flows/write",
];

/// The action that assigning a role needs.
pub const ASSIGN_ROLES_ACTION: &str = "Microsoft.Authorization/roleAssignments/write";

#[cfg(test)]
mod tests;
