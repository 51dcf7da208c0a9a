//! Granting a role: resolve the target and the scope, check that the caller may grant there,
//! write the assignment once, then wait (as an operation with progress) until Azure applies it.

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

impl Resolved {
    /// An endpoint's or the workspace's managed identity: a service principal, never the user.
    fn managed_identity(
        object_id: String,
        display_name: String,
        endpoint_name: Option<String>,
    ) -> Self {
        Resolved::Principal {
            principal: PrincipalSummary {
                object_id,
                kind: PrincipalKind::ServicePrincipal,
                display_name: Some(display_name),
                user_principal_name: None,
                mail: None,
                endpoint_name,
            },
            principal_type: PrincipalType::ServicePrincipal,
            is_me: false,
        }
    }
}

pub(super) async fn resolve_target(
    services: &Services,
    workspace: &WorkspaceRef,
    workspace_dto: Option<&crate::azure::arm::WorkspaceDto>,
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
                Some(principal_id) => Resolved::managed_identity(
                    principal_id,
                    format!("Endpoint {}", endpoint.name),
                    Some(endpoint.name.clone()),
                ),
                None => Resolved::NoIdentity(identity),
            }
        }
        GrantTarget::WorkspaceIdentity => {
            let fetched;
            let dto = match workspace_dto {
                Some(dto) => dto,
                None => {
                    fetched = services.arm.get_workspace(workspace).await?;
                    &fetched
                }
            };
            let identity = dto.identity.as_ref();
            let system_assigned = identity
                .and_then(|i| i.identity_type.as_deref())
                .is_some_and(|t| t.to_ascii_lowercase().contains("systemassigned"));
            match identity
                .and_then(|i| i.principal_id.clone())
                .filter(|id| system_assigned && !id.is_empty())
            {
                Some(principal_id) => Resolved::managed_identity(
                    principal_id,
                    format!("Workspace {}", workspace.name),
                    None,
                ),
                None => Resolved::NoIdentity(EndpointIdentity {
                    endpoint_name: workspace.name.clone(),
                    identity_type: identity.and_then(|i| i.identity_type.clone()),
                    principal_id: None,
                    explanation: Some(format!(
                        "The workspace '{}' has no system-assigned managed identity, so there is no workspace identity to give the role to. Grant the role to its user-assigned identity in the Azure portal.",
                        workspace.name
                    )),
                }),
            }
        }
    })
}

/// Grants the requested role (AzureML Data Scientist when none is named) to the target; see
/// [`grant_role`].
pub async fn grant_data_scientist(
    services: &Services,
    request: GrantRequest,
    settings: GrantSettings,
) -> Result<GrantOutcome> {
    grant_role(services, request, settings).await
}

