use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A role assignment on a scope (who has which role where).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// ARM id of the assignment.
    pub id: String,
    /// The assignment's GUID name.
    pub name: String,
    pub scope: Option<String>,
    /// Full role definition id (`/subscriptions/.../roleDefinitions/{guid}`).
    pub role_definition_id: String,
    /// Display name of the role when pfrm knows it (built-in roles).
    pub role_name: Option<String>,
    pub principal_id: String,
    /// `User`, `Group`, `ServicePrincipal`, ...
    pub principal_type: Option<String>,
    pub created_on: Option<String>,
}
