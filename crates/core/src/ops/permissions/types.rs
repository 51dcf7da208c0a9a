//! What crosses to the UI and the CLI: abilities, principals, assignments, endpoints, grant and
//! revoke requests and outcomes, and the timing of both.

use super::*;

/// Whether the signed-in user may grant roles on a workspace, and what to do if not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrantAbility {
    pub workspace_id: String,
    pub workspace_name: String,
    /// The caller has `Microsoft.Authorization/roleAssignments/write` on the workspace.
    pub allowed: bool,
    /// Who can grant the role, in a sentence.
    pub who_can_grant: String,
    /// People who hold Owner or User Access Administrator on the workspace or above, when the
    /// caller can read them (best effort; may be empty).
    pub administrators: Vec<PrincipalSummary>,
    /// A ready-to-send request naming the user, the role and the workspace scope ("Copy request").
    pub request_text: String,
}

/// What a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum PrincipalKind {
    User,
    Group,
    ServicePrincipal,
    /// Azure did not say (or pfrm does not know the kind).
    Unknown,
}

impl PrincipalKind {
    pub(super) fn from_azure(text: Option<&str>) -> PrincipalKind {
        match text {
            Some(t) if t.eq_ignore_ascii_case("User") => PrincipalKind::User,
            Some(t) if t.eq_ignore_ascii_case("Group") => PrincipalKind::Group,
            Some(t) if t.eq_ignore_ascii_case("ServicePrincipal") => {
                PrincipalKind::ServicePrincipal
            }
            _ => PrincipalKind::Unknown,
        }
    }
}

/// A person or identity that can hold a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalSummary {
    /// Object id (`principalId` of role assignments).
    pub object_id: String,
    pub kind: PrincipalKind,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
    /// For an endpoint's managed identity: the endpoint's name.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
}

impl PrincipalSummary {
    /// The name people know this principal by (what revoking asks to type).
    pub fn label(&self) -> String {
        if let Some(endpoint) = &self.endpoint_name {
            return endpoint.clone();
        }
        self.display_name
            .clone()
            .or_else(|| self.user_principal_name.clone())
            .unwrap_or_else(|| self.object_id.clone())
    }

    pub(super) fn from_user(user: GraphUser) -> PrincipalSummary {
        PrincipalSummary {
            object_id: user.id,
            kind: PrincipalKind::User,
            display_name: user.display_name,
            user_principal_name: user.user_principal_name,
            mail: user.mail,
            endpoint_name: None,
        }
    }
}

/// A role assignment that applies to the workspace, as the permissions screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceRoleAssignment {
    pub assignment: RoleAssignment,
    /// Role display name (built-ins resolved; custom roles read from Azure when possible).
    pub role_name: String,
    pub principal: PrincipalSummary,
    /// Made on the resource group or subscription, not on the workspace itself: it cannot be
    /// removed here.
    pub inherited: bool,
    /// Shown with a "Remove" button (made on the workspace itself).
    pub removable: bool,
    /// Where it was made: on the workspace (or above it), or on the workspace's storage account
    /// or container registry, where the storage and registry roles are granted.
    pub at: RoleScope,
    /// Where it was made, with the name the screens show ("Resource group rg-ml").
    pub place: AssignmentPlace,
    /// Which of the roles this app grants it is, if one: the hosts ask "does Bob already have
    /// AzureML Data Scientist?" of this, not of the role definition's id.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<GrantableRole>,
}

/// Where a role assignment was made, named: the hosts phrase it from their catalogs without
/// taking its scope apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum AssignmentPlace {
    /// On the workspace itself.
    Workspace,
    /// On the workspace's resource group (inherited).
    #[serde(rename_all = "camelCase")]
    ResourceGroup { resource_group: String },
    /// On the workspace's subscription (inherited).
    #[serde(rename_all = "camelCase")]
    Subscription { subscription_id: String },
    /// On the workspace's storage account.
    #[serde(rename_all = "camelCase")]
    StorageAccount { account_name: String },
    /// On the workspace's container registry.
    #[serde(rename_all = "camelCase")]
    ContainerRegistry { registry_name: String },
    /// Higher up (a management group, the tenant root): the scope as Azure gives it.
    Above { scope: String },
}

