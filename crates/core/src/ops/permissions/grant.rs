//! Granting AzureML Data Scientist: resolve the target, write the assignment once, then wait
//! (as an operation with progress) until Azure applies it.

use super::*;

/// Who receives the role, resolved before anything is written.
pub(super) enum Resolved {
    Principal {
        principal: PrincipalSummary,
        principal_type: PrincipalType,
        is_me: bool,
    },
    NoIdentity(EndpointIdentity),
}

pub(super) async fn resolve_target(
    services: &Services,
    workspace: &WorkspaceRef,
    target: &GrantTarget,
) -> Result<Resolved> {
    Ok(match target {
        GrantTarget::Me => {
            let me = services.me().await?;
            Resolved::Principal {
                principal: PrincipalSummary {
                    object_id: me.object_id,
                    kind: PrincipalKind::User,
                    display_name: me.display_name,
                    user_principal_name: me.user_name,
                    mail: None,
                    endpoint_name: None,
                },
                principal_type: PrincipalType::User,
                is_me: true,
            }
        }
        GrantTarget::User { user } => {
            let principal = find_user(services, user).await?;
            let is_me = services
                .me()
                .await
                .is_ok_and(|me| me.object_id.eq_ignore_ascii_case(&principal.object_id));
            Resolved::Principal {
                principal,
                principal_type: PrincipalType::User,
                is_me,
            }
        }
        GrantTarget::Endpoint { name } => {
            let endpoint = services.arm.get_online_endpoint(workspace, name).await?;
            let identity = endpoint_identity(&endpoint);
            match identity.principal_id.clone() {
                Some(principal_id) => Resolved::Principal {
                    principal: PrincipalSummary {
                        object_id: principal_id,
                        kind: PrincipalKind::ServicePrincipal,
                        display_name: Some(format!("Endpoint {}", endpoint.name)),
                        user_principal_name: None,
                        mail: None,
                        endpoint_name: Some(endpoint.name.clone()),
                    },
                    principal_type: PrincipalType::ServicePrincipal,
                    is_me: false,
                },
                None => Resolved::NoIdentity(identity),
            }
        }
    })
}

