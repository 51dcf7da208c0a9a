//! The rules of granting: the role, deterministic assignment names, scopes and who may grant,
//! and the texts that name them.

use super::*;

/// The role this screen grants.
pub const DATA_SCIENTIST_ROLE_GUID: &str = builtin_roles::AZUREML_DATA_SCIENTIST;
/// Its display name.
pub const DATA_SCIENTIST_ROLE_NAME: &str = "AzureML Data Scientist";
/// The action removing an assignment needs.
pub const REMOVE_ROLES_ACTION: &str = "Microsoft.Authorization/roleAssignments/delete";

/// Built-in roles that may appear on a workspace beside the ones pfrm grants; named locally so
/// that listing assignments needs no extra request for them.
pub(super) const OTHER_BUILTIN_ROLES: &[(&str, &str)] = &[
    ("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"),
    (
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
    ),
];

/// Roles whose holders can assign roles (named in "who can grant").
pub(super) const GRANTING_ROLES: &[&str] =
    &[builtin_roles::OWNER, "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"];

/// Fixed namespace of the deterministic assignment names (a random UUID chosen once for pfrm).
pub(super) const ASSIGNMENT_NAME_NAMESPACE: Uuid =
    Uuid::from_u128(0x6b1f_3c2e_9a4d_4f7b_8e21_5d0c_a7f3_9e64);

/// The assignment name for `role_guid` given to `principal_id` at `scope`: the same inputs always
/// give the same name (case-insensitively), so retrying a grant never duplicates it.
pub fn assignment_name(scope: &str, principal_id: &str, role_guid: &str) -> Uuid {
    let key = format!(
        "{}|{}|{}",
        scope.trim_end_matches('/').to_ascii_lowercase(),
        principal_id.to_ascii_lowercase(),
        role_guid.to_ascii_lowercase()
    );
    Uuid::new_v5(&ASSIGNMENT_NAME_NAMESPACE, key.as_bytes())
}

pub(super) fn role_name_of(role_guid: &str) -> Option<&'static str> {
    builtin_roles::name_of(role_guid).or_else(|| {
        OTHER_BUILTIN_ROLES
            .iter()
            .find(|(guid, _)| guid.eq_ignore_ascii_case(role_guid))
            .map(|(_, name)| *name)
    })
}

pub(super) fn role_guid_of(role_definition_id: &str) -> &str {
    role_definition_id.rsplit('/').next().unwrap_or_default()
}

/// `a` is `b` or an ancestor of `b` (ARM ids compare case-insensitively).
pub(super) fn scope_covers(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('/').to_ascii_lowercase();
    let b = b.trim_end_matches('/').to_ascii_lowercase();
    a == b || b.starts_with(&format!("{a}/"))
}

