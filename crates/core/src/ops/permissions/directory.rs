//! Reading who is who: people in the directory, the workspace's endpoints and their identities,
//! and the role assignments that apply to the workspace.

use super::*;

/// Finds a person by user principal name, then by email. Unknown → `not_found` with a remedy.
pub async fn find_user(services: &Services, email_or_upn: &str) -> Result<PrincipalSummary> {
    let wanted = email_or_upn.trim();
    let unusable = crate::azure::check_segment(wanted).is_err();
    if unusable || wanted.contains(['/', '?', '#']) && !wanted.contains("#EXT#") {
        return Err(Error::invalid_input(format!(
            "'{wanted}' is not an email address or user name."
        ))
        .with_remedy("Enter the person's work email or the user name they sign in with, e.g. someone@contoso.com."));
    }
    match services.graph.get_user(wanted).await {
        Ok(user) => return Ok(PrincipalSummary::from_user(user)),
        Err(error) if error.code == ErrorCode::NotFound => {}
        Err(error) => return Err(error),
    }
    let mut by_mail = services.graph.find_users_by_mail(wanted).await?;
    match by_mail.len() {
        0 => Err(Error::new(
            ErrorCode::NotFound,
            format!("No one with the user name or email '{wanted}' was found in your organization's directory."),
        )
        .with_remedy("Check the spelling, or ask the person for the user name they sign in to Azure with. People from other organizations must first be invited to your directory as guests.")),
        1 => Ok(PrincipalSummary::from_user(by_mail.remove(0))),
        count => Err(Error::new(
            ErrorCode::InvalidInput,
            format!("{count} people in the directory have the email '{wanted}'."),
        )
        .with_remedy("Enter the user name they sign in with instead of the email.")),
    }
}

/// The workspace's managed online endpoints and whether each has a system-assigned identity.
pub async fn list_endpoint_identities(
    services: &Services,
    workspace_id: &str,
) -> Result<Vec<EndpointIdentity>> {
    let workspace = WorkspaceRef::from_arm_id(workspace_id)?;
    let mut endpoints: Vec<EndpointIdentity> = services
        .arm
        .list_online_endpoints(&workspace)
        .await?
        .iter()
        .map(endpoint_identity)
        .collect();
    endpoints.sort_by_key(|e| e.endpoint_name.to_lowercase());
    Ok(endpoints)
}

pub(super) fn endpoint_identity(dto: &crate::azure::arm::OnlineEndpointDto) -> EndpointIdentity {
    let identity_type = dto.identity.as_ref().and_then(|i| i.identity_type.clone());
    let system_assigned = identity_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("systemassigned"));
    let principal_id = dto
        .identity
        .as_ref()
        .and_then(|i| i.principal_id.clone())
        .filter(|id| system_assigned && !id.is_empty());
    let explanation = principal_id.is_none().then(|| {
        format!(
            "The endpoint '{}' has no system-assigned managed identity, so there is no identity to give the role to. Its deployments use {}. To let them use the workspace, recreate the endpoint with a system-assigned identity (identity type SystemAssigned), or grant the role to its user-assigned identity in the Azure portal.",
            dto.name,
            match identity_type.as_deref() {
                Some(t) if t.eq_ignore_ascii_case("UserAssigned") => "a user-assigned identity",
                _ => "no managed identity",
            }
        )
    });
    EndpointIdentity {
        endpoint_name: dto.name.clone(),
        identity_type,
        principal_id,
        explanation,
    }
}

/// The role assignments at `scope` (for one principal, or everyone).
async fn assignments_at(
    services: &Services,
    scope: &str,
    principal_id: Option<&str>,
) -> Result<Vec<RoleAssignmentDto>> {
    match principal_id {
        Some(id) => {
            services
                .authorization
                .list_role_assignments_for_principal(scope, id)
                .await
        }
        None => {
            services
                .authorization
                .list_role_assignments(scope, None)
                .await
        }
    }
}

/// The assignments made on a workspace's storage account or registry (or inside it), where the
/// storage and registry roles are granted. One that cannot be read (no permission to read
/// assignments there) leaves that resource's out: the workspace's own list still stands.
async fn resource_assignments(
    services: &Services,
    resource: Option<String>,
    kind: RoleScope,
    principal_id: Option<&str>,
) -> Vec<(RoleScope, RoleAssignmentDto)> {
    let Some(resource) = resource.filter(|id| !id.trim().is_empty()) else {
        return Vec::new();
    };
    match assignments_at(services, &resource, principal_id).await {
        Ok(dtos) => dtos
            .into_iter()
            // Those above the resource (its group, the subscription) are the workspace's too.
            .filter(|dto| scope_covers(&resource, &assignment_scope(dto)))
            .map(|dto| (kind, dto))
            .collect(),
        Err(error) => {
            tracing::debug!(scope = %resource, "assignments at the resource not listed: {}", error.message);
            Vec::new()
        }
    }
}