/// Grants AzureML Data Scientist on the workspace to the target, then waits (as an operation
/// with progress) until the assignment is in effect or `settings.propagation_timeout` passes.
///
/// Refused before any write when the caller may not grant. An endpoint without a managed
/// identity is not an error: the outcome explains it.
pub async fn grant_data_scientist(
    services: &Services,
    request: GrantRequest,
    settings: GrantSettings,
) -> Result<GrantOutcome> {
    let workspace = WorkspaceRef::from_arm_id(&request.workspace_id)?;
    require_grant_permission(services, &workspace).await?;
    let (principal, principal_type, is_me) =
        match resolve_target(services, &workspace, &request.target).await? {
            Resolved::NoIdentity(identity) => {
                return Ok(GrantOutcome {
                    status: GrantStatus::EndpointHasNoIdentity,
                    principal: None,
                    assignment: None,
                    visible: false,
                    message: identity.explanation.unwrap_or_default(),
                    operation_id: None,
                })
            }
            Resolved::Principal {
                principal,
                principal_type,
                is_me,
            } => (principal, principal_type, is_me),
        };
    let scope = workspace.arm_id();
    let name = assignment_name(&scope, &principal.object_id, DATA_SCIENTIST_ROLE_GUID);
    let title = format!(
        "Grant {DATA_SCIENTIST_ROLE_NAME} to {} on {}",
        if is_me {
            "you".to_owned()
        } else {
            principal.label()
        },
        workspace.name
    );
    let target = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
    let handle = services.operations.begin(
        OperationKind::GrantRole,
        title,
        target,
        json!({
            "workspaceId": scope,
            "principalId": principal.object_id,
            "principalType": principal_type.as_str(),
            "roleDefinitionGuid": DATA_SCIENTIST_ROLE_GUID,
            "assignmentName": name.to_string(),
        }),
    )?;
    let operation_id = handle.id().to_owned();
    let progress = handle.progress();
    let work = grant_work(
        services,
        &workspace,
        principal,
        principal_type,
        is_me,
        name,
        settings,
        progress,
    );
    let mut outcome = handle.run(settings.operation_timeout(), work).await?;
    outcome.operation_id = Some(operation_id);
    Ok(outcome)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn grant_work(
    services: &Services,
    workspace: &WorkspaceRef,
    principal: PrincipalSummary,
    principal_type: PrincipalType,
    is_me: bool,
    name: Uuid,
    settings: GrantSettings,
    progress: Progress,
) -> Result<GrantOutcome> {
    let scope = workspace.arm_id();
    let label = if is_me {
        "You".to_owned()
    } else {
        principal.label()
    };
    // An assignment on the resource group or subscription already gives the role here: making
    // a second one on the workspace would only add clutter to remove later.
    let existing = services
        .authorization
        .list_role_assignments_for_principal(&scope, &principal.object_id)
        .await?;
    if let Some(inherited) = existing.iter().find(|dto| {
        is_data_scientist(dto)
            && scope_covers(&assignment_scope(dto), &scope)
            && !same_scope(&assignment_scope(dto), &scope)
    }) {
        let visible = wait_until_visible(
            services, workspace, &principal, is_me, None, settings, &progress,
        )
        .await?;
        return Ok(GrantOutcome {
            status: GrantStatus::AlreadyAssigned,
            principal: Some(principal),
            assignment: Some(RoleAssignment::from(inherited)),
            visible,
            message: format!(
                "{label} already had the {DATA_SCIENTIST_ROLE_NAME} role here, through an assignment on {}.",
                describe_scope(&assignment_scope(inherited))
            ),
            operation_id: None,
        });
    }

    let had_it_here = existing
        .iter()
        .any(|dto| is_data_scientist(dto) && same_scope(&assignment_scope(dto), &scope));

    progress.stage(Stage::Requested);
    let role_definition = role_definition_id(&workspace.subscription_id, DATA_SCIENTIST_ROLE_GUID);
    // A principal created moments ago is not yet known to every directory replica: ARM answers
    // PrincipalNotFound until it is. That is no transient failure of the request (the pipeline
    // does not repeat it), so it is waited out here, with a growing pause.
    let principal_wait = Wait::every(
        settings.principal_retry_initial_delay,
        settings.principal_retry_timeout,
    )
    .with_max_interval(settings.principal_retry_max_delay);
    let scope_ref = &scope;
    let label_ref = &label;
    let principal_ref = &principal;
    let role_definition_ref = &role_definition;
    let progress_ref = &progress;
    let created = wait::until(&principal_wait, move |attempt| async move {
        match services
            .authorization
            .create_role_assignment(
                scope_ref,
                name,
                role_definition_ref,
                &principal_ref.object_id,
                principal_type,
            )
            .await
        {
            Ok(created) => Ok(Look::Done(Some(created))),
            Err(error) if arm_code(&error) == Some("RoleAssignmentExists") => Ok(Look::Done(None)),
            Err(error) if arm_code(&error) == Some("PrincipalNotFound") => {
                progress_ref.message(format!(
                    "Azure does not know {label_ref} yet (a new identity takes a moment to replicate); trying again."
                ));
                Ok(Look::AgainAfter(
                    settings
                        .principal_retry_initial_delay
                        .saturating_mul(1 << attempt.number.saturating_sub(1).min(16)),
                ))
            }
            Err(error) => Err(error),
        }
    })
    .await?;
    let created = match created {
        Waited::Done(created) => created,
        Waited::TimedOut => {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("Azure does not know {label} yet, so the role could not be granted."),
            )
            .with_remedy("An identity created moments ago can take a few minutes to reach every part of Azure. Wait a few minutes and grant again; retrying is safe.")
            .with_detail("armCode", "PrincipalNotFound"))
        }
    };

    let (status, assignment) = match created {
        // The PUT of an assignment that exists under the same name succeeds again unchanged.
        Some(created) if had_it_here => {
            (GrantStatus::AlreadyAssigned, RoleAssignment::from(&created))
        }
        Some(created) => (GrantStatus::Granted, RoleAssignment::from(&created)),
        None => {
            // 409: an assignment of the role to this principal exists on the workspace under
            // another name (made in the portal, say). Show that one.
            let found = services
                .authorization
                .list_role_assignments_for_principal(&scope, &principal.object_id)
                .await?
                .into_iter()
                .find(|dto| is_data_scientist(dto) && same_scope(&assignment_scope(dto), &scope));
            let assignment =
                found
                    .as_ref()
                    .map(RoleAssignment::from)
                    .unwrap_or_else(|| RoleAssignment {
                        id: format!(
                            "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
                        ),
                        name: name.to_string(),
                        scope: Some(scope.clone()),
                        role_definition_id: role_definition.clone(),
                        role_name: Some(DATA_SCIENTIST_ROLE_NAME.to_owned()),
                        principal_id: principal.object_id.clone(),
                        principal_type: Some(principal_type.as_str().to_owned()),
                        created_on: None,
                    });
            (GrantStatus::AlreadyAssigned, assignment)
        }
    };

    let visible = wait_until_visible(
        services,
        workspace,
        &principal,
        is_me,
        Some(&assignment.name),
        settings,
        &progress,
    )
    .await?;
    let action = match status {
        GrantStatus::Granted => format!(
            "{label} now {} the {DATA_SCIENTIST_ROLE_NAME} role on {}.",
            if is_me { "have" } else { "has" },
            workspace.name
        ),
        _ => format!(
            "{label} already had the {DATA_SCIENTIST_ROLE_NAME} role on {}.",
            workspace.name
        ),
    };
    let message = if visible {
        format!("{action} It is in effect.")
    } else {
        format!(
            "{action} Azure has not applied it yet after {}; this can take several minutes. Check again later{}.",
            crate::ops::registry::describe_duration(settings.propagation_timeout),
            if is_me { " (signing out and in again can help)" } else { "" }
        )
    };
    Ok(GrantOutcome {
        status,
        principal: Some(principal),
        assignment: Some(assignment),
        visible,
        message,
        operation_id: None,
    })
}

