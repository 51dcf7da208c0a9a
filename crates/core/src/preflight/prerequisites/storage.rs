//! The workspace's storage: the working directory datastore, shared-key access against the
//! datastores' credentials, and the storage data roles identity-based access needs.

use super::{could_not_tell, Fact, STORAGE_IDENTITY_GUIDE};
use crate::preflight::{evidence, CheckId, CheckResult, CheckStatus, Severity};

/// One datastore as the storage checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatastoreFacts {
    pub name: String,
    pub datastore_type: String,
    /// `AccountKey`, `Sas`, `None` (identity-based), ...
    pub credentials_type: String,
}

impl DatastoreFacts {
    /// Reads the storage with the account's key (directly, or through a SAS signed with it).
    pub fn uses_keys(&self) -> bool {
        ["AccountKey", "Sas"]
            .iter()
            .any(|kind| self.credentials_type.eq_ignore_ascii_case(kind))
    }
}

/// Which storage data the caller (or an identity) may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StorageAccess {
    /// Storage Blob Data Contributor (or broader).
    pub blob: bool,
    /// Storage File Data Privileged Contributor.
    pub file: bool,
}

/// Everything the storage checks look at.
#[derive(Debug, Clone)]
pub struct StorageFacts {
    /// The workspace's storage account (name), `None` when the workspace names none.
    pub account_name: Option<String>,
    /// `properties.allowSharedKeyAccess` (`None`: not set, which allows shared keys).
    pub allow_shared_key_access: Fact<Option<bool>>,
    pub datastores: Fact<Vec<DatastoreFacts>>,
    /// The signed-in user's data access on the storage account.
    pub mine: Fact<StorageAccess>,
    /// The workspace's system-assigned identity, `None` when it has none.
    pub workspace_identity: Option<String>,
    /// That identity's data access on the storage account.
    pub workspace: Fact<StorageAccess>,
}

/// A passed role check states what holds: where the storage is reached with keys, that no role
/// is needed, never that the roles are held.
const WORKSPACE_ROLES_NOT_NEEDED: &str =
    "The workspace's identity needs no storage data role on its storage";

/// Storage checks: the working directory, shared keys, and the storage roles.
pub fn storage_checks(facts: &StorageFacts) -> Vec<CheckResult> {
    let account = facts
        .account_name
        .clone()
        .unwrap_or_else(|| "the workspace's storage account".into());
    let mut checks = vec![working_directory_check(&facts.datastores)];
    checks.push(shared_key_check(facts, &account));
    let identity_based = identity_based_access(facts);
    checks.push(storage_role_check(
        CheckId::StorageRolesForYou,
        "You have Storage Blob Data Contributor and Storage File Data Privileged Contributor on the workspace's storage",
        "You need no storage data role on the workspace's storage",
        "you",
        &facts.mine,
        identity_based,
        &account,
        None,
    ));
    checks.push(match &facts.workspace_identity {
        Some(principal) => storage_role_check(
            CheckId::StorageRolesForWorkspace,
            "The workspace's identity has Storage Blob Data Contributor and Storage File Data Privileged Contributor on its storage",
            WORKSPACE_ROLES_NOT_NEEDED,
            "the workspace's identity",
            &facts.workspace,
            identity_based,
            &account,
            Some(principal),
        ),
        None => {
            let result = CheckResult::new(
                CheckId::StorageRolesForWorkspace,
                Severity::Blocker,
                CheckStatus::passed_if(identity_based != Some(true)),
                if identity_based == Some(false) {
                    WORKSPACE_ROLES_NOT_NEEDED
                } else {
                    "The workspace's identity has Storage Blob Data Contributor and Storage File Data Privileged Contributor on its storage"
                },
            )
            .evidence(evidence("Workspace identity", "none (no system-assigned identity)"));
            if identity_based == Some(true) {
                result.remedy("Identity-based storage access needs the workspace's managed identity: turn on its system-assigned identity, then grant it the two storage roles on the storage account.")
            } else {
                result
            }
        }
    });
    checks
}

