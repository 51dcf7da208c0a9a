//! Granting the AzureML Data Scientist role on a workspace, to the signed-in user, to a colleague
//! found in the directory, or to an online endpoint's managed identity — checked before (may the
//! caller grant at all?) and verified after (is the new assignment in effect yet?).
//!
//! Azure applies a new role assignment after a delay of up to several minutes, so a grant is an
//! operation that waits for the assignment to become visible and reports whether it did within a
//! time limit. Assignment names are derived from scope, principal and role, so a retried grant
//! can never create a second assignment.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;
use uuid::Uuid;

use crate::azure::authorization::{
    builtin_roles, is_action_allowed, role_definition_id, PrincipalType, RoleAssignmentDto,
};
use crate::azure::graph::GraphUser;
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::http::wait::{self, Look, Wait, Waited};
use crate::model::RoleAssignment;
use crate::ops::{OperationKind, Progress, Stage};
use crate::preflight::{ASSIGN_ROLES_ACTION, RUNTIME_ACTIONS};
use crate::services::Services;

/// The role this screen grants.
pub const DATA_SCIENTIST_ROLE_GUID: &str = builtin_roles::AZUREML_DATA_SCIENTIST;
/// Its display name.
pub const DATA_SCIENTIST_ROLE_NAME: &str = "AzureML Data Scientist";
/// The action removing an assignment needs.
pub const REMOVE_ROLES_ACTION: &str = "Microsoft.Authorization/roleAssignments/delete";

/// Built-in roles that may appear on a workspace beside the ones pfrm grants; named locally so
/// that listing assignments needs no extra request for them.
const OTHER_BUILTIN_ROLES: &[(&str, &str)] = &[
    ("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"),
    (
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
    ),
];

/// Roles whose holders can assign roles (named in "who can grant").
const GRANTING_ROLES: &[&str] = &[builtin_roles::OWNER, "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"];

/// Fixed namespace of the deterministic assignment names (a random UUID chosen once for pfrm).
const ASSIGNMENT_NAME_NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_3c2e_9a4d_4f7b_8e21_5d0c_a7f3_9e64);

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
    fn from_azure(text: Option<&str>) -> PrincipalKind {
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

    fn from_user(user: GraphUser) -> PrincipalSummary {
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrantRequest {
    pub workspace_id: String,
    pub target: GrantTarget,
}

/// How a grant ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum GrantStatus {
    /// A new assignment was made.
    Granted,
    /// The principal already had the role on the workspace (or inherited it from above).
    AlreadyAssigned,
    /// The endpoint has no system-assigned managed identity, so there is nothing to grant to.
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
    fn operation_timeout(&self) -> Duration {
        self.principal_retry_timeout + self.propagation_timeout + Duration::from_secs(120)
    }
}

fn role_name_of(role_guid: &str) -> Option<&'static str> {
    builtin_roles::name_of(role_guid).or_else(|| {
        OTHER_BUILTIN_ROLES
            .iter()
            .find(|(guid, _)| guid.eq_ignore_ascii_case(role_guid))
            .map(|(_, name)| *name)
    })
}

fn role_guid_of(role_definition_id: &str) -> &str {
    role_definition_id.rsplit('/').next().unwrap_or_default()
}

/// `a` is `b` or an ancestor of `b` (ARM ids compare case-insensitively).
fn scope_covers(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('/').to_ascii_lowercase();
    let b = b.trim_end_matches('/').to_ascii_lowercase();
    a == b || b.starts_with(&format!("{a}/"))
}