pub(super) fn same_scope(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

pub(super) fn assignment_scope(dto: &RoleAssignmentDto) -> String {
    dto.properties.scope.clone().unwrap_or_else(|| {
        dto.id
            .split("/providers/Microsoft.Authorization/")
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

pub(super) fn is_role(dto: &RoleAssignmentDto, role: GrantableRole) -> bool {
    role_guid_of(&dto.properties.role_definition_id).eq_ignore_ascii_case(role.guid())
}

/// The resource a role is granted on: the workspace, its storage account or its registry.
#[derive(Debug, Clone)]
pub(super) struct GrantScope {
    /// ARM id.
    pub id: String,
    /// How people read it: "the workspace 'ws'", "the storage account 'st1' of the workspace 'ws'".
    pub label: String,
    pub kind: RoleScope,
}

impl GrantScope {
    pub(super) fn workspace(workspace: &WorkspaceRef) -> GrantScope {
        GrantScope {
            id: workspace.arm_id(),
            label: format!("the workspace '{}'", workspace.name),
            kind: RoleScope::Workspace,
        }
    }

    /// Where `role` is granted for `workspace`, read from the workspace's properties (`dto`).
    pub(super) fn of_role(
        workspace: &WorkspaceRef,
        dto: &crate::azure::arm::WorkspaceDto,
        role: GrantableRole,
    ) -> Result<GrantScope> {
        let kind = role.scope();
        let (resource, what) = match kind {
            RoleScope::Workspace => return Ok(GrantScope::workspace(workspace)),
            RoleScope::Storage => (&dto.properties.storage_account, "storage account"),
            RoleScope::Registry => (&dto.properties.container_registry, "container registry"),
        };
        let Some(id) = resource.as_deref().filter(|id| !id.trim().is_empty()) else {
            let remedy = match kind {
                RoleScope::Registry => "Azure creates the workspace's registry when the first custom environment image is built there; until then no one needs AcrPull on it. If your images live in another registry, grant AcrPull there in the Azure portal.",
                _ => "Check the workspace in the Azure portal: every workspace should have a default storage account.",
            };
            return Err(Error::new(
                ErrorCode::NotFound,
                format!(
                    "The workspace '{}' has no {what}, so there is nowhere to grant {}.",
                    workspace.name,
                    role.name()
                ),
            )
            .with_remedy(remedy));
        };
        let name = id.trim_end_matches('/').rsplit('/').next().unwrap_or(id);
        Ok(GrantScope {
            id: id.trim_end_matches('/').to_owned(),
            label: format!("the {what} '{name}' of the workspace '{}'", workspace.name),
            kind,
        })
    }
}

pub(super) fn arm_code(error: &Error) -> Option<&str> {
    error
        .details
        .as_ref()?
        .get("armCode")
        .and_then(serde_json::Value::as_str)
}

pub(super) fn who_can_grant_text(workspace: &WorkspaceRef) -> String {
    format!(
        "An Owner or User Access Administrator of the workspace '{}', of its resource group '{}' or of its subscription can grant the {DATA_SCIENTIST_ROLE_NAME} role.",
        workspace.name, workspace.resource_group
    )
}

/// Who can grant `role` at `scope`.
pub(super) fn who_can_grant_role_text(
    workspace: &WorkspaceRef,
    role: GrantableRole,
    scope: &GrantScope,
) -> String {
    if scope.kind == RoleScope::Workspace && role == GrantableRole::DataScientist {
        return who_can_grant_text(workspace);
    }
    format!(
        "An Owner or User Access Administrator of {}, of its resource group or of its subscription can grant the {} role.",
        scope.label,
        role.name()
    )
}

/// The "Copy request" text: who needs which role where, and the one Azure CLI command that
/// grants it.
pub fn request_text(workspace: &WorkspaceRef, who: &str, principal_id: &str) -> String {
    let scope = workspace.arm_id();
    format!(
        "Hello,\n\nCould you please assign the {DATA_SCIENTIST_ROLE_NAME} role on the Azure Machine Learning workspace '{workspace_name}' to {who} (object id {principal_id})? It is needed to create and use prompt flow runtimes.\n\nScope: {scope}\nRole: {DATA_SCIENTIST_ROLE_NAME} ({DATA_SCIENTIST_ROLE_GUID})\n\nWith the Azure CLI:\naz role assignment create --assignee-object-id {principal_id} --assignee-principal-type User --role \"{DATA_SCIENTIST_ROLE_NAME}\" --scope \"{scope}\"\n\nThank you!",
        workspace_name = workspace.name,
    )
}

pub(super) fn describe_scope(scope: &str) -> String {
    let parts: Vec<&str> = scope.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["subscriptions", subscription] => format!("the subscription {subscription}"),
        ["subscriptions", _, group_key, group]
            if group_key.eq_ignore_ascii_case("resourceGroups") =>
        {
            format!("the resource group '{group}'")
        }
        _ => scope.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_names_are_stable_and_distinct() {
        let scope = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
        let a = assignment_name(scope, "P1", DATA_SCIENTIST_ROLE_GUID);
        assert_eq!(
            a,
            assignment_name(&scope.to_uppercase(), "p1", DATA_SCIENTIST_ROLE_GUID)
        );
        assert_eq!(
            a,
            assignment_name(&format!("{scope}/"), "p1", DATA_SCIENTIST_ROLE_GUID)
        );
        assert_ne!(a, assignment_name(scope, "p2", DATA_SCIENTIST_ROLE_GUID));
        assert_ne!(a, assignment_name(scope, "p1", builtin_roles::OWNER));
        assert_ne!(
            a,
            assignment_name("/subscriptions/s", "p1", DATA_SCIENTIST_ROLE_GUID)
        );
        assert_eq!(a.get_version_num(), 5);
    }

    #[test]
    fn scopes_cover_their_descendants_only() {
        let ws = "/subscriptions/S/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
        assert!(scope_covers("/subscriptions/s", ws));
        assert!(scope_covers("/subscriptions/s/resourcegroups/RG", ws));
        assert!(scope_covers(ws, ws));
        assert!(!scope_covers("/subscriptions/s/resourceGroups/rg2", ws));
        assert!(!scope_covers("/subscriptions/s/resourceGroups/r", ws));
        assert!(!scope_covers(&format!("{ws}/computes/ci"), ws));
    }

    #[test]
    fn the_request_names_user_role_and_scope() {
        let workspace = WorkspaceRef::new("sub-1", "rg-ml", "ws-open");
        let text = request_text(&workspace, "Bob (bob@contoso.com)", "b0b");
        assert!(text.contains("Bob (bob@contoso.com)"));
        assert!(text.contains("AzureML Data Scientist"));
        assert!(text.contains(&workspace.arm_id()));
        assert!(text.contains("--assignee-object-id b0b"));
    }
}
