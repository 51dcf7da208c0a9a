//! Commands of the permissions screen: who may grant on a workspace, finding a person, the
//! workspace's role assignments and endpoints, granting AzureML Data Scientist and removing an
//! assignment. Each parses its input, calls `pfrm_core::ops::permissions`, and returns the result
//! or a `pfrm_core::Error`; a grant's wait for Azure to apply it is an operation whose progress
//! reaches the UI through `watch_operations`.

use pfrm_core::ops::permissions::{
    self, EndpointIdentity, GrantAbility, GrantOutcome, GrantRequest, PrincipalSummary,
    RevokeOutcome, RevokeRequest, WorkspaceRoleAssignment,
};
use pfrm_core::Error;
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, Error>;

#[tauri::command]
pub async fn grant_ability(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Reply<GrantAbility> {
    let (services, _) = state.session.services().await?;
    permissions::can_grant(&services, &workspace_id).await
}

#[tauri::command]
pub async fn find_user(
    state: State<'_, AppState>,
    email_or_upn: String,
) -> Reply<PrincipalSummary> {
    let (services, _) = state.session.services().await?;
    permissions::find_user(&services, &email_or_upn).await
}

/// Every assignment that applies to the workspace, or only `principal_id`'s.
#[tauri::command]
pub async fn list_role_assignments(
    state: State<'_, AppState>,
    workspace_id: String,
    principal_id: Option<String>,
) -> Reply<Vec<WorkspaceRoleAssignment>> {
    let (services, _) = state.session.services().await?;
    permissions::list_workspace_assignments(&services, &workspace_id, principal_id.as_deref()).await
}

#[tauri::command]
pub async fn list_endpoint_identities(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Reply<Vec<EndpointIdentity>> {
    let (services, _) = state.session.services().await?;
    permissions::list_endpoint_identities(&services, &workspace_id).await
}

/// Grants the role, then waits (as an operation) until Azure applies it or the limit passes.
#[tauri::command]
pub async fn grant_data_scientist(
    state: State<'_, AppState>,
    request: GrantRequest,
) -> Reply<GrantOutcome> {
    let (services, _) = state.session.services().await?;
    let settings = state.session.grant_settings().await;
    permissions::grant_data_scientist(&services, request, settings).await
}

#[tauri::command]
pub async fn revoke_role_assignment(
    state: State<'_, AppState>,
    request: RevokeRequest,
) -> Reply<RevokeOutcome> {
    let (services, _) = state.session.services().await?;
    permissions::revoke_assignment(&services, request).await
}