/// Whether the runtime reaches the storage with identities rather than keys: shared keys are
/// off, or some datastore uses no credentials. `None` when neither could be read.
fn identity_based_access(facts: &StorageFacts) -> Option<bool> {
    let keys_off = match &facts.allow_shared_key_access {
        Ok(allowed) => Some(*allowed == Some(false)),
        Err(_) => None,
    };
    let identity_stores = match &facts.datastores {
        Ok(stores) => Some(
            stores
                .iter()
                .any(|store| store.credentials_type.eq_ignore_ascii_case("None")),
        ),
        Err(_) => None,
    };
    match (keys_off, identity_stores) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn working_directory_check(datastores: &Fact<Vec<DatastoreFacts>>) -> CheckResult {
    const TITLE: &str =
        "The workspace has its working directory datastore (workspaceworkingdirectory)";
    let stores = match datastores {
        Ok(stores) => stores,
        Err(why) => {
            return could_not_tell(
                CheckId::WorkingDirectoryDatastore,
                Severity::Blocker,
                TITLE,
                "the workspace's datastores",
                why,
            )
        }
    };
    let found = stores
        .iter()
        .find(|store| store.name.eq_ignore_ascii_case("workspaceworkingdirectory"));
    let result = CheckResult::new(
        CheckId::WorkingDirectoryDatastore,
        Severity::Blocker,
        CheckStatus::passed_if(found.is_some()),
        TITLE,
    );
    match found {
        Some(store) => result.evidence(evidence(
            "workspaceworkingdirectory",
            format!("{} datastore", store.datastore_type),
        )),
        None => result
            .evidence(evidence(
                "Datastores",
                stores
                    .iter()
                    .map(|store| store.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ))
            .remedy("A runtime keeps the flow's files in the workspace's file share, through the workspaceworkingdirectory datastore, and it is missing. Open the workspace's Notebooks page in Azure ML studio once (it creates the working directory), or register an Azure file share datastore named workspaceworkingdirectory on the workspace's storage account; then check again."),
    }
}

fn shared_key_check(facts: &StorageFacts, account: &str) -> CheckResult {
    const TITLE: &str = "The datastores can reach the storage: no datastore uses account keys while shared-key access is off";
    let allowed = match &facts.allow_shared_key_access {
        Ok(allowed) => *allowed,
        Err(why) => {
            return could_not_tell(
                CheckId::SharedKeyAccess,
                Severity::Blocker,
                TITLE,
                &format!("whether {account} allows shared keys"),
                why,
            )
        }
    };
    let stores = match &facts.datastores {
        Ok(stores) => stores,
        Err(why) => {
            return could_not_tell(
                CheckId::SharedKeyAccess,
                Severity::Blocker,
                TITLE,
                "which datastores use account keys",
                why,
            )
        }
    };
    let keyed: Vec<&str> = stores
        .iter()
        .filter(|store| store.uses_keys())
        .map(|store| store.name.as_str())
        .collect();
    let broken = allowed == Some(false) && !keyed.is_empty();
    let mut result = CheckResult::new(
        CheckId::SharedKeyAccess,
        Severity::Blocker,
        CheckStatus::passed_if(!broken),
        TITLE,
    )
    .evidence(evidence(
        &format!("{account}: allowSharedKeyAccess"),
        match allowed {
            Some(value) => value.to_string(),
            None => "not set (allowed)".into(),
        },
    ))
    .evidence(evidence(
        "Datastores using account keys",
        if keyed.is_empty() {
            "none".into()
        } else {
            keyed.join(", ")
        },
    ));
    if broken {
        result = result
            .remedy(format!(
                "Shared-key access is off on {account}, so these datastores fail with \"Key based authentication is not permitted on this storage account\". Either switch them to identity-based access (Azure ML studio → Data → Datastores → the datastore → Update authentication → no credentials, use the workspace's managed identity) and give the storage roles below, or let an Owner turn \"Allow storage account key access\" back on for {account} (Configuration)."
            ))
            .link(STORAGE_IDENTITY_GUIDE);
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn storage_role_check(
    id: CheckId,
    title: &str,
    not_needed_title: &str,
    who: &str,
    access: &Fact<StorageAccess>,
    identity_based: Option<bool>,
    account: &str,
    principal: Option<&str>,
) -> CheckResult {
    if identity_based == Some(false) {
        return CheckResult::new(id, Severity::Info, CheckStatus::Passed, not_needed_title)
            .evidence(evidence(
                "Not needed",
                "the datastores use account keys and shared-key access is on",
            ));
    }
    let access = match access {
        Ok(access) => *access,
        Err(why) => {
            return could_not_tell(
                id,
                Severity::Blocker,
                title,
                &format!("the storage roles of {who} on {account}"),
                why,
            )
        }
    };
    let missing: Vec<&str> = [
        (!access.blob).then_some("Storage Blob Data Contributor"),
        (!access.file).then_some("Storage File Data Privileged Contributor"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut result = CheckResult::new(
        id,
        Severity::Blocker,
        CheckStatus::passed_if(missing.is_empty()),
        title,
    );
    if let Some(principal) = principal {
        result = result.evidence(evidence("Identity (object id)", principal));
    }
    result = result.evidence(evidence(
        "Identity-based access",
        match identity_based {
            Some(true) => "in use",
            _ => "may be in use (shared-key access could not be read)",
        },
    ));
    if missing.is_empty() {
        return result.evidence(evidence(
            "Roles on storage",
            "Storage Blob Data Contributor, Storage File Data Privileged Contributor",
        ));
    }
    let whom = if principal.is_some() {
        "the workspace's managed identity"
    } else {
        "you"
    };
    result
        .evidence(evidence("Missing on storage", missing.join(", ")))
        .remedy(format!(
            "Without these, the runtime cannot read the flow (\"Unable to access the dag.yaml file … Please check the storage setting\"). An Owner (or User Access Administrator) of {account} assigns {} to {whom} on the storage account (Access control (IAM) → Add role assignment); it takes a few minutes to take effect.",
            missing.join(" and ")
        ))
        .link(STORAGE_IDENTITY_GUIDE)
}