/// Re-checks until the grant is in effect: for the caller, until the runtime actions are allowed
/// in their effective permissions; for others, until the assignment is listed.
pub(super) async fn wait_until_visible(
    services: &Services,
    workspace: &WorkspaceRef,
    principal: &PrincipalSummary,
    is_me: bool,
    assignment_name: Option<&str>,
    settings: GrantSettings,
    progress: &Progress,
) -> Result<bool> {
    progress.stage(Stage::WaitingForPropagation);
    progress
        .message("Azure can take several minutes to apply a new role; pfrm checks until it does.");
    let scope = workspace.arm_id();
    let scope = &scope;
    let visibility = Wait::every(settings.poll_interval, settings.propagation_timeout);
    let outcome = wait::until(&visibility, move |_| async move {
        let visible = if is_me {
            let permissions = services
                .authorization
                .list_permissions_for_workspace(workspace)
                .await?;
            RUNTIME_ACTIONS
                .iter()
                .all(|action| is_action_allowed(&permissions, action))
        } else {
            services
                .authorization
                .list_role_assignments_for_principal(scope, &principal.object_id)
                .await?
                .iter()
                .any(|dto| {
                    is_data_scientist(dto)
                        && scope_covers(&assignment_scope(dto), scope)
                        && assignment_name.is_none_or(|name| {
                            dto.name.eq_ignore_ascii_case(name)
                                || !same_scope(&assignment_scope(dto), scope)
                        })
                })
        };
        Ok(if visible { Look::Done(()) } else { Look::Again })
    })
    .await?;
    match outcome {
        Waited::Done(()) => {
            progress.stage(Stage::Verifying);
            Ok(true)
        }
        // Not yet in effect is an answer, not a failure: the grant itself succeeded.
        Waited::TimedOut => Ok(false),
    }
}
