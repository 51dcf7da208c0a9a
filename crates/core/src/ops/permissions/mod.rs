//! Granting the AzureML Data Scientist role on a workspace — and the storage and registry roles
//! that runtimes need (Storage Blob Data Contributor and Storage File Data Privileged Contributor
//! on the workspace's storage account, AcrPull on its registry) — to the signed-in user, to a
//! colleague found in the directory, to an online endpoint's managed identity or to the
//! workspace's own identity, checked before (may the caller grant there at all?) and verified
//! after (is the new assignment in effect yet?).
//!
//! Azure applies a new role assignment after a delay of up to several minutes, so a grant is an
//! operation that waits for the assignment to become visible and reports whether it did within a
//! time limit. Assignment names are derived from scope, principal and role, so a retried grant
//! can never create a second assignment.
//!
//! One module per concern: [`types`] (what crosses to the hosts), [`rules`], [`checks`]
//! (before any write), [`directory`] (reading people, endpoints and assignments), [`grant`] and
//! [`revoke`].

mod checks;
mod directory;
mod grant;
mod revoke;
mod rules;
mod types;

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
use crate::diagnosis::RoleScope;
use crate::error::{Error, ErrorCode, Result};
use crate::http::wait::{self, Look, Wait, Waited};
use crate::model::RoleAssignment;
use crate::ops::{OperationKind, Progress, Stage};
use crate::preflight::{ASSIGN_ROLES_ACTION, RUNTIME_ACTIONS};
use crate::services::Services;

pub use checks::can_grant;
use checks::*;
use directory::*;
pub use directory::{find_user, list_endpoint_identities, list_workspace_assignments};
pub use grant::{grant_data_scientist, grant_role};
pub use revoke::revoke_assignment;
use rules::*;
pub use rules::{
    assignment_name, request_text, DATA_SCIENTIST_ROLE_GUID, DATA_SCIENTIST_ROLE_NAME,
    REMOVE_ROLES_ACTION,
};
pub use types::*;