impl AssignmentPlace {
    /// Names where an assignment found `at` the workspace (`inherited` when made above it) or
    /// on one of its resources was made, from its `scope`.
    pub fn of(at: RoleScope, inherited: bool, scope: Option<&str>) -> Self {
        let scope = scope.unwrap_or_default();
        let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
        let last = || parts.last().copied().unwrap_or_default().to_owned();
        match (at, parts.as_slice()) {
            (RoleScope::Storage, _) => AssignmentPlace::StorageAccount {
                account_name: last(),
            },
            (RoleScope::Registry, _) => AssignmentPlace::ContainerRegistry {
                registry_name: last(),
            },
            (RoleScope::Workspace, _) if !inherited => AssignmentPlace::Workspace,
            (RoleScope::Workspace, [subscriptions, id])
                if subscriptions.eq_ignore_ascii_case("subscriptions") =>
            {
                AssignmentPlace::Subscription {
                    subscription_id: (*id).to_owned(),
                }
            }
            (RoleScope::Workspace, [subscriptions, _, groups, group])
                if subscriptions.eq_ignore_ascii_case("subscriptions")
                    && groups.eq_ignore_ascii_case("resourceGroups") =>
            {
                AssignmentPlace::ResourceGroup {
                    resource_group: (*group).to_owned(),
                }
            }
            (RoleScope::Workspace, _) => AssignmentPlace::Above {
                scope: scope.to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    const WS: &str = "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws";

    #[test]
    fn names_where_an_assignment_was_made() {
        let place = |at, inherited, scope: &str| AssignmentPlace::of(at, inherited, Some(scope));
        assert_eq!(
            place(RoleScope::Workspace, false, WS),
            AssignmentPlace::Workspace
        );
        assert_eq!(
            place(
                RoleScope::Workspace,
                true,
                "/subscriptions/s/resourceGroups/rg-ml"
            ),
            AssignmentPlace::ResourceGroup {
                resource_group: "rg-ml".into()
            }
        );
        assert_eq!(
            place(RoleScope::Workspace, true, "/subscriptions/s"),
            AssignmentPlace::Subscription {
                subscription_id: "s".into()
            }
        );
        let group = "/providers/Microsoft.Management/managementGroups/mg";
        assert_eq!(
            place(RoleScope::Workspace, true, group),
            AssignmentPlace::Above {
                scope: group.into()
            }
        );
        assert_eq!(
            place(
                RoleScope::Storage,
                false,
                "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml"
            ),
            AssignmentPlace::StorageAccount {
                account_name: "stml".into()
            }
        );
        assert_eq!(
            place(
                RoleScope::Registry,
                false,
                "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.ContainerRegistry/registries/crml/"
            ),
            AssignmentPlace::ContainerRegistry {
                registry_name: "crml".into()
            }
        );
        assert_eq!(
            AssignmentPlace::of(RoleScope::Workspace, true, None),
            AssignmentPlace::Above {
                scope: String::new()
            }
        );
    }

    #[test]
    fn serialises_with_its_kind() {
        let json = serde_json::to_value(AssignmentPlace::ResourceGroup {
            resource_group: "rg".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "resourceGroup", "resourceGroup": "rg"})
        );
    }
}

/// An online endpoint of the workspace and the identity a role can be granted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointIdentity {
    pub endpoint_name: String,
    /// `SystemAssigned`, `UserAssigned`, `SystemAssigned,UserAssigned`, `None`.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<String>,
    /// The system-assigned identity's object id; none when the endpoint has none.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Why a role cannot be granted to this endpoint (no system-assigned identity).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// A role the permissions screen grants, and where: AzureML Data Scientist on the workspace, the
/// storage roles on the workspace's storage account, AcrPull on its container registry (the roles
/// the failure diagnoses name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum GrantableRole {
    #[default]
    DataScientist,
    StorageBlobDataContributor,
    StorageFileDataPrivilegedContributor,
    AcrPull,
}

impl GrantableRole {
    pub const ALL: [GrantableRole; 4] = [
        GrantableRole::DataScientist,
        GrantableRole::StorageBlobDataContributor,
        GrantableRole::StorageFileDataPrivilegedContributor,
        GrantableRole::AcrPull,
    ];

    /// The built-in role's definition GUID (the same in every subscription).
    pub fn guid(self) -> &'static str {
        match self {
            GrantableRole::DataScientist => builtin_roles::AZUREML_DATA_SCIENTIST,
            GrantableRole::StorageBlobDataContributor => {
                builtin_roles::STORAGE_BLOB_DATA_CONTRIBUTOR
            }
            GrantableRole::StorageFileDataPrivilegedContributor => {
                builtin_roles::STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR
            }
            GrantableRole::AcrPull => builtin_roles::ACR_PULL,
        }
    }

    /// The grantable role whose built-in definition has this GUID (any case).
    pub fn of_guid(guid: &str) -> Option<GrantableRole> {
        GrantableRole::ALL
            .into_iter()
            .find(|role| role.guid().eq_ignore_ascii_case(guid))
    }

