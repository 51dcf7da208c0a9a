//! Preflight: the prerequisites of the studio's "Create runtime" page, checked before pfrm
//! changes anything. Each check has a stable id, a severity, the evidence it saw, and an exact
//! remedy (with a fix pfrm can apply itself where there is one).
//!
//! Evaluation is pure: it takes facts already fetched from Azure ([`WorkspaceFacts`],
//! [`ComputeInstanceSummary`]) and returns [`CheckResult`]s, so every rule is unit-tested without
//! a network. Fetching the facts is the job of the operations layer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{ComputeInstanceSummary, WorkspaceSummary};

pub mod prerequisites;

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
    /// What is checked, as a statement that is true when the check passes.
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
    fn new(id: CheckId, severity: Severity, status: CheckStatus, title: &str) -> Self {
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
    /// `Ok(None)`: the workspace has no default datastore. `Err(reason)`: could not be read.
    pub default_datastore: Result<Option<DefaultDatastore>, String>,
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

/// Evaluates the page's prerequisites for one workspace.
pub fn check_workspace(facts: &WorkspaceFacts) -> PreflightReport {
    let mut checks = vec![
        role_check(&facts.access, &facts.workspace.name),
        datastore_check(&facts.default_datastore),
    ];
    if let Some(storage) = &facts.storage {
        checks.extend(prerequisites::storage_checks(storage));
    }
    checks.push(data_isolation_check(&facts.workspace));
    checks.push(hub_project_check(&facts.workspace));
    checks.push(network_check(&facts.workspace));
    if let Some(network) = &facts.network {
        checks.extend(prerequisites::network_checks(network));
    }
    if let Some(quota) = &facts.quota {
        checks.push(prerequisites::vm_quota_check(quota));
    }
    PreflightReport::new(checks)
}

fn role_check(access: &AccessFacts, workspace: &str) -> CheckResult {
    const TITLE: &str = "You have the AzureML Data Scientist role (or broader) on the workspace";
    match access {
        AccessFacts::Known {
            missing_actions, ..
        } if missing_actions.is_empty() => CheckResult::new(
            CheckId::DataScientistRole,
            Severity::Blocker,
            CheckStatus::Passed,
            TITLE,
        )
        .evidence(evidence("Allowed", "every action a runtime needs")),
        AccessFacts::Known {
            missing_actions,
            can_assign_roles,
        } => {
            let mut result = CheckResult::new(
                CheckId::DataScientistRole,
                Severity::Blocker,
                CheckStatus::Failed,
                TITLE,
            )
            .evidence(evidence("Not allowed", missing_actions.join(", ")));
            if *can_assign_roles {
                result = result.remedy(format!(
                    "You may assign roles on {workspace}: grant yourself AzureML Data Scientist. It can take a few minutes to take effect."
                ));
                result.fix = Some(FixAction::GrantDataScientistToMe);
            } else {
                result = result.remedy(format!(
                    "Ask an Owner of the workspace {workspace} (or of its resource group) to assign you the AzureML Data Scientist role on it."
                ));
            }
            result
        }
        AccessFacts::Unknown { reason } => CheckResult::new(
            CheckId::DataScientistRole,
            Severity::Blocker,
            CheckStatus::Unknown,
            TITLE,
        )
        .evidence(evidence(
            "Your permissions could not be read",
            reason.clone(),
        ))
        .remedy("Check again; if it keeps failing, check your sign-in and network."),
    }
}

fn datastore_check(datastore: &Result<Option<DefaultDatastore>, String>) -> CheckResult {
    const TITLE: &str = "The workspace's default datastore is Azure Blob storage";
    let check = |status| {
        CheckResult::new(
            CheckId::DefaultDatastoreIsBlob,
            Severity::Blocker,
            status,
            TITLE,
        )
    };
    match datastore {
        Ok(Some(store)) if store.datastore_type.eq_ignore_ascii_case("AzureBlob") => {
            check(CheckStatus::Passed)
                .evidence(evidence("Default datastore", store.name.clone()))
                .evidence(evidence("Type", store.datastore_type.clone()))
        }
        Ok(Some(store)) if store.datastore_type.eq_ignore_ascii_case("AzureDataLakeGen2") => {
            check(CheckStatus::Failed)
                .evidence(evidence("Default datastore", store.name.clone()))
                .evidence(evidence("Type", "AzureDataLakeGen2 (Data Lake Storage Gen2)"))
                .remedy(
                    "Prompt flow refuses a workspace whose default datastore is Data Lake Storage Gen2 (PromptFlowNotSupported), even though it is blob storage underneath: it must be an Azure Blob Storage datastore. In Azure ML studio open Data → Datastores, select workspaceblobstore and choose \"Set as default\".",
                )
        }
        Ok(Some(store)) => check(CheckStatus::Failed)
            .evidence(evidence("Default datastore", store.name.clone()))
            .evidence(evidence("Type", store.datastore_type.clone()))
            .remedy(
                "Make a blob datastore the default: in Azure ML studio open Data → Datastores, select a datastore of type Azure Blob Storage (for example workspaceblobstore) and choose \"Set as default\".",
            ),
        Ok(None) => check(CheckStatus::Failed)
            .evidence(evidence("Default datastore", "none"))
            .remedy(
                "Make a blob datastore the default: in Azure ML studio open Data → Datastores, select workspaceblobstore (or another Azure Blob Storage datastore) and choose \"Set as default\".",
            ),
        Err(reason) => check(CheckStatus::Unknown)
            .evidence(evidence("The workspace's datastores could not be read", reason.clone()))
            .remedy("Check again; reading datastores needs at least Reader on the workspace."),
    }
}

fn data_isolation_check(workspace: &WorkspaceSummary) -> CheckResult {
    const TITLE: &str = "Data isolation is off for the workspace";
    let result = CheckResult::new(
        CheckId::DataIsolationOff,
        Severity::Blocker,
        if workspace.flags.data_isolation {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        },
        TITLE,
    )
    .evidence(evidence(
        "enableDataIsolation",
        workspace.flags.data_isolation.to_string(),
    ));
    if workspace.flags.data_isolation {
        result.remedy(
            "Prompt flow does not support workspaces with data isolation, and the setting can only be chosen when a workspace is created. Use another workspace, or create a new one without data isolation.",
        )
    } else {
        result
    }
}

fn hub_project_check(workspace: &WorkspaceSummary) -> CheckResult {
    const TITLE: &str = "The workspace is not a project created from a workspace hub";
    let kind = workspace
        .kind_text
        .clone()
        .unwrap_or_else(|| format!("{:?}", workspace.kind));
    let result = CheckResult::new(
        CheckId::NotHubProject,
        Severity::Blocker,
        if workspace.flags.hub_project {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        },
        TITLE,
    )
    .evidence(evidence("Kind", kind));
    if workspace.flags.hub_project {
        result.remedy(
            "Prompt flow runtimes are not supported in project workspaces created with a workspace hub. Choose a regular Azure Machine Learning workspace.",
        )
    } else {
        result
    }
}

fn network_check(workspace: &WorkspaceSummary) -> CheckResult {
    const TITLE: &str = "Network isolation";
    let flags = &workspace.flags;
    let mut result = CheckResult::new(
        CheckId::NetworkIsolation,
        Severity::Info,
        if flags.network_isolated() {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        },
        TITLE,
    )
    .evidence(evidence(
        "Public network access",
        if flags.public_network_disabled {
            "disabled"
        } else {
            "enabled"
        },
    ))
    .evidence(evidence(
        "Approved private endpoints",
        if flags.private_endpoint {
            "yes"
        } else {
            "none"
        },
    ))
    .evidence(evidence(
        "Managed virtual network isolation",
        if flags.managed_network_isolated {
            "on"
        } else {
            "off"
        },
    ));
    if flags.network_isolated() {
        result = result
            .remedy(
                "This workspace is network-isolated. The compute instance and the runtime must be able to reach the workspace's storage, registry and the prompt flow service: follow \"Network isolation in prompt flow\" before creating a runtime.",
            )
            .link(NETWORK_ISOLATION_GUIDE);
    }
    result
}

/// The custom application the wizard is about to create, for conflict checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedApp {
    pub name: String,
    /// Port the app will publish on the instance, when pfrm chooses it.
    pub published_port: Option<u32>,
}