fn same_scope(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

fn assignment_scope(dto: &RoleAssignmentDto) -> String {
    dto.properties.scope.clone().unwrap_or_else(|| {
        dto.id
            .split("/providers/Microsoft.Authorization/")
            .next()
            .unwrap_or_default()
            .to_owned()
    })
}

fn is_data_scientist(dto: &RoleAssignmentDto) -> bool {
    role_guid_of(&dto.properties.role_definition_id).eq_ignore_ascii_case(DATA_SCIENTIST_ROLE_GUID)
}

fn arm_code(error: &Error) -> Option<&str> {
    error
        .details
        .as_ref()?
        .get("armCode")
        .and_then(serde_json::Value::as_str)
}

fn who_can_grant_text(workspace: &WorkspaceRef) -> String {
    format!(
        "An Owner or User Access Administrator of the workspace '{}', of its resource group '{}' or of its subscription can grant the {DATA_SCIENTIST_ROLE_NAME} role.",
        workspace.name, workspace.resource_group
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

fn endpoint_identity(dto: &crate::azure::arm::OnlineEndpointDto) -> EndpointIdentity {
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

/// Role assignments that apply to the workspace (made on it, above it, or on its children), for
/// one principal or for everyone, with role and principal names resolved.
pub async fn list_workspace_assignments(
    services: &Services,
    workspace_id: &str,
    principal_id: Option<&str>,
) -> Result<Vec<WorkspaceRoleAssignment>> {
    let workspace = WorkspaceRef::from_arm_id(workspace_id)?;
    let scope = workspace.arm_id();
    let dtos = match principal_id {
        Some(id) => {
            services
                .authorization
                .list_role_assignments_for_principal(&scope, id)
                .await?
        }
        None => {
            services
                .authorization
                .list_role_assignments(&scope, None)
                .await?
        }
    };
    // Assignments on the workspace or above it; those on children (a compute) do not apply.
    let dtos: Vec<RoleAssignmentDto> = dtos
        .into_iter()
        .filter(|dto| scope_covers(&assignment_scope(dto), &scope))
        .collect();

    let mut role_names: HashMap<String, String> = HashMap::new();
    for dto in &dtos {
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

    let endpoints = if dtos.iter().any(|dto| {
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
    for dto in dtos {
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
        let inherited = !same_scope(&assignment_scope(&dto), &scope);
        let mut assignment = RoleAssignment::from(&dto);
        let role_name = role_names.get(&guid).cloned().unwrap_or_default();
        assignment.role_name = Some(role_name.clone());
        result.push(WorkspaceRoleAssignment {
            assignment,
            role_name,
            principal,
            inherited,
            removable: !inherited,
        });
    }
    result.sort_by_cached_key(|a| {
        (
            a.inherited,
            a.principal.label().to_lowercase(),
            a.role_name.to_lowercase(),
        )
    });
    Ok(result)
}

async fn resolve_principal(
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

/// Refuses up front (before any write) when the caller may not grant on the workspace.
async fn require_grant_permission(services: &Services, workspace: &WorkspaceRef) -> Result<()> {
    let permissions = services
        .authorization
        .list_permissions_for_workspace(workspace)
        .await?;
    if is_action_allowed(&permissions, ASSIGN_ROLES_ACTION) {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::PermissionDenied,
        format!(
            "You cannot grant roles on the workspace '{}': your roles there do not include '{ASSIGN_ROLES_ACTION}'.",
            workspace.name
        ),
    )
    .with_remedy(format!(
        "{} Send them a request (\"Copy request\" on the permissions screen).",
        who_can_grant_text(workspace)
    ))
    .with_detail("action", ASSIGN_ROLES_ACTION))
}

/// Who receives the role, resolved before anything is written.
enum Resolved {
    Principal {
        principal: PrincipalSummary,
        principal_type: PrincipalType,
        is_me: bool,
    },
    NoIdentity(EndpointIdentity),
}

async fn resolve_target(
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
async fn grant_work(
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
            super::registry::describe_duration(settings.propagation_timeout),
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

fn describe_scope(scope: &str) -> String {
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

/// Re-checks until the grant is in effect: for the caller, until the runtime actions are allowed
/// in their effective permissions; for others, until the assignment is listed.
async fn wait_until_visible(
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