    /// The role's display name, as Azure and the diagnoses spell it.
    pub fn name(self) -> &'static str {
        builtin_roles::name_of(self.guid()).unwrap_or_default()
    }

    /// Where the role is granted.
    pub fn scope(self) -> RoleScope {
        match self {
            GrantableRole::DataScientist => RoleScope::Workspace,
            GrantableRole::StorageBlobDataContributor
            | GrantableRole::StorageFileDataPrivilegedContributor => RoleScope::Storage,
            GrantableRole::AcrPull => RoleScope::Registry,
        }
    }

    /// Effective permissions at the role's scope show that the role is in effect: they allow
    /// what the role is granted for.
    pub fn in_effect(self, permissions: &[crate::azure::authorization::Permission]) -> bool {
        use crate::azure::authorization::is_data_action_allowed;
        match self {
            GrantableRole::DataScientist => RUNTIME_ACTIONS
                .iter()
                .all(|action| is_action_allowed(permissions, action)),
            GrantableRole::StorageBlobDataContributor => is_data_action_allowed(
                permissions,
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            ),
            GrantableRole::StorageFileDataPrivilegedContributor => is_data_action_allowed(
                permissions,
                "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/write",
            ),
            GrantableRole::AcrPull => is_action_allowed(
                permissions,
                "Microsoft.ContainerRegistry/registries/pull/read",
            ),
        }
    }

    /// The role with this display name (case-insensitive), as a diagnosis names it.
    pub fn from_name(name: &str) -> Option<GrantableRole> {
        GrantableRole::ALL
            .into_iter()
            .find(|role| role.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// Who receives the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum GrantTarget {
    /// The signed-in user ("Grant to me").
    Me,
    /// A person found in the directory by user principal name or email.
    User { user: String },
    /// The system-assigned managed identity of an online endpoint of the workspace.
    Endpoint { name: String },
    /// The workspace's own system-assigned managed identity (it reads the storage and pulls
    /// images for the runtimes).
    WorkspaceIdentity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrantRequest {
    pub workspace_id: String,
    pub target: GrantTarget,
    /// The role to grant; AzureML Data Scientist when absent.
    #[ts(optional)]
    #[serde(default)]
    pub role: Option<GrantableRole>,
}

/// How a grant ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum GrantStatus {
    /// A new assignment was made.
    Granted,
    /// The principal already had the role on the workspace (or inherited it from above).
    AlreadyAssigned,
    /// The endpoint (or the workspace) has no system-assigned managed identity, so there is
    /// nothing to grant to.
    EndpointHasNoIdentity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrantOutcome {
    pub status: GrantStatus,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<PrincipalSummary>,
    /// The assignment that gives the role (new or existing).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<RoleAssignment>,
    /// The assignment was seen in effect (for "me": the runtime permissions are allowed; for
    /// others: the assignment is listed) before the time limit.
    pub visible: bool,
    /// A sentence for people saying what happened and what to expect next.
    pub message: String,
    /// The operation's id, when one ran.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevokeRequest {
    pub workspace_id: String,
    /// The assignment's GUID name (as listed).
    pub assignment_name: String,
    /// Must equal the principal's label (display name, endpoint name or, for unnamed principals,
    /// the object id), ignoring case and surrounding spaces.
    pub confirm: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevokeOutcome {
    pub removed: WorkspaceRoleAssignment,
    /// It was already gone when the request arrived.
    pub already_gone: bool,
    pub message: String,
}

/// Timing of grant and revoke. Defaults suit real Azure; tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct GrantSettings {
    /// How long to keep re-checking until a new assignment is in effect.
    pub propagation_timeout: Duration,
    /// Pause between those checks.
    pub poll_interval: Duration,
    /// How long to retry `PrincipalNotFound` (a principal created moments ago is not yet known to
    /// every directory replica).
    pub principal_retry_timeout: Duration,
    /// First pause after `PrincipalNotFound`; doubled each time up to `principal_retry_max_delay`.
    pub principal_retry_initial_delay: Duration,
    pub principal_retry_max_delay: Duration,
}

impl Default for GrantSettings {
    fn default() -> Self {
        GrantSettings {
            propagation_timeout: Duration::from_secs(10 * 60),
            poll_interval: Duration::from_secs(10),
            principal_retry_timeout: Duration::from_secs(2 * 60),
            principal_retry_initial_delay: Duration::from_secs(2),
            principal_retry_max_delay: Duration::from_secs(20),
        }
    }
}

impl GrantSettings {
    /// The whole operation's limit: the retries, the wait and room for the requests themselves.
    pub(super) fn operation_timeout(&self) -> Duration {
        self.principal_retry_timeout + self.propagation_timeout + Duration::from_secs(120)
    }
}
