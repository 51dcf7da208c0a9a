//! Removing a role assignment from the workspace, checked before and verified after.

use super::*;

/// Removes an assignment made on the workspace, after the caller typed the principal's name.
/// Runs as an operation.
pub async fn revoke_assignment(
    services: &Services,
    request: RevokeRequest,
) -> Result<RevokeOutcome> {
    let workspace = WorkspaceRef::from_arm_id(&request.workspace_id)?;
    let scope = workspace.arm_id();
    let listed = list_workspace_assignments(services, &scope, None).await?;
    let Some(shown) = listed.into_iter().find(|a| {
        a.assignment
            .name
            .eq_ignore_ascii_case(request.assignment_name.trim())
    }) else {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!(
                "There is no role assignment '{}' on the workspace '{}'.",
                request.assignment_name, workspace.name
            ),
        )
        .with_remedy("Refresh the list of assignments (`pfrm role list`) and pick one from it."));
    };
    let label = shown.principal.label();
    if !shown.removable {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{label}'s {} role comes from an assignment on {}, not on the workspace, so it cannot be removed here.",
                shown.role_name,
                describe_scope(shown.assignment.scope.as_deref().unwrap_or_default())
            ),
        )
        .with_remedy("Remove it where it was made (in the Azure portal, under Access control of that scope)."));
    }
    let confirmed = [
        Some(label.clone()),
        shown.principal.display_name.clone(),
        shown.principal.user_principal_name.clone(),
        Some(shown.principal.object_id.clone()),
    ]
    .into_iter()
    .flatten()
    .any(|accepted| accepted.trim().eq_ignore_ascii_case(request.confirm.trim()));
    if !confirmed {
        return Err(Error::invalid_input(format!(
            "To remove {label}'s {} role, confirm by typing their name exactly: '{label}'.",
            shown.role_name
        ))
        .with_remedy(format!("Type '{label}' to confirm."))
        .with_detail("confirmWith", label.clone()));
    }
    let permissions = services
        .authorization
        .list_permissions_for_workspace(&workspace)
        .await?;
    if !is_action_allowed(&permissions, REMOVE_ROLES_ACTION) {
        return Err(Error::new(
            ErrorCode::PermissionDenied,
            format!(
                "You cannot remove role assignments on the workspace '{}': your roles there do not include '{REMOVE_ROLES_ACTION}'.",
                workspace.name
            ),
        )
        .with_remedy(who_can_grant_text(&workspace).replace("can grant", "can remove"))
        .with_detail("action", REMOVE_ROLES_ACTION));
    }
    let handle = services.operations.begin(
        OperationKind::RevokeRole,
        format!(
            "Remove {} from {label} on {}",
            shown.role_name, workspace.name
        ),
        shown.assignment.id.clone(),
        json!({"workspaceId": scope, "assignmentName": shown.assignment.name}),
    )?;
    let name = shown.assignment.name.clone();
    let work = async {
        let deleted = services
            .authorization
            .delete_role_assignment(&scope, &name)
            .await?;
        Ok(deleted.is_none())
    };
    let already_gone = handle.run(Duration::from_secs(120), work).await?;
    let message = format!(
        "{label} no longer has the {} role on {}. Azure can take a few minutes to apply the change.",
        shown.role_name, workspace.name
    );
    Ok(RevokeOutcome {
        removed: shown,
        already_gone,
        message,
    })
}
