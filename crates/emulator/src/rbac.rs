//! Built-in role definitions and Azure RBAC evaluation (actions / notActions with `*` wildcards).

use crate::state::{RoleAssignment, World};
use serde_json::{json, Value};
use std::time::Instant;

pub struct Role {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub actions: &'static [&'static str],
    pub not_actions: &'static [&'static str],
    pub data_actions: &'static [&'static str],
}

pub const DATA_SCIENTIST: &str = "f6c7c914-8db3-469d-8ca1-694a8f32e121";

pub static ROLES: &[Role] = &[
    Role {
        id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        name: "Owner",
        description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        actions: &["*"],
        not_actions: &[],
        data_actions: &[],
    },
    Role {
        id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
        name: "Contributor",
        description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
        actions: &["*"],
        not_actions: &[
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
            "Microsoft.Purview/consents/write",
            "Microsoft.Purview/consents/delete",
        ],
        data_actions: &[],
    },
    Role {
        id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        name: "Reader",
        description: "View all resources, but does not allow you to make any changes.",
        actions: &["*/read"],
        not_actions: &[],
        data_actions: &[],
    },
    Role {
        id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        name: "User Access Administrator",
        description: "Lets you manage user access to Azure resources.",
        actions: &["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
        not_actions: &[],
        data_actions: &[],
    },
    Role {
        id: DATA_SCIENTIST,
        name: "AzureML Data Scientist",
        description: "Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting compute resources and modifying the workspace itself.",
        actions: &[
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/*/action",
            "Microsoft.MachineLearningServices/workspaces/*/delete",
            "Microsoft.MachineLearningServices/workspaces/*/write",
        ],
        not_actions: &[
            "Microsoft.MachineLearningServices/workspaces/delete",
            "Microsoft.MachineLearningServices/workspaces/write",
            "Microsoft.MachineLearningServices/workspaces/computes/*/write",
            "Microsoft.MachineLearningServices/workspaces/computes/*/delete",
            "Microsoft.MachineLearningServices/workspaces/computes/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/listKeys/action",
            "Microsoft.MachineLearningServices/workspaces/hubs/write",
            "Microsoft.MachineLearningServices/workspaces/hubs/delete",
            "Microsoft.MachineLearningServices/workspaces/featurestores/write",
            "Microsoft.MachineLearningServices/workspaces/featurestores/delete",
        ],
        data_actions: &[],
    },
    Role {
        id: "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
        name: "AzureML Compute Operator",
        description: "Can access and perform CRUD operations on Machine Learning Services managed compute resources (including Notebook VMs).",
        actions: &[
            "Microsoft.Authorization/*/read",
            "Microsoft.MachineLearningServices/workspaces/computes/*",
            "Microsoft.MachineLearningServices/workspaces/notebooks/vm/*",
        ],
        not_actions: &[],
        data_actions: &[],
    },
    Role {
        id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        name: "Storage Blob Data Contributor",
        description: "Read, write, and delete Azure Storage containers and blobs.",
        actions: &[
            "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
            "Microsoft.Storage/storageAccounts/blobServices/containers/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/write",
            "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
        not_actions: &[],
        data_actions: &[
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
        ],
    },
    Role {
        id: "69566ab7-960f-475b-8e7c-b3118f30c6bd",
        name: "Storage File Data Privileged Contributor",
        description: "Customer has read, write, delete and modify NTFS permission access on Azure Storage file shares.",
        actions: &[],
        not_actions: &[],
        data_actions: &[
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read",
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/write",
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/delete",
            "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/modifypermissions/action",
            "Microsoft.Storage/storageAccounts/fileServices/readFileBackupSemantics/action",
            "Microsoft.Storage/storageAccounts/fileServices/writeFileBackupSemantics/action",
        ],
    },
    Role {
        id: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        name: "AcrPull",
        description: "acr pull",
        actions: &["Microsoft.ContainerRegistry/registries/pull/read"],
        not_actions: &[],
        data_actions: &[],
    },
];

pub fn role_by_name_or_id(key: &str) -> Option<&'static Role> {
    let key = key.rsplit('/').next().unwrap_or(key);
    ROLES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

pub fn role_definition_json(role: &Role, scope: &str) -> Value {
    let scope = scope.trim_end_matches('/');
    json!({
        "id": format!("{scope}/providers/Microsoft.Authorization/roleDefinitions/{}", role.id),
        "type": "Microsoft.Authorization/roleDefinitions",
        "name": role.id,
        "properties": {
            "roleName": role.name,
            "type": "BuiltInRole",
            "description": role.description,
            "assignableScopes": ["/"],
            "permissions": [permission_entry(role)],
            "createdOn": "2015-02-02T21:55:09.8806423Z",
            "updatedOn": "2024-01-01T00:00:00.0000000Z"
        }
    })
}

pub fn permission_entry(role: &Role) -> Value {
    json!({
        "actions": role.actions,
        "notActions": role.not_actions,
        "dataActions": role.data_actions,
        "notDataActions": []
    })
}

/// Azure action wildcard match: case-insensitive, `*` matches any characters, and a `/*/`
/// segment also matches a single `/` (so `workspaces/*/read` covers `workspaces/read`).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let a = action.to_ascii_lowercase();
    if wildcard(p.as_bytes(), a.as_bytes()) {
        return true;
    }
    if let Some(idx) = p.find("/*/") {
        let collapsed = format!("{}{}", &p[..idx], &p[idx + 2..]);
        return action_matches(&collapsed, &a);
    }
    false
}

fn wildcard(p: &[u8], t: &[u8]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some(b'*') => (0..=t.len()).any(|i| wildcard(&p[1..], &t[i..])),
        Some(c) => t.first() == Some(c) && wildcard(&p[1..], &t[1..]),
    }
}

