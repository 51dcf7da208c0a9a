//! The checks the studio never makes: the workspace's storage (shared keys, the working
//! directory, the storage roles identity-based access needs), its managed network, VM quota, a
//! compute instance's idle shutdown, and a custom environment's image.
//!
//! Like the rest of the preflight these are pure: they take facts the operations layer fetched.
//! A fact that could not be read is an [`Unreadable`], and the check then says "could not tell"
//! with the permission that was missing; a blocker that could not tell stops creation.

use super::{evidence, CheckId, CheckResult, CheckStatus, Evidence, Severity};

/// Where quota is requested.
pub const QUOTA_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";
/// Identity-based access to the workspace's storage.
pub const STORAGE_IDENTITY_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication#scenario-azure-container-registry-without-admin-user";
/// Managed virtual network: provisioning and outbound rules.
pub const MANAGED_NETWORK_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-managed-network";
/// Custom environments for prompt flow runtimes.
pub const CUSTOM_ENVIRONMENT_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/prompt-flow/how-to-customize-environment-runtime";

/// Role definition GUIDs the storage and registry checks count.
pub mod roles {
    pub const STORAGE_BLOB_DATA_CONTRIBUTOR: &str = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    pub const STORAGE_BLOB_DATA_OWNER: &str = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    pub const STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR: &str =
        "69566ab7-960f-475b-8e7c-b3118f30c6bd";
    pub const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
    pub const ACR_PUSH: &str = "8311e382-0749-4cb8-b61a-304f252e45ec";
    pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
}

/// The data actions that Storage Blob Data Contributor grants and a runtime uses.
pub const BLOB_DATA_ACTIONS: &[&str] = &[
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
];
/// The data actions that only Storage File Data Privileged Contributor (among built-in roles)
/// grants together: writing the flow files and reading them past their ACLs.
pub const FILE_DATA_ACTIONS: &[&str] = &[
    "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/write",
    "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/readFileBackupSemantics/action",
];

/// A fact the caller could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// What went wrong, as the service or the network said it.
    pub reason: String,
    /// The permission whose absence was the reason (a 403), with the resource it is needed on.
    pub missing_permission: Option<String>,
}

impl Unreadable {
    fn evidence(&self, what: &str) -> Vec<Evidence> {
        let mut items = Vec::new();
        match &self.missing_permission {
            Some(permission) => {
                items.push(evidence(
                    &format!("Could not tell: {what}"),
                    format!("you lack {permission}"),
                ));
            }
            None => items.push(evidence(
                &format!("Could not tell: {what}"),
                self.reason.clone(),
            )),
        }
        items
    }

    fn remedy(&self) -> String {
        match &self.missing_permission {
            Some(permission) => format!(
                "Ask an Owner to give you a role with {permission} (Reader is enough), or to check this for you; then check again."
            ),
            None => "Check again; if it keeps failing, check your sign-in and network.".into(),
        }
    }
}

/// A fact, or why it could not be read.
pub type Fact<T> = Result<T, Unreadable>;

fn could_not_tell(
    id: CheckId,
    severity: Severity,
    title: &str,
    what: &str,
    why: &Unreadable,
) -> CheckResult {
    let mut result = CheckResult::new(id, severity, CheckStatus::Unknown, title);
    result.evidence = why.evidence(what);
    result.remedy(why.remedy())
}

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
                if identity_based == Some(true) {
                    CheckStatus::Failed
                } else {
                    CheckStatus::Passed
                },
                "The workspace's identity has Storage Blob Data Contributor and Storage File Data Privileged Contributor on its storage",
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
        if found.is_some() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
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
        if broken {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        },
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

