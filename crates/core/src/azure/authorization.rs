//! Microsoft.Authorization: effective permissions, role definitions and role assignments.

use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{id_segments, url_with_segments, WorkspaceRef};
use crate::cloud::Audience;
use crate::error::Result;
use crate::http::pager::Pager;
use crate::http::{ApiRequest, Method, Pipeline};
use crate::model::RoleAssignment;

/// Api-version of every Microsoft.Authorization call.
pub const API_VERSION: &str = "2022-04-01";

/// Built-in role definition GUIDs pfrm uses.
pub mod builtin_roles {
    pub const AZUREML_DATA_SCIENTIST: &str = "f6c7c914-8db3-469d-8ca1-694a8f32e121";
    pub const AZUREML_COMPUTE_OPERATOR: &str = "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815";
    pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    /// Read, write and delete blobs (identity-based datastore access).
    pub const STORAGE_BLOB_DATA_CONTRIBUTOR: &str = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    /// Read, write and change permissions of files in Azure Files shares (the flow files).
    pub const STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR: &str =
        "69566ab7-960f-475b-8e7c-b3118f30c6bd";
    /// Pull images from a container registry.
    pub const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    /// Display name of a built-in role GUID pfrm knows.
    pub fn name_of(role_guid: &str) -> Option<&'static str> {
        let guid = role_guid.to_ascii_lowercase();
        match guid.as_str() {
            AZUREML_DATA_SCIENTIST => Some("AzureML Data Scientist"),
            AZUREML_COMPUTE_OPERATOR => Some("AzureML Compute Operator"),
            OWNER => Some("Owner"),
            CONTRIBUTOR => Some("Contributor"),
            STORAGE_BLOB_DATA_CONTRIBUTOR => Some("Storage Blob Data Contributor"),
            STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR => {
                Some("Storage File Data Privileged Contributor")
            }
            ACR_PULL => Some("AcrPull"),
            _ => None,
        }
    }
}

/// Full role definition id of a role GUID in a subscription.
pub fn role_definition_id(subscription_id: &str, role_guid: &str) -> String {
    format!("/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}")
}

/// One entry of the permissions list (one per role assignment in effect).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Permission {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub data_actions: Vec<String>,
    pub not_data_actions: Vec<String>,
}