/// Checks one compute instance for the add-runtime wizard.
pub fn check_compute_instance(
    instance: &ComputeInstanceSummary,
    my_object_id: &str,
    my_tenant_id: Option<&str>,
    planned: Option<&PlannedApp>,
) -> Vec<CheckResult> {
    let mut checks = Vec::new();

    let mine = instance.belongs_to(my_object_id, my_tenant_id);
    let owner = instance
        .assigned_user
        .as_ref()
        .or(instance.created_by.as_ref())
        .map(|user| user.object_id.clone())
        .unwrap_or_else(|| "nobody".into());
    let mut assigned = CheckResult::new(
        CheckId::InstanceAssignedToYou,
        Severity::Blocker,
        if mine {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        "The compute instance is assigned to you",
    )
    .evidence(evidence(
        if instance.assigned_user.is_some() {
            "Assigned to"
        } else {
            "Created by"
        },
        owner,
    ));
    if !mine {
        assigned = assigned
            .remedy(
                "Compute instances are personal: a runtime on someone else's instance fails when you use it. Choose one of your own instances, or create one.",
            )
            .link(CREATE_COMPUTE_INSTANCE_GUIDE);
    }
    checks.push(assigned);

    let state_text = instance
        .state_text
        .clone()
        .unwrap_or_else(|| format!("{:?}", instance.state));
    let unusable = instance.unusable_because();
    let mut usable = CheckResult::new(
        CheckId::InstanceUsable,
        Severity::Blocker,
        if unusable.is_some() {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        },
        "The compute instance can host a runtime (it is not being deleted, failed or unusable)",
    )
    .evidence(evidence("State", state_text.clone()))
    .evidence(evidence(
        "Provisioning state",
        instance
            .provisioning_state
            .clone()
            .unwrap_or_else(|| "not given".into()),
    ));
    if let Some(why) = &unusable {
        usable = usable
            .remedy(format!(
                "{} {why}, so it cannot host a runtime. Choose another of your instances, or create one.",
                instance.name
            ))
            .link(CREATE_COMPUTE_INSTANCE_GUIDE);
    }
    checks.push(usable);
    // Whether an instance that cannot host a runtime at all is running is beside the point: the
    // check above says what to do, and a second "not met" would only repeat it.
    if unusable.is_none() {
        let mut running = CheckResult::new(
            CheckId::InstanceRunning,
            Severity::Warning,
            if instance.state.is_running() {
                CheckStatus::Passed
            } else {
                CheckStatus::Failed
            },
            "The compute instance is running",
        )
        .evidence(evidence("State", state_text));
        if !instance.state.is_running() {
            if instance.state.can_start() {
                running =
                    running.remedy("Start the instance; the runtime is created once it runs.");
                running.fix = Some(FixAction::StartComputeInstance {
                    name: instance.name.clone(),
                });
            } else {
                running = running.remedy(
                    "Wait until the instance is running (or stopped, so it can be started), then check again.",
                );
            }
        }
        checks.push(running);
    }

    if let Some(planned) = planned {
        let taken = instance
            .custom_apps
            .iter()
            .any(|app| app.name.eq_ignore_ascii_case(&planned.name));
        let mut name_check = CheckResult::new(
            CheckId::CustomAppNameFree,
            Severity::Blocker,
            if taken {
                CheckStatus::Failed
            } else {
                CheckStatus::Passed
            },
            "No custom application on the instance has the new runtime's name",
        )
        .evidence(evidence(
            "Custom applications",
            if instance.custom_apps.is_empty() {
                "none".to_string()
            } else {
                instance
                    .custom_apps
                    .iter()
                    .map(|app| app.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ));
        if taken {
            name_check = name_check.remedy(format!(
                "Choose another runtime name, or use the existing custom application \"{}\" instead of creating a new one.",
                planned.name
            ));
        }
        checks.push(name_check);

        if let Some(port) = planned.published_port {
            let user = instance.custom_apps.iter().find(|app| {
                app.endpoints
                    .iter()
                    .any(|endpoint| endpoint.published == Some(port))
            });
            let mut port_check = CheckResult::new(
                CheckId::PublishedPortFree,
                Severity::Blocker,
                if user.is_some() {
                    CheckStatus::Failed
                } else {
                    CheckStatus::Passed
                },
                "The port the runtime publishes is free on the instance",
            )
            .evidence(evidence("Port", port.to_string()));
            if let Some(app) = user {
                port_check = port_check
                    .evidence(evidence("Used by", app.name.clone()))
                    .remedy(format!(
                        "Port {port} is already published by \"{}\". Use that application as an existing runtime, or remove it from the instance first.",
                        app.name
                    ));
            }
            checks.push(port_check);
        }
    }
    checks
}

#[cfg(test)]
mod tests;
