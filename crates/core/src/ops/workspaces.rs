//! The workspace picker and the workspace's preflight: the reads behind the first screens.
//!
//! Requests that do not depend on each other go out together (bounded), so the picker loads in
//! about the time of its slowest chain of requests, not the sum of all of them.

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::azure::authorization::is_action_allowed;
use crate::azure::WorkspaceRef;
use crate::error::{Error, Result};
use crate::model::{Subscription, WorkspaceSummary};
use crate::preflight::{
    self, AccessFacts, DefaultDatastore, PreflightReport, WorkspaceFacts, ASSIGN_ROLES_ACTION,
    RUNTIME_ACTIONS,
};
use crate::services::Services;

/// How many subscriptions are read at once. ARM allows far more (its read quota is thousands
/// per hour per subscription); the bound keeps a user with hundreds of subscriptions from
/// tripping throttling, while most users' subscriptions load in a single round.
pub const DEFAULT_PARALLEL_REQUESTS: usize = 16;

/// A subscription whose workspaces could not be listed, shown beside the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionProblem {
    pub subscription_id: String,
    pub display_name: String,
    pub error: Error,
}

/// What the workspace picker shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceListing {
    pub subscriptions: Vec<Subscription>,
    /// Sorted by subscription, then workspace name.
    pub workspaces: Vec<WorkspaceSummary>,
    pub problems: Vec<SubscriptionProblem>,
}

/// All workspaces in every usable subscription of the current tenant. A subscription that fails
/// is reported in `problems` and does not hide the others.
pub async fn list_workspaces(services: &Services, max_parallel: usize) -> Result<WorkspaceListing> {
    let subscriptions: Vec<Subscription> = services
        .arm
        .list_subscriptions()
        .await?
        .iter()
        .map(Subscription::from)
        .collect();
    // Owned inputs and a cloned `Services` per request keep the future `Send + 'static`-friendly
    // (the desktop shell runs it on its own runtime).
    let usable: Vec<(String, String)> = subscriptions
        .iter()
        .filter(|s| s.usable)
        .map(|s| (s.subscription_id.clone(), s.display_name.clone()))
        .collect();
    let results: Vec<(String, String, Result<Vec<WorkspaceSummary>>)> = stream::iter(usable)
        .map(|(subscription_id, display_name)| {
            let services = services.clone();
            async move {
                let listed = services
                    .arm
                    .list_workspaces(&subscription_id)
                    .await
                    .map(|dtos| dtos.iter().map(WorkspaceSummary::from).collect());
                (subscription_id, display_name, listed)
            }
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;

    let mut workspaces = Vec::new();
    let mut problems = Vec::new();
    for (subscription_id, display_name, listed) in results {
        match listed {
            Ok(found) => workspaces.extend(found),
            Err(error) => problems.push(SubscriptionProblem {
                subscription_id,
                display_name,
                error,
            }),
        }
    }
    let subscription_name = |id: &str| {
        subscriptions
            .iter()
            .find(|s| s.subscription_id.eq_ignore_ascii_case(id))
            .map(|s| s.display_name.to_lowercase())
            .unwrap_or_default()
    };
    workspaces
        .sort_by_cached_key(|w| (subscription_name(&w.subscription_id), w.name.to_lowercase()));
    problems.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    services.remember_workspaces(&workspaces);
    Ok(WorkspaceListing {
        subscriptions,
        workspaces,
        problems,
    })
}

/// The workspace ids, each once (ARM ids compare case-insensitively), in the order given.
pub fn distinct_workspace_ids(workspace_ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    workspace_ids
        .iter()
        .filter(|id| seen.insert(WorkspaceRef::key_of(id)))
        .cloned()
        .collect()
}

/// A workspace with its preflight checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceCheck {
    pub workspace: WorkspaceSummary,
    pub report: PreflightReport,
}

/// Reads the workspace afresh and evaluates the studio page's prerequisites and the deeper ones
/// it never checks. The workspace, its datastores and the caller's permissions are read at the
/// same time; then the storage account, the storage roles and the region's quota, at the same
/// time again.
pub async fn check_workspace(services: &Services, workspace_id: &str) -> Result<WorkspaceCheck> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let (workspace, datastores, permissions) = tokio::join!(
        services.arm.get_workspace(&reference),
        services.arm.list_datastores(&reference, false),
        services
            .authorization
            .list_permissions_for_workspace(&reference),
    );
    let dto = workspace?;
    let workspace = WorkspaceSummary::from(&dto);
    services.remember_workspaces([&workspace]);
    let default_datastore = datastores
        .as_ref()
        .map(|stores| {
            stores
                .iter()
                .find(|store| store.properties.is_default == Some(true))
                .map(|store| DefaultDatastore {
                    datastore_type: store
                        .properties
                        .datastore_type
                        .clone()
                        .unwrap_or_else(|| "unknown".into()),
                    name: store.name.clone(),
                })
        })
        .map_err(|error| {
            super::prerequisites::unreadable(error, || super::prerequisites::DATASTORES_READ.into())
        });
    let access = match permissions {
        Ok(permissions) => AccessFacts::Known {
            missing_actions: RUNTIME_ACTIONS
                .iter()
                .filter(|action| !is_action_allowed(&permissions, action))
                .map(|action| (*action).to_owned())
                .collect(),
            can_assign_roles: is_action_allowed(&permissions, ASSIGN_ROLES_ACTION),
        },
        Err(error) => AccessFacts::Unknown {
            reason: error.message,
        },
    };
    let (storage, network, quota) =
        super::prerequisites::workspace_facts(services, &dto, &datastores).await;
    let report = preflight::check_workspace(&WorkspaceFacts {
        workspace: workspace.clone(),
        default_datastore,
        access,
        storage: Some(storage),
        network: Some(network),
        quota: Some(quota),
    });
    Ok(WorkspaceCheck { workspace, report })
}