/// Role assignments that apply to the workspace (made on it, above it, or on its children), and
/// those made on its storage account and container registry, for one principal or for everyone,
/// with role and principal names resolved and each labelled by where it was made.
pub async fn list_workspace_assignments(
    services: &Services,
    workspace_id: &str,
    principal_id: Option<&str>,
) -> Result<Vec<WorkspaceRoleAssignment>> {
    let workspace = WorkspaceRef::from_arm_id(workspace_id)?;
    let scope = workspace.arm_id();
    let (dtos, properties) = tokio::join!(
        assignments_at(services, &scope, principal_id),
        services.arm.get_workspace(&workspace),
    );
    // Assignments on the workspace or above it; those on children (a compute) do not apply.
    let mut dtos: Vec<(RoleScope, RoleAssignmentDto)> = dtos?
        .into_iter()
        .filter(|dto| scope_covers(&assignment_scope(dto), &scope))
        .map(|dto| (RoleScope::Workspace, dto))
        .collect();
    if let Ok(properties) = properties.map(|dto| dto.properties) {
        let (storage, registry) = tokio::join!(
            resource_assignments(
                services,
                properties.storage_account,
                RoleScope::Storage,
                principal_id
            ),
            resource_assignments(
                services,
                properties.container_registry,
                RoleScope::Registry,
                principal_id
            ),
        );
        dtos.extend(storage);
        dtos.extend(registry);
    }

    let mut role_names: HashMap<String, String> = HashMap::new();
    for (_, dto) in &dtos {
        let guid = role_guid_of(&dto.properties.role_definition_id).to_ascii_lowercase();
        if role_names.contains_key(&guid) {
            continue;
        }
        let name = match role_name_of(&guid) {
            Some(name) => name.to_owned(),
            None => services
                .authorization
                .get_role_definition(&scope, &guid)
                .await
                .ok()
                .and_then(|definition| definition.properties.role_name)
                .unwrap_or_else(|| format!("Custom role {guid}")),
        };
        role_names.insert(guid, name);
    }

    let endpoints = if dtos.iter().any(|(_, dto)| {
        PrincipalKind::from_azure(dto.properties.principal_type.as_deref()) != PrincipalKind::User
    }) {
        services
            .arm
            .list_online_endpoints(&workspace)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut principals: HashMap<String, PrincipalSummary> = HashMap::new();
    let mut result = Vec::new();
    for (at, dto) in dtos {
        let principal_key = dto.properties.principal_id.to_ascii_lowercase();
        let principal = match principals.get(&principal_key) {
            Some(found) => found.clone(),
            None => {
                let resolved = resolve_principal(services, &dto, &endpoints).await;
                principals.insert(principal_key, resolved.clone());
                resolved
            }
        };
        let guid = role_guid_of(&dto.properties.role_definition_id).to_ascii_lowercase();
        let inherited = at == RoleScope::Workspace && !same_scope(&assignment_scope(&dto), &scope);
        let mut assignment = RoleAssignment::from(&dto);
        let role_name = role_names.get(&guid).cloned().unwrap_or_default();
        assignment.role_name = Some(role_name.clone());
        let place = AssignmentPlace::of(at, inherited, assignment.scope.as_deref());
        result.push(WorkspaceRoleAssignment {
            role: GrantableRole::of_guid(&guid),
            place,
            assignment,
            role_name,
            principal,
            inherited,
            // Removed where it was made: only the workspace's own are removed here.
            removable: at == RoleScope::Workspace && !inherited,
            at,
        });
    }
    result.sort_by_cached_key(|a| {
        (
            a.at != RoleScope::Workspace,
            a.inherited,
            a.at as u8,
            a.principal.label().to_lowercase(),
            a.role_name.to_lowercase(),
        )
    });
    Ok(result)
}

pub(super) async fn resolve_principal(
    services: &Services,
    dto: &RoleAssignmentDto,
    endpoints: &[crate::azure::arm::OnlineEndpointDto],
) -> PrincipalSummary {
    let id = &dto.properties.principal_id;
    let kind = PrincipalKind::from_azure(dto.properties.principal_type.as_deref());
    if let Some(endpoint) = endpoints.iter().find(|endpoint| {
        endpoint
            .identity
            .as_ref()
            .and_then(|i| i.principal_id.as_deref())
            .is_some_and(|p| p.eq_ignore_ascii_case(id))
    }) {
        return PrincipalSummary {
            object_id: id.clone(),
            kind: PrincipalKind::ServicePrincipal,
            display_name: Some(format!("Endpoint {}", endpoint.name)),
            user_principal_name: None,
            mail: None,
            endpoint_name: Some(endpoint.name.clone()),
        };
    }
    if matches!(kind, PrincipalKind::User | PrincipalKind::Unknown) {
        if let Ok(user) = services.graph.get_user(id).await {
            return PrincipalSummary::from_user(user);
        }
    }
    PrincipalSummary {
        object_id: id.clone(),
        kind,
        display_name: None,
        user_principal_name: None,
        mail: None,
        endpoint_name: None,
    }
}
