//! The workspace's prerequisites as the studio's "Create runtime" page lists them (role, default
//! datastore, data isolation, hub project, network isolation), with the deeper checks added.

use super::{
    evidence, prerequisites, AccessFacts, CheckId, CheckResult, CheckStatus, DefaultDatastore,
    FixAction, PreflightReport, Severity, WorkspaceFacts, NETWORK_ISOLATION_GUIDE,
};
use crate::model::WorkspaceSummary;

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

fn datastore_check(datastore: &prerequisites::Fact<Option<DefaultDatastore>>) -> CheckResult {
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
        Err(why) => prerequisites::could_not_tell(
            CheckId::DefaultDatastoreIsBlob,
            Severity::Blocker,
            TITLE,
            "the workspace's datastores",
            why,
        ),
    }
}

fn data_isolation_check(workspace: &WorkspaceSummary) -> CheckResult {
    const TITLE: &str = "Data isolation is off for the workspace";
    let result = CheckResult::new(
        CheckId::DataIsolationOff,
        Severity::Blocker,
        CheckStatus::passed_if(!workspace.flags.data_isolation),
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
        CheckStatus::passed_if(!workspace.flags.hub_project),
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
    let flags = &workspace.flags;
    // A notice, not a requirement: its title says what was found either way, so an isolated
    // workspace is never reported as a prerequisite "not met".
    let title = if flags.network_isolated() {
        "The workspace is network-isolated"
    } else {
        "The workspace is not network-isolated"
    };
    let mut result = CheckResult::new(
        CheckId::NetworkIsolation,
        Severity::Info,
        CheckStatus::passed_if(!flags.network_isolated()),
        title,
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
