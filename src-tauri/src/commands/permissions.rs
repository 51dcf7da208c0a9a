//! Commands of the permissions screen: who may grant on a workspace, finding a person, the
//! workspace's role assignments and endpoints, granting AzureML Data Scientist and removing an
//! assignment. Each parses its input, calls `pfrm_core::ops::permissions`, and returns the result
//! or a `pfrm_core::Error`; a grant's wait for Azure to apply it is an operation whose progress
//! reaches the UI through `watch_operations`.

use pfrm_core::ops::permissions::{
    self, EndpointIdentity, GrantAbility, GrantOutcome, GrantRequest, PrincipalSummary,
    RevokeOutcome, RevokeRequest, WorkspaceRoleAssignment,
};

use super::{Host, Reply};

pub async fn grant_ability(host: &Host, workspace_id: String) -> Reply<GrantAbility> {
    permissions::can_grant(&host.services().await?, &workspace_id).await
}

pub async fn find_user(host: &Host, email_or_upn: String) -> Reply<PrincipalSummary> {
    permissions::find_user(&host.services().await?, &email_or_upn).await
}

/// Every assignment that applies to the workspace, or only `principal_id`'s.
pub async fn list_role_assignments(
    host: &Host,
    workspace_id: String,
    principal_id: Option<String>,
) -> Reply<Vec<WorkspaceRoleAssignment>> {
    let services = host.services().await?;
    permissions::list_workspace_assignments(&services, &workspace_id, principal_id.as_deref()).await
}

pub async fn list_endpoint_identities(
    host: &Host,
    workspace_id: String,
) -> Reply<Vec<EndpointIdentity>> {
    permissions::list_endpoint_identities(&host.services().await?, &workspace_id).await
}

/// Grants the role, then waits (as an operation) until Azure applies it or the limit passes.
pub async fn grant_data_scientist(host: &Host, request: GrantRequest) -> Reply<GrantOutcome> {
    let services = host.services().await?;
    let settings = host.session().grant_settings().await;
    permissions::grant_data_scientist(&services, request, settings).await
}

pub async fn revoke_role_assignment(host: &Host, request: RevokeRequest) -> Reply<RevokeOutcome> {
    permissions::revoke_assignment(&host.services().await?, request).await
}