/// Case-insensitive match of an action against a pattern where `*` matches any run of characters.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let action = action.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == action;
    }
    let mut rest = action.as_str();
    let first = parts[0];
    let Some(after_first) = rest.strip_prefix(first) else {
        return false;
    };
    rest = after_first;
    let last = parts[parts.len() - 1];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(index) => rest = &rest[index + middle.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// A notActions pattern also excludes the action with the wildcard segment left out
/// (`computes/*/write` excludes `computes/write`): built-in roles rely on that reading (AzureML
/// Data Scientist cannot create computes), and for a permission check the cautious answer is
/// the right one.
fn excluded_by(pattern: &str, action: &str) -> bool {
    action_matches(pattern, action) || action_matches(&pattern.replace("/*/", "/"), action)
}

/// Whether `action` is allowed: some entry has a matching action and no matching notAction.
pub fn is_action_allowed(permissions: &[Permission], action: &str) -> bool {
    permissions.iter().any(|permission| {
        permission
            .actions
            .iter()
            .any(|pattern| action_matches(pattern, action))
            && !permission
                .not_actions
                .iter()
                .any(|pattern| excluded_by(pattern, action))
    })
}

/// Same rule for data actions.
pub fn is_data_action_allowed(permissions: &[Permission], action: &str) -> bool {
    permissions.iter().any(|permission| {
        permission
            .data_actions
            .iter()
            .any(|pattern| action_matches(pattern, action))
            && !permission
                .not_data_actions
                .iter()
                .any(|pattern| excluded_by(pattern, action))
    })
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleDefinitionDto {
    pub id: String,
    pub name: String,
    pub properties: RoleDefinitionProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleDefinitionProperties {
    pub role_name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub role_type: Option<String>,
    pub permissions: Vec<Permission>,
    pub assignable_scopes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleAssignmentDto {
    pub id: String,
    pub name: String,
    pub properties: RoleAssignmentProperties,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleAssignmentProperties {
    pub role_definition_id: String,
    pub principal_id: String,
    pub principal_type: Option<String>,
    pub scope: Option<String>,
    pub created_on: Option<String>,
    pub description: Option<String>,
}

impl From<&RoleAssignmentDto> for RoleAssignment {
    fn from(dto: &RoleAssignmentDto) -> Self {
        let role_guid = dto
            .properties
            .role_definition_id
            .rsplit('/')
            .next()
            .unwrap_or_default();
        RoleAssignment {
            id: dto.id.clone(),
            name: dto.name.clone(),
            scope: dto.properties.scope.clone(),
            role_definition_id: dto.properties.role_definition_id.clone(),
            role_name: builtin_roles::name_of(role_guid).map(str::to_owned),
            principal_id: dto.properties.principal_id.clone(),
            principal_type: dto.properties.principal_type.clone(),
            created_on: dto.properties.created_on.clone(),
        }
    }
}

/// `principalType` of a new assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    User,
    Group,
    ServicePrincipal,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "User",
            PrincipalType::Group => "Group",
            PrincipalType::ServicePrincipal => "ServicePrincipal",
        }
    }
}

/// Client for Microsoft.Authorization. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AuthorizationClient {
    pipeline: Pipeline,
}

impl AuthorizationClient {
    pub fn new(pipeline: Pipeline) -> Self {
        AuthorizationClient { pipeline }
    }

    /// A request for `{scope}/providers/Microsoft.Authorization/{collection}[/{name}]`, where
    /// `scope` is an ARM id (subscription, resource group or resource).
    fn request(
        &self,
        method: Method,
        scope: &str,
        collection: &str,
        name: Option<&str>,
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        let segments = id_segments(scope)
            .chain(["providers", "Microsoft.Authorization", collection])
            .chain(name);
        let url = url_with_segments(&self.pipeline.cloud().arm_endpoint, segments)?;
        Ok(
            ApiRequest::new(method, url, Audience::Arm, operation)
                .query("api-version", API_VERSION),
        )
    }

    /// Every page of a collection at a scope, optionally with an OData `$filter`.
    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        scope: &str,
        collection: &str,
        filter: Option<&str>,
        operation: impl Into<String>,
    ) -> Result<Vec<T>> {
        let mut request = self.request(Method::GET, scope, collection, None, operation)?;
        if let Some(filter) = filter {
            request = request.query("$filter", filter);
        }
        Pager::new(self.pipeline.clone(), request)
            .collect_all()
            .await
    }

    /// The caller's effective permissions on a workspace.
    pub async fn list_permissions_for_workspace(
        &self,
        workspace: &WorkspaceRef,
    ) -> Result<Vec<Permission>> {
        let scope = format!(
            "subscriptions/{}/resourcegroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            workspace.subscription_id, workspace.resource_group, workspace.name
        );
        self.list(
            &scope,
            "permissions",
            None,
            format!("check your permissions on workspace '{}'", workspace.name),
        )
        .await
    }

    /// The caller's effective permissions on any resource, by ARM id (a storage account, a
    /// container registry).
    pub async fn list_permissions_at(&self, scope: &str) -> Result<Vec<Permission>> {
        let name = scope.rsplit('/').next().unwrap_or(scope).to_owned();
        self.list(
            scope,
            "permissions",
            None,
            format!("check your permissions on '{name}'"),
        )
        .await
    }

    /// The caller's effective permissions on a resource group.
    pub async fn list_permissions_for_resource_group(
        &self,
        subscription_id: &str,
        resource_group: &str,
    ) -> Result<Vec<Permission>> {
        let scope = format!("subscriptions/{subscription_id}/resourcegroups/{resource_group}");
        self.list(
            &scope,
            "permissions",
            None,
            format!("check your permissions on resource group '{resource_group}'"),
        )
        .await
    }

    /// A role definition by GUID at a scope.
    pub async fn get_role_definition(
        &self,
        scope: &str,
        role_guid: &str,
    ) -> Result<RoleDefinitionDto> {
        let request = self.request(
            Method::GET,
            scope,
            "roleDefinitions",
            Some(role_guid),
            format!("read role definition {role_guid}"),
        )?;
        self.pipeline.send_json(&request).await
    }

    /// Role definitions at a scope, optionally filtered (`roleName eq 'AzureML Data Scientist'`).
    pub async fn list_role_definitions(
        &self,
        scope: &str,
        filter: Option<&str>,
    ) -> Result<Vec<RoleDefinitionDto>> {
        self.list(scope, "roleDefinitions", filter, "list role definitions")
            .await
    }

    /// Creates the assignment `name` (a new GUID per grant) of `role_definition_id` to a principal.
    pub async fn create_role_assignment(
        &self,
        scope: &str,
        name: Uuid,
        role_definition_id: &str,
        principal_id: &str,
        principal_type: PrincipalType,
    ) -> Result<RoleAssignmentDto> {
        let role =
            builtin_roles::name_of(role_definition_id.rsplit('/').next().unwrap_or_default())
                .unwrap_or("the role");
        let request = self
            .request(
                Method::PUT,
                scope,
                "roleAssignments",
                Some(&name.to_string()),
                format!("grant {role} to {principal_id}"),
            )?
            .json(json!({
                "properties": {
                    "roleDefinitionId": role_definition_id,
                    "principalId": principal_id,
                    "principalType": principal_type.as_str(),
                }
            }));
        self.pipeline.send_json(&request).await
    }

    pub async fn get_role_assignment(&self, scope: &str, name: &str) -> Result<RoleAssignmentDto> {
        let request = self.request(
            Method::GET,
            scope,
            "roleAssignments",
            Some(name),
            format!("read role assignment {name}"),
        )?;
        self.pipeline.send_json(&request).await
    }

    /// Role assignments at (and above/below) a scope, optionally filtered
    /// (`principalId eq '{oid}'`, `atScope()`).
    pub async fn list_role_assignments(
        &self,
        scope: &str,
        filter: Option<&str>,
    ) -> Result<Vec<RoleAssignmentDto>> {
        self.list(scope, "roleAssignments", filter, "list role assignments")
            .await
    }

    /// Assignments of one principal at a scope.
    pub async fn list_role_assignments_for_principal(
        &self,
        scope: &str,
        principal_id: &str,
    ) -> Result<Vec<RoleAssignmentDto>> {
        let filter = format!("principalId eq '{}'", principal_id.replace('\'', "''"));
        self.list_role_assignments(scope, Some(&filter)).await
    }

    /// Deletes an assignment; `None` when it was already gone (204).
    pub async fn delete_role_assignment(
        &self,
        scope: &str,
        name: &str,
    ) -> Result<Option<RoleAssignmentDto>> {
        let request = self.request(
            Method::DELETE,
            scope,
            "roleAssignments",
            Some(name),
            format!("remove role assignment {name}"),
        )?;
        let response = self.pipeline.send(&request).await?;
        if response.status == 204 || response.body.is_empty() {
            return Ok(None);
        }
        response.json(&request.operation).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_scientist() -> Permission {
        Permission {
            actions: vec![
                "Microsoft.MachineLearningServices/workspaces/*/read".into(),
                "Microsoft.MachineLearningServices/workspaces/*/action".into(),
                "Microsoft.MachineLearningServices/workspaces/*/delete".into(),
                "Microsoft.MachineLearningServices/workspaces/*/write".into(),
            ],
            not_actions: vec![
                "Microsoft.MachineLearningServices/workspaces/delete".into(),
                "Microsoft.MachineLearningServices/workspaces/write".into(),
                "Microsoft.MachineLearningServices/workspaces/computes/*/write".into(),
                "Microsoft.MachineLearningServices/workspaces/computes/*/delete".into(),
                "Microsoft.MachineLearningServices/workspaces/computes/listKeys/action".into(),
                "Microsoft.MachineLearningServices/workspaces/listKeys/action".into(),
            ],
            ..Permission::default()
        }
    }

    #[test]
    fn wildcards_match_case_insensitively() {
        assert!(action_matches("*", "Microsoft.Anything/x/read"));
        assert!(action_matches(
            "microsoft.machinelearningservices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/computes/read"
        ));
        assert!(action_matches(
            "*/read",
            "Microsoft.Storage/storageAccounts/read"
        ));
        assert!(!action_matches(
            "*/read",
            "Microsoft.Storage/storageAccounts/write"
        ));
        assert!(action_matches(
            "Microsoft.Authorization/*",
            "microsoft.authorization/roleAssignments/write"
        ));
        assert!(!action_matches(
            "Microsoft.Authorization/*/read",
            "Microsoft.Authorization/read"
        ));
        assert!(action_matches("a*b*c", "a-b-b-c"));
        assert!(!action_matches("ab*ba", "aba"));
    }

    #[test]
    fn not_actions_remove_what_actions_grant() {
        let permissions = [data_scientist()];
        for (action, allowed) in [
            (
                "Microsoft.MachineLearningServices/workspaces/computes/read",
                true,
            ),
            (
                "Microsoft.MachineLearningServices/workspaces/computes/start/action",
                true,
            ),
            (
                "Microsoft.MachineLearningServices/workspaces/computes/write",
                false,
            ),
            ("Microsoft.MachineLearningServices/workspaces/write", false),
            ("Microsoft.Authorization/roleAssignments/write", false),
        ] {
            assert_eq!(is_action_allowed(&permissions, action), allowed, "{action}");
        }
        // A second assignment (Owner) grants what the first excludes: notActions apply per entry.
        let owner = Permission {
            actions: vec!["*".into()],
            ..Permission::default()
        };
        assert!(is_action_allowed(
            &[data_scientist(), owner],
            "Microsoft.MachineLearningServices/workspaces/computes/write"
        ));
        assert!(!is_action_allowed(&[], "anything/read"));
    }

    #[test]
    fn role_assignment_summary_names_built_in_roles() {
        let dto: RoleAssignmentDto = serde_json::from_value(serde_json::json!({
            "id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1",
            "name": "a1", "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": role_definition_id("s", builtin_roles::AZUREML_DATA_SCIENTIST),
                           "principalId": "p1", "principalType": "User", "scope": "/subscriptions/s"}
        }))
        .unwrap();
        let assignment = RoleAssignment::from(&dto);
        assert_eq!(
            assignment.role_name.as_deref(),
            Some("AzureML Data Scientist")
        );
        assert_eq!(assignment.principal_id, "p1");
    }
}