/// `scope` contains `resource` (same id or an ancestor on a segment boundary).
pub fn scope_covers(scope: &str, resource: &str) -> bool {
    let scope = scope.trim_end_matches('/').to_ascii_lowercase();
    let resource = resource.trim_end_matches('/').to_ascii_lowercase();
    scope.is_empty()
        || scope == "/"
        || resource == scope
        || (resource.starts_with(&scope) && resource.as_bytes().get(scope.len()) == Some(&b'/'))
}

impl World {
    /// Role assignments that apply to `resource` for `principal` and have propagated.
    pub fn effective_assignments(&self, principal: &str, resource: &str) -> Vec<&RoleAssignment> {
        let now = Instant::now();
        self.role_assignments
            .iter()
            .filter(|ra| {
                ra.principal_id.eq_ignore_ascii_case(principal)
                    && ra.effective_at <= now
                    && scope_covers(&ra.scope, resource)
            })
            .collect()
    }

    pub fn is_allowed(&self, principal: &str, resource: &str, action: &str) -> bool {
        self.effective_assignments(principal, resource)
            .iter()
            .filter_map(|ra| role_by_name_or_id(&ra.role_definition_guid))
            .any(|role| {
                role.actions.iter().any(|p| action_matches(p, action))
                    && !role.not_actions.iter().any(|p| action_matches(p, action))
            })
    }

    /// The principal has some role at, above or below `scope` (used for list visibility).
    pub fn has_any_access_near(&self, principal: &str, scope: &str) -> bool {
        let now = Instant::now();
        self.role_assignments.iter().any(|ra| {
            ra.principal_id.eq_ignore_ascii_case(principal)
                && ra.effective_at <= now
                && (scope_covers(&ra.scope, scope) || scope_covers(scope, &ra.scope))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_scientist_can_read_and_start_but_not_write_computes() {
        let ds = role_by_name_or_id("AzureML Data Scientist").unwrap();
        let allowed = |action: &str| {
            ds.actions.iter().any(|p| action_matches(p, action))
                && !ds.not_actions.iter().any(|p| action_matches(p, action))
        };
        assert!(allowed("Microsoft.MachineLearningServices/workspaces/read"));
        assert!(allowed(
            "Microsoft.MachineLearningServices/workspaces/computes/read"
        ));
        assert!(allowed(
            "Microsoft.MachineLearningServices/workspaces/computes/start/action"
        ));
        assert!(!allowed(
            "Microsoft.MachineLearningServices/workspaces/computes/write"
        ));
        assert!(!allowed(
            "Microsoft.MachineLearningServices/workspaces/write"
        ));
        assert!(!allowed("Microsoft.Authorization/roleAssignments/write"));
    }

    #[test]
    fn scopes_cover_descendants_on_segment_boundaries() {
        assert!(scope_covers(
            "/subscriptions/a",
            "/subscriptions/a/resourceGroups/x"
        ));
        assert!(!scope_covers("/subscriptions/a", "/subscriptions/ab"));
    }
}
