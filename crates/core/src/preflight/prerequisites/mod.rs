//! The checks the studio never makes: the workspace's storage (shared keys, the working
//! directory, the storage roles identity-based access needs), its managed network, VM quota, a
//! compute instance's idle shutdown, and a custom environment's image.
//!
//! Like the rest of the preflight these are pure: they take facts the operations layer fetched.
//! A fact that could not be read is an [`Unreadable`], and the check then says "could not tell"
//! with the permission that was missing; a blocker that could not tell stops creation.

use super::{evidence, CheckId, CheckResult, CheckStatus, Evidence, Severity};

mod idle_shutdown;
mod image;
mod network;
mod quota;
mod storage;

pub use idle_shutdown::idle_shutdown_check;
pub use image::{image_checks, split_image, ImageFacts};
pub use network::{network_checks, NetworkFacts, OutboundRuleFacts};
pub use quota::{instance_quota_check, vm_quota_check, FamilyUsage, QuotaFacts, SizeFacts};
pub use storage::{storage_checks, DatastoreFacts, StorageAccess, StorageFacts};

/// Where quota is requested.
pub const QUOTA_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";
/// Identity-based access to the workspace's storage: datastores without credentials and the
/// storage roles they need.
pub const STORAGE_IDENTITY_GUIDE: &str =
    "https://learn.microsoft.com/azure/machine-learning/how-to-administrate-data-authentication";
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

pub(crate) fn could_not_tell(
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