fn storage_role_check(
    id: CheckId,
    title: &str,
    who: &str,
    access: &Fact<StorageAccess>,
    identity_based: Option<bool>,
    account: &str,
    principal: Option<&str>,
) -> CheckResult {
    if identity_based == Some(false) {
        return CheckResult::new(id, Severity::Info, CheckStatus::Passed, title).evidence(
            evidence(
                "Not needed",
                "the datastores use account keys and shared-key access is on",
            ),
        );
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
        if missing.is_empty() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
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

/// The managed network as the workspace reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkFacts {
    /// `Disabled`, `AllowInternetOutbound`, `AllowOnlyApprovedOutbound`.
    pub isolation_mode: String,
    /// `Active`, `Inactive`, or `None` when the workspace does not say.
    pub status: Option<String>,
    pub outbound_rules: Vec<OutboundRuleFacts>,
    /// Private endpoint connections to the workspace, by name, with their approval status.
    pub private_endpoints: Vec<(String, String)>,
    pub public_network_disabled: bool,
    /// The workspace's storage account and registry ARM ids (the runtime must reach both).
    pub storage_account: Option<String>,
    pub container_registry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutboundRuleFacts {
    pub name: String,
    /// `FQDN`, `PrivateEndpoint`, `ServiceTag`.
    pub rule_type: String,
    /// `Required`, `Recommended`, `UserDefined`, `Dependency`.
    pub category: String,
    /// `Active`, `Inactive`.
    pub status: String,
    /// For a private endpoint rule: the resource it reaches and the sub-resource (`blob`, ...).
    pub service_resource_id: Option<String>,
    pub subresource_target: Option<String>,
}

impl NetworkFacts {
    fn managed(&self) -> bool {
        !self.isolation_mode.is_empty() && !self.isolation_mode.eq_ignore_ascii_case("Disabled")
    }
}

/// Managed network checks: provisioned, private endpoints approved, the outbound rules a
/// runtime needs.
pub fn network_checks(facts: &NetworkFacts) -> Vec<CheckResult> {
    vec![
        provisioned_check(facts),
        private_endpoint_check(facts),
        outbound_rules_check(facts),
    ]
}

/// A managed-network check on a workspace that uses no managed network: nothing to check.
fn without_managed_network(id: CheckId, title: &str) -> CheckResult {
    CheckResult::new(id, Severity::Info, CheckStatus::Passed, title).evidence(evidence(
        "Managed network",
        "not used (isolation mode Disabled)",
    ))
}

fn provisioned_check(facts: &NetworkFacts) -> CheckResult {
    const TITLE: &str = "The workspace's managed network is provisioned";
    if !facts.managed() {
        return without_managed_network(CheckId::ManagedNetworkProvisioned, TITLE);
    }
    let active = facts
        .status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("Active"));
    let result = CheckResult::new(
        CheckId::ManagedNetworkProvisioned,
        Severity::Blocker,
        if active {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        TITLE,
    )
    .evidence(evidence("Isolation mode", facts.isolation_mode.clone()))
    .evidence(evidence(
        "Status",
        facts
            .status
            .clone()
            .unwrap_or_else(|| "not provisioned".into()),
    ));
    if active {
        result
    } else {
        result
            .remedy("The managed network is set up but not provisioned, so a compute instance cannot reach the workspace's storage and registry. Provision it (Azure CLI: az ml workspace provision-network -g <resource group> -n <workspace>; it takes several minutes), then create the instance and the runtime.")
            .link(MANAGED_NETWORK_GUIDE)
    }
}

fn private_endpoint_check(facts: &NetworkFacts) -> CheckResult {
    const TITLE: &str = "No private endpoint of the workspace waits for approval";
    let pending: Vec<&str> = facts
        .private_endpoints
        .iter()
        .filter(|(_, status)| status.eq_ignore_ascii_case("Pending"))
        .map(|(name, _)| name.as_str())
        .collect();
    // With public access off, the private endpoints are the only way in: a pending one blocks.
    let severity = if facts.public_network_disabled {
        Severity::Blocker
    } else {
        Severity::Warning
    };
    let result = CheckResult::new(
        CheckId::PrivateEndpointsApproved,
        if pending.is_empty() {
            Severity::Info
        } else {
            severity
        },
        if pending.is_empty() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        TITLE,
    )
    .evidence(evidence(
        "Private endpoint connections",
        if facts.private_endpoints.is_empty() {
            "none".into()
        } else {
            facts
                .private_endpoints
                .iter()
                .map(|(name, status)| format!("{name} ({status})"))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    if pending.is_empty() {
        result
    } else {
        result
            .remedy(format!(
                "{} waits for approval: until it is approved, nothing reaches the workspace through it. An Owner of the workspace approves it in the Azure portal (the workspace → Networking → Private endpoint connections → Approve).",
                pending.join(", ")
            ))
            .link(super::NETWORK_ISOLATION_GUIDE)
    }
}

fn outbound_rules_check(facts: &NetworkFacts) -> CheckResult {
    const TITLE: &str =
        "The managed network lets the runtime reach the workspace's storage and registry";
    if !facts.managed() {
        return without_managed_network(CheckId::OutboundRulesForRuntime, TITLE);
    }
    let mut problems = Vec::new();
    // Rules the service requires must be active once the network is provisioned.
    let provisioned = facts
        .status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("Active"));
    if provisioned {
        for rule in &facts.outbound_rules {
            if !rule.status.eq_ignore_ascii_case("Active")
                && (rule.category.eq_ignore_ascii_case("Required")
                    || rule.rule_type.eq_ignore_ascii_case("PrivateEndpoint"))
            {
                problems.push(format!("{} is {}", rule.name, rule.status));
            }
        }
    }
    // With only approved outbound, the runtime reaches its storage (blob for the run's data,
    // file for the flow) and its registry (the image) only through private endpoint rules.
    if facts
        .isolation_mode
        .eq_ignore_ascii_case("AllowOnlyApprovedOutbound")
    {
        let mut needed: Vec<(String, &str)> = Vec::new();
        if let Some(storage) = &facts.storage_account {
            needed.push((storage.clone(), "blob"));
            needed.push((storage.clone(), "file"));
        }
        if let Some(registry) = &facts.container_registry {
            needed.push((registry.clone(), "registry"));
        }
        for (resource, target) in needed {
            let covered = facts.outbound_rules.iter().any(|rule| {
                rule.rule_type.eq_ignore_ascii_case("PrivateEndpoint")
                    && rule
                        .service_resource_id
                        .as_deref()
                        .is_some_and(|id| id.eq_ignore_ascii_case(&resource))
                    && rule
                        .subresource_target
                        .as_deref()
                        .is_some_and(|sub| sub.eq_ignore_ascii_case(target))
            });
            if !covered {
                problems.push(format!(
                    "no private endpoint rule to {} ({target})",
                    super::super::azure::prerequisites::last_segment(&resource)
                ));
            }
        }
    }
    let result = CheckResult::new(
        CheckId::OutboundRulesForRuntime,
        Severity::Blocker,
        if problems.is_empty() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        TITLE,
    )
    .evidence(evidence("Isolation mode", facts.isolation_mode.clone()))
    .evidence(evidence(
        "Outbound rules",
        facts.outbound_rules.len().to_string(),
    ));
    if problems.is_empty() {
        result
    } else {
        result
            .evidence(evidence("Missing or inactive", problems.join("; ")))
            .remedy("Add the missing outbound rules as private endpoint rules (Azure CLI: az ml workspace outbound-rule set --type private_endpoint --service-resource-id <id> --subresource-target <blob|file|registry> -g <resource group> --workspace-name <workspace> --rule <name>), approve any that wait for approval, and provision the network again.")
            .link(MANAGED_NETWORK_GUIDE)
    }
}

/// One VM family's cores in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyUsage {
    /// As the usages API names it (`Standard DSv2 Family Cluster Dedicated vCPUs`).
    pub name: String,
    pub current: i64,
    pub limit: i64,
}

impl FamilyUsage {
    pub fn left(&self) -> i64 {
        (self.limit - self.current).max(0)
    }
}

/// A VM size a compute instance can have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeFacts {
    pub name: String,
    /// `standardDSv2Family`, ...
    pub family: String,
    pub v_cpus: i64,
}

/// Quota facts for one region.
#[derive(Debug, Clone)]
pub struct QuotaFacts {
    pub location: String,
    /// The sizes a compute instance may have in the region.
    pub sizes: Fact<Vec<SizeFacts>>,
    pub families: Fact<Vec<FamilyUsage>>,
    /// The regional total of dedicated cores, when the service reports one.
    pub regional: Option<FamilyUsage>,
}

/// Folds a name to compare `standardDSv2Family` with `Standard DSv2 Family ... vCPUs`.
fn folded(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl QuotaFacts {
    /// The usage of a size's family.
    pub fn family_of(&self, size: &SizeFacts) -> Option<&FamilyUsage> {
        let family = folded(&size.family);
        self.families
            .as_ref()
            .ok()?
            .iter()
            .find(|usage| folded(&usage.name).starts_with(&family))
    }

    /// Cores left for `size`: its family's and the region's, whichever is fewer.
    pub fn cores_left_for(&self, size: &SizeFacts) -> Option<i64> {
        let family = self.family_of(size)?.left();
        Some(match &self.regional {
            Some(regional) => family.min(regional.left()),
            None => family,
        })
    }

    fn size(&self, name: &str) -> Option<&SizeFacts> {
        self.sizes
            .as_ref()
            .ok()?
            .iter()
            .find(|size| size.name.eq_ignore_ascii_case(name))
    }
}

/// The sizes a user might choose for a new compute instance: does any fit the quota left?
///
/// A warning, never a blocker: a runtime on an instance that runs needs no new cores. What a
/// runtime needs is that its own (stopped) instance can start: [`instance_quota_check`].
pub fn vm_quota_check(quota: &QuotaFacts) -> CheckResult {
    let title = format!(
        "Your VM quota in {} leaves room for a compute instance",
        quota.location
    );
    let sizes = match &quota.sizes {
        Ok(sizes) => sizes,
        Err(why) => {
            return could_not_tell(
                CheckId::VmQuota,
                Severity::Warning,
                &title,
                &format!("the VM sizes in {}", quota.location),
                why,
            )
        }
    };
    if let Err(why) = &quota.families {
        return could_not_tell(
            CheckId::VmQuota,
            Severity::Warning,
            &title,
            &format!("your quota usage in {}", quota.location),
            why,
        );
    }
    let fitting: Vec<&SizeFacts> = sizes
        .iter()
        .filter(|size| {
            quota
                .cores_left_for(size)
                .is_some_and(|left| left >= size.v_cpus)
        })
        .collect();
    let mut full: Vec<String> = sizes
        .iter()
        .filter_map(|size| quota.family_of(size))
        .filter(|usage| usage.left() == 0)
        .map(|usage| format!("{} ({}/{})", usage.name, usage.current, usage.limit))
        .collect();
    full.sort();
    full.dedup();
    let mut result = CheckResult::new(
        CheckId::VmQuota,
        if fitting.is_empty() || !full.is_empty() {
            Severity::Warning
        } else {
            Severity::Info
        },
        if fitting.is_empty() || !full.is_empty() {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        },
        &title,
    )
    .evidence(evidence(
        "Sizes that fit",
        if fitting.is_empty() {
            format!("none of {}", sizes.len())
        } else {
            format!(
                "{} of {} (for example {})",
                fitting.len(),
                sizes.len(),
                fitting
                    .iter()
                    .take(3)
                    .map(|size| size.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    ));
    if let Some(regional) = &quota.regional {
        result = result.evidence(evidence(
            "Regional dedicated vCPUs",
            format!("{} of {} used", regional.current, regional.limit),
        ));
    }
    if !full.is_empty() {
        result = result.evidence(evidence("Families at their limit", full.join(", ")));
    }
    if fitting.is_empty() {
        result
            .remedy(format!(
                "No compute instance size fits the cores left in {}: creating or starting one fails with \"Not enough quota available\". Stop or delete instances you do not use, or request more quota (Azure ML studio → Quota, or the Azure portal's Quotas page).",
                quota.location
            ))
            .link(QUOTA_GUIDE)
    } else if !full.is_empty() {
        result
            .remedy("Sizes in the families at their limit cannot be chosen: pick a size that fits, or request more quota for that family.")
            .link(QUOTA_GUIDE)
    } else {
        result
    }
}

/// Whether a stopped instance can start within the quota left (a running one already holds its
/// cores).
pub fn instance_quota_check(
    instance: &str,
    vm_size: Option<&str>,
    running: bool,
    quota: &QuotaFacts,
) -> CheckResult {
    let title = "There is VM quota to start the compute instance";
    let Some(vm_size) = vm_size else {
        return CheckResult::new(
            CheckId::InstanceQuota,
            Severity::Info,
            CheckStatus::Passed,
            title,
        )
        .evidence(evidence("VM size", "not given"));
    };
    if running {
        return CheckResult::new(
            CheckId::InstanceQuota,
            Severity::Info,
            CheckStatus::Passed,
            title,
        )
        .evidence(evidence("VM size", vm_size))
        .evidence(evidence("Cores", "already held: the instance is running"));
    }
    if let Err(why) = &quota.sizes {
        return could_not_tell(
            CheckId::InstanceQuota,
            Severity::Blocker,
            title,
            &format!("the size of {vm_size}"),
            why,
        );
    }
    if let Err(why) = &quota.families {
        return could_not_tell(
            CheckId::InstanceQuota,
            Severity::Blocker,
            title,
            &format!("your quota usage in {}", quota.location),
            why,
        );
    }
    let Some(size) = quota.size(vm_size) else {
        return CheckResult::new(
            CheckId::InstanceQuota,
            Severity::Warning,
            CheckStatus::Unknown,
            title,
        )
        .evidence(evidence("VM size", vm_size))
        .evidence(evidence(
            "Could not tell",
            format!(
                "{vm_size} is not among the sizes offered in {}",
                quota.location
            ),
        ))
        .remedy("Choose an instance of a size offered in the workspace's region.");
    };
    let left = quota.cores_left_for(size);
    let fits = left.is_some_and(|left| left >= size.v_cpus);
    let family = quota
        .family_of(size)
        .map(|usage| format!("{} ({}/{} used)", usage.name, usage.current, usage.limit))
        .unwrap_or_else(|| size.family.clone());
    let result = CheckResult::new(
        CheckId::InstanceQuota,
        Severity::Blocker,
        if fits {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        title,
    )
    .evidence(evidence(
        "VM size",
        format!("{vm_size} ({} vCPUs)", size.v_cpus),
    ))
    .evidence(evidence("Family", family))
    .evidence(evidence(
        "vCPUs left",
        left.map(|left| left.to_string())
            .unwrap_or_else(|| "unknown family".into()),
    ));
    if fits {
        return result;
    }
    let others: Vec<&str> = quota
        .sizes
        .as_ref()
        .map(|sizes| {
            sizes
                .iter()
                .filter(|other| {
                    quota
                        .cores_left_for(other)
                        .is_some_and(|left| left >= other.v_cpus)
                })
                .take(3)
                .map(|other| other.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    result
        .remedy(format!(
            "Starting {instance} needs {} vCPUs of its family and there are not enough left: it fails with \"Not enough quota available\". {}Or request more quota for the family.",
            size.v_cpus,
            if others.is_empty() {
                "Stop instances you do not use. ".to_string()
            } else {
                format!("Use an instance of another size ({} fit). ", others.join(", "))
            }
        ))
        .link(QUOTA_GUIDE)
}

/// Whether the instance stops itself when idle (`idleTimeBeforeShutdown`, ISO 8601).
pub fn idle_shutdown_check(instance: &str, idle_time_before_shutdown: Option<&str>) -> CheckResult {
    let title = "The compute instance shuts down when idle";
    let set = idle_time_before_shutdown.filter(|value| !value.trim().is_empty());
    let result = CheckResult::new(
        CheckId::IdleShutdown,
        if set.is_some() {
            Severity::Info
        } else {
            Severity::Warning
        },
        if set.is_some() {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        title,
    )
    .evidence(evidence(
        "Idle shutdown",
        match set {
            Some(value) => format!("after {}", readable_duration(value)),
            None => "not set".into(),
        },
    ));
    if set.is_some() {
        result
    } else {
        result.remedy(format!(
            "{instance} runs, and costs, until someone stops it. Set idle shutdown in Azure ML studio (Compute → {instance} → Schedule and idle shutdown), for example after 60 minutes."
        ))
    }
}

/// `PT90M` → `90 minutes`; anything else as given.
fn readable_duration(value: &str) -> String {
    let upper = value.trim().to_ascii_uppercase();
    let Some(rest) = upper.strip_prefix("PT") else {
        return value.to_string();
    };
    let mut minutes = 0u64;
    let mut number = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().unwrap_or(0);
        number.clear();
        match c {
            'H' => minutes += n * 60,
            'M' => minutes += n,
            'S' => minutes += n / 60,
            _ => return value.to_string(),
        }
    }
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

/// A custom environment's image and who pulls it.
#[derive(Debug, Clone)]
pub struct ImageFacts {
    /// `name:version` of the environment.
    pub environment: String,
    /// `properties.image`; `None` for an environment built from a Docker context.
    pub image: Option<String>,
    /// The cloud's registry host suffix (`.azurecr.io`).
    pub acr_suffix: String,
    /// The registry whose login server is the image's host: `Ok(None)` when none is visible.
    pub registry: Fact<Option<String>>,
    /// Who pulls the image: the workspace's identity (object id).
    pub puller: Option<String>,
    /// Roles (GUIDs) that apply to the puller at the registry.
    pub puller_roles: Fact<Vec<String>>,
}

/// The host, repository and tag (or digest) of an image reference.
pub fn split_image(reference: &str) -> (Option<&str>, &str, Option<&str>) {
    let (host, rest) = match reference.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, reference),
    };
    if let Some((repository, digest)) = rest.split_once('@') {
        return (host, repository, Some(digest));
    }
    match rest.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (host, repository, Some(tag)),
        _ => (host, rest, None),
    }
}

/// A custom environment's image: in Azure Container Registry, tagged, pullable by the workspace.
pub fn image_checks(facts: &ImageFacts) -> Vec<CheckResult> {
    const IN_ACR: &str =
        "The custom environment's image is in Azure Container Registry, with a tag";
    const PULLABLE: &str = "The workspace's identity may pull the image (AcrPull)";
    let Some(image) = &facts.image else {
        return vec![CheckResult::new(
            CheckId::ImageInAcr,
            Severity::Info,
            CheckStatus::Passed,
            IN_ACR,
        )
        .evidence(evidence("Environment", facts.environment.clone()))
        .evidence(evidence(
            "Image",
            "built by Azure ML from a Docker context into the workspace's registry",
        ))];
    };
    let (host, repository, tag) = split_image(image);
    let in_acr = host.is_some_and(|host| {
        host.to_ascii_lowercase()
            .ends_with(&facts.acr_suffix.to_ascii_lowercase())
    });
    let mut checks = Vec::new();
    let ok = in_acr && tag.is_some();
    let mut acr = CheckResult::new(
        CheckId::ImageInAcr,
        Severity::Blocker,
        if ok {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        IN_ACR,
    )
    .evidence(evidence("Environment", facts.environment.clone()))
    .evidence(evidence("Image", image.clone()));
    if !ok {
        let registry = host.unwrap_or("docker.io");
        acr = acr
            .remedy(format!(
                "The runtime only takes images from Azure Container Registry, named with a tag (\"is not a valid name for an ACR image with tag specified\"). {}Register the environment again with the image's full ACR name and tag (for example <registry>{}/{}:<tag>).",
                if in_acr {
                    "The image has no tag: ".to_string()
                } else {
                    format!("Import the image from {registry} into your registry (az acr import), then ")
                },
                facts.acr_suffix,
                repository
            ))
            .link(CUSTOM_ENVIRONMENT_GUIDE);
    }
    checks.push(acr);
    if !in_acr {
        return checks;
    }
    let host = host.unwrap_or_default();
    let registry = match &facts.registry {
        Ok(Some(registry)) => registry.clone(),
        Ok(None) => {
            checks.push(
                CheckResult::new(CheckId::ImagePullable, Severity::Blocker, CheckStatus::Unknown, PULLABLE)
                    .evidence(evidence("Could not tell: the registry", format!("no registry with login server {host} is visible to you in the subscription")))
                    .remedy(format!("Make sure the workspace's identity has AcrPull on the registry {host}; ask its Owner to check, or to give you Reader on it so pfrm can.")),
            );
            return checks;
        }
        Err(why) => {
            checks.push(could_not_tell(
                CheckId::ImagePullable,
                Severity::Blocker,
                PULLABLE,
                &format!("the registry {host}"),
                why,
            ));
            return checks;
        }
    };
    let Some(puller) = &facts.puller else {
        checks.push(
            CheckResult::new(CheckId::ImagePullable, Severity::Blocker, CheckStatus::Failed, PULLABLE)
                .evidence(evidence("Workspace identity", "none"))
                .remedy("Turn on the workspace's system-assigned identity and give it AcrPull on the registry."),
        );
        return checks;
    };
    let roles = match &facts.puller_roles {
        Ok(roles) => roles,
        Err(why) => {
            checks.push(could_not_tell(
                CheckId::ImagePullable,
                Severity::Blocker,
                PULLABLE,
                &format!(
                    "the roles on {}",
                    super::super::azure::prerequisites::last_segment(&registry)
                ),
                why,
            ));
            return checks;
        }
    };
    let pulls = roles.iter().any(|role| {
        [
            roles::ACR_PULL,
            roles::ACR_PUSH,
            roles::CONTRIBUTOR,
            roles::OWNER,
        ]
        .iter()
        .any(|known| role.eq_ignore_ascii_case(known))
    });
    let name = super::super::azure::prerequisites::last_segment(&registry).to_string();
    let result = CheckResult::new(
        CheckId::ImagePullable,
        Severity::Blocker,
        if pulls {
            CheckStatus::Passed
        } else {
            CheckStatus::Failed
        },
        PULLABLE,
    )
    .evidence(evidence("Registry", name.clone()))
    .evidence(evidence("Identity (object id)", puller.clone()));
    checks.push(if pulls {
        result
    } else {
        result
            .evidence(evidence("Roles on the registry", "none that allows pulling"))
            .remedy(format!(
                "The runtime's image is pulled with the workspace's identity, which has no AcrPull on {name}: the runtime never starts. An Owner of {name} assigns AcrPull to the workspace's managed identity (Access control (IAM) → Add role assignment)."
            ))
            .link(CUSTOM_ENVIRONMENT_GUIDE)
    });
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_into_host_repository_and_tag() {
        assert_eq!(
            split_image("crcontoso.azurecr.io/flows/rt:20240429.v8"),
            (
                Some("crcontoso.azurecr.io"),
                "flows/rt",
                Some("20240429.v8")
            )
        );
        assert_eq!(
            split_image("crcontoso.azurecr.io/flows/rt"),
            (Some("crcontoso.azurecr.io"), "flows/rt", None)
        );
        assert_eq!(
            split_image("localhost:5000/rt@sha256:abc"),
            (Some("localhost:5000"), "rt", Some("sha256:abc"))
        );
        assert_eq!(
            split_image("contoso/rt:v1"),
            (None, "contoso/rt", Some("v1"))
        );
    }

    #[test]
    fn idle_times_read_as_minutes() {
        assert_eq!(readable_duration("PT60M"), "60 minutes");
        assert_eq!(readable_duration("PT1H30M"), "90 minutes");
        assert_eq!(readable_duration("P1D"), "P1D");
    }

    #[test]
    fn a_size_counts_against_its_family_and_the_region() {
        let size = SizeFacts {
            name: "Standard_DS3_v2".into(),
            family: "standardDSv2Family".into(),
            v_cpus: 4,
        };
        let quota = QuotaFacts {
            location: "eastus".into(),
            sizes: Ok(vec![size.clone()]),
            families: Ok(vec![FamilyUsage {
                name: "Standard DSv2 Family Cluster Dedicated vCPUs".into(),
                current: 2,
                limit: 24,
            }]),
            regional: Some(FamilyUsage {
                name: "Total Cluster Dedicated Regional vCPUs".into(),
                current: 21,
                limit: 24,
            }),
        };
        // 22 left in the family, but only 3 in the region: a 4-core size does not fit.
        assert_eq!(quota.cores_left_for(&size), Some(3));
        let check = instance_quota_check("ci", Some("STANDARD_DS3_V2"), false, &quota);
        assert_eq!(check.status, CheckStatus::Failed);
        assert!(check.blocks());
        let running = instance_quota_check("ci", Some("STANDARD_DS3_V2"), true, &quota);
        assert_eq!(running.status, CheckStatus::Passed);
    }

    #[test]
    fn a_pending_private_endpoint_blocks_only_when_it_is_the_only_way_in() {
        let mut facts = NetworkFacts {
            isolation_mode: "Disabled".into(),
            private_endpoints: vec![("pe-1".into(), "Pending".into())],
            ..NetworkFacts::default()
        };
        let open = private_endpoint_check(&facts);
        assert_eq!(
            (open.status, open.severity),
            (CheckStatus::Failed, Severity::Warning)
        );
        facts.public_network_disabled = true;
        assert!(private_endpoint_check(&facts).blocks());
    }
}