/// Grants `request.role` at its scope (the workspace, its storage account or its registry) to
/// the target, then waits (as an operation with progress) until the assignment is in effect or
/// `settings.propagation_timeout` passes.
///
/// Refused before any write when the caller may not grant at that scope. An endpoint (or a
/// workspace) without a managed identity is not an error: the outcome explains it.
pub async fn grant_role(
    services: &Services,
    request: GrantRequest,
    settings: GrantSettings,
) -> Result<GrantOutcome> {
    let workspace = WorkspaceRef::from_arm_id(&request.workspace_id)?;
    let role = request.role.unwrap_or_default();
    // The workspace's properties name its storage account, its registry and its identity.
    let needs_dto = role.scope() != RoleScope::Workspace
        || matches!(request.target, GrantTarget::WorkspaceIdentity);
    let workspace_dto = if needs_dto {
        Some(services.arm.get_workspace(&workspace).await?)
    } else {
        None
    };
    let scope = match &workspace_dto {
        Some(dto) => GrantScope::of_role(&workspace, dto, role)?,
        None => GrantScope::workspace(&workspace),
    };
    require_grant_permission(services, &workspace, role, &scope).await?;
    let (principal, principal_type, is_me) = match resolve_target(
        services,
        &workspace,
        workspace_dto.as_ref(),
        &request.target,
    )
    .await?
    {
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
    let grant = Grant {
        name: assignment_name(&scope.id, &principal.object_id, role.guid()),
        role,
        scope,
        principal,
        principal_type,
        is_me,
    };
    let title = format!(
        "Grant {} to {} on {}",
        grant.role.name(),
        if grant.is_me {
            "you".to_owned()
        } else {
            grant.principal.label()
        },
        grant.scope.id.rsplit('/').next().unwrap_or(&workspace.name)
    );
    let target = format!(
        "{}/providers/Microsoft.Authorization/roleAssignments/{}",
        grant.scope.id, grant.name
    );
    let handle = services.operations.begin(
        OperationKind::GrantRole,
        title,
        target,
        json!({
            "workspaceId": workspace.arm_id(),
            "scope": grant.scope.id,
            "principalId": grant.principal.object_id,
            "principalType": grant.principal_type.as_str(),
            "roleDefinitionGuid": grant.role.guid(),
            "assignmentName": grant.name.to_string(),
        }),
    )?;
    let operation_id = handle.id().to_owned();
    let progress = handle.progress();
    let work = grant_work(services, &workspace, grant, settings, progress);
    let mut outcome = handle.run(settings.operation_timeout(), work).await?;
    outcome.operation_id = Some(operation_id);
    Ok(outcome)
}

/// One grant, resolved: which role, where, to whom, under which assignment name.
pub(super) struct Grant {
    pub role: GrantableRole,
    pub scope: GrantScope,
    pub principal: PrincipalSummary,
    pub principal_type: PrincipalType,
    pub is_me: bool,
    pub name: Uuid,
}

pub(super) async fn grant_work(
    services: &Services,
    workspace: &WorkspaceRef,
    grant: Grant,
    settings: GrantSettings,
    progress: Progress,
) -> Result<GrantOutcome> {
    let Grant {
        role,
        scope,
        principal,
        principal_type,
        is_me,
        name,
    } = grant;
    let role_name = role.name();
    let label = if is_me {
        "You".to_owned()
    } else {
        principal.label()
    };
    // An assignment on the resource group or subscription already gives the role here: making
    // a second one on the resource would only add clutter to remove later.
    let existing = services
        .authorization
        .list_role_assignments_for_principal(&scope.id, &principal.object_id)
        .await?;
    if let Some(inherited) = existing.iter().find(|dto| {
        is_role(dto, role)
            && scope_covers(&assignment_scope(dto), &scope.id)
            && !same_scope(&assignment_scope(dto), &scope.id)
    }) {
        let visible = wait_until_visible(
            services, workspace, role, &scope, &principal, is_me, None, settings, &progress,
        )
        .await?;
        return Ok(GrantOutcome {
            status: GrantStatus::AlreadyAssigned,
            principal: Some(principal),
            assignment: Some(RoleAssignment::from(inherited)),
            visible,
            message: format!(
                "{label} already had the {role_name} role here, through an assignment on {}.",
                describe_scope(&assignment_scope(inherited))
            ),
            operation_id: None,
        });
    }

    let had_it_here = existing
        .iter()
        .any(|dto| is_role(dto, role) && same_scope(&assignment_scope(dto), &scope.id));

    progress.stage(Stage::Requested);
    let role_definition = role_definition_id(&workspace.subscription_id, role.guid());
    // A principal created moments ago is not yet known to every directory replica: ARM answers
    // PrincipalNotFound until it is. That is no transient failure of the request (the pipeline
    // does not repeat it), so it is waited out here, with a growing pause.
    let principal_wait = Wait::every(
        settings.principal_retry_initial_delay,
        settings.principal_retry_timeout,
    )
    .with_max_interval(settings.principal_retry_max_delay);
    let scope_ref = &scope.id;
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
            // 409: an assignment of the role to this principal exists at the scope under
            // another name (made in the portal, say). Show that one.
            let found = services
                .authorization
                .list_role_assignments_for_principal(&scope.id, &principal.object_id)
                .await?
                .into_iter()
                .find(|dto| is_role(dto, role) && same_scope(&assignment_scope(dto), &scope.id));
            let assignment =
                found
                    .as_ref()
                    .map(RoleAssignment::from)
                    .unwrap_or_else(|| RoleAssignment {
                        id: format!(
                            "{}/providers/Microsoft.Authorization/roleAssignments/{name}",
                            scope.id
                        ),
                        name: name.to_string(),
                        scope: Some(scope.id.clone()),
                        role_definition_id: role_definition.clone(),
                        role_name: Some(role_name.to_owned()),
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
        role,
        &scope,
        &principal,
        is_me,
        Some(&assignment.name),
        settings,
        &progress,
    )
    .await?;
    // The workspace keeps its plain name in the message people have always read.
    let place = match scope.kind {
        RoleScope::Workspace => workspace.name.clone(),
        _ => scope.label.clone(),
    };
    let action = match status {
        GrantStatus::Granted => format!(
            "{label} now {} the {role_name} role on {place}.",
            if is_me { "have" } else { "has" },
        ),
        _ => format!("{label} already had the {role_name} role on {place}."),
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

/// Re-checks until the grant is in effect: for the caller, until their effective permissions at
/// the scope hold what the role gives (the runtime actions, the blob or file data actions, the
/// registry pull); for others, until the assignment is listed at the scope.
#[allow(clippy::too_many_arguments)]
pub(super) async fn wait_until_visible(
    services: &Services,
    workspace: &WorkspaceRef,
    role: GrantableRole,
    scope: &GrantScope,
    principal: &PrincipalSummary,
    is_me: bool,
    assignment_name: Option<&str>,
    settings: GrantSettings,
    progress: &Progress,
) -> Result<bool> {
    progress.stage(Stage::WaitingForPropagation);
    progress
        .message("Azure can take several minutes to apply a new role; pfrm checks until it does.");
    let kind = scope.kind;
    let scope = &scope.id;
    let visibility = Wait::every(settings.poll_interval, settings.propagation_timeout);
    let outcome = wait::until(&visibility, move |_| async move {
        let visible = if is_me {
            let permissions = match kind {
                RoleScope::Workspace => {
                    services
                        .authorization
                        .list_permissions_for_workspace(workspace)
                        .await?
                }
                _ => services.authorization.list_permissions_at(scope).await?,
            };
            role.in_effect(&permissions)
        } else {
            services
                .authorization
                .list_role_assignments_for_principal(scope, &principal.object_id)
                .await?
                .iter()
                .any(|dto| {
                    is_role(dto, role)
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
