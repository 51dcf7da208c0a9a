//! Checked before anything is written: may the caller grant on the workspace, and if not, who can.

use super::*;

/// Whether the signed-in user may grant roles on the workspace (checked through effective
/// permissions, so Owner, User Access Administrator and custom roles all count), and if not who
/// can and a request to send them.
pub async fn can_grant(services: &Services, workspace_id: &str) -> Result<GrantAbility> {
    let workspace = WorkspaceRef::from_arm_id(workspace_id)?;
    let (permissions, me) = tokio::join!(
        services
            .authorization
            .list_permissions_for_workspace(&workspace),
        services.me()
    );
    let (permissions, me) = (permissions?, me?);
    let allowed = is_action_allowed(&permissions, ASSIGN_ROLES_ACTION);
    let administrators = if allowed {
        Vec::new()
    } else {
        administrators_of(services, &workspace).await
    };
    let who = match (&me.display_name, &me.user_name) {
        (Some(name), Some(user)) => format!("{name} ({user})"),
        (None, Some(user)) => user.clone(),
        (Some(name), None) => name.clone(),
        (None, None) => "me".to_owned(),
    };
    Ok(GrantAbility {
        workspace_id: workspace.arm_id(),
        workspace_name: workspace.name.clone(),
        allowed,
        who_can_grant: who_can_grant_text(&workspace),
        administrators,
        request_text: request_text(&workspace, &who, &me.object_id),
    })
}

/// Users holding Owner or User Access Administrator on the workspace or above. Best effort: a
/// caller who cannot read assignments or the directory gets an empty list.
async fn administrators_of(services: &Services, workspace: &WorkspaceRef) -> Vec<PrincipalSummary> {
    let scope = workspace.arm_id();
    let Ok(assignments) = services
        .authorization
        .list_role_assignments(&scope, None)
        .await
    else {
        return Vec::new();
    };
    let mut ids: Vec<String> = assignments
        .iter()
        .filter(|dto| scope_covers(&assignment_scope(dto), &scope))
        .filter(|dto| {
            let guid = role_guid_of(&dto.properties.role_definition_id);
            GRANTING_ROLES.iter().any(|g| g.eq_ignore_ascii_case(guid))
        })
        .filter(|dto| {
            PrincipalKind::from_azure(dto.properties.principal_type.as_deref())
                == PrincipalKind::User
        })
        .map(|dto| dto.properties.principal_id.to_ascii_lowercase())
        .collect();
    ids.sort();
    ids.dedup();
    let mut found = Vec::new();
    for id in ids {
        if let Ok(user) = services.graph.get_user(&id).await {
            found.push(PrincipalSummary::from_user(user));
        }
    }
    found
}

/// Refuses up front (before any write) when the caller may not grant `role` at `scope` (the
/// workspace, its storage account or its registry: each has its own access control).
pub(super) async fn require_grant_permission(
    services: &Services,
    workspace: &WorkspaceRef,
    role: GrantableRole,
    scope: &GrantScope,
) -> Result<()> {
    let permissions = match scope.kind {
        RoleScope::Workspace => {
            services
                .authorization
                .list_permissions_for_workspace(workspace)
                .await?
        }
        _ => {
            services
                .authorization
                .list_permissions_at(&scope.id)
                .await?
        }
    };
    if is_action_allowed(&permissions, ASSIGN_ROLES_ACTION) {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::PermissionDenied,
        format!(
            "You cannot grant roles on {}: your roles there do not include '{ASSIGN_ROLES_ACTION}'.",
            scope.label
        ),
    )
    .with_remedy(format!(
        "{} Send them a request (\"Copy request\" on the permissions screen).",
        who_can_grant_role_text(workspace, role, scope)
    ))
    .with_detail("action", ASSIGN_ROLES_ACTION)
    .with_detail("scope", scope.id.clone()))
}
