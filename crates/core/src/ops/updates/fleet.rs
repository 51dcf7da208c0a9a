//! Checking versions: one runtime (the details page's "Check version") and every runtime of
//! several workspaces at once (the list's badges, the nav's count, the start-up check).

use std::collections::HashMap;

use futures::stream::{self, StreamExt};

use super::assessment::{app_of, assess, Facts};
use super::types::{
    CheckedWorkspace, FleetVersionReport, RuntimeVersion, RuntimeVersionStatus,
    WorkspaceCheckProblem,
};
use super::versions::latest_runtime_tag;
use super::CheckOptions;
use crate::azure::WorkspaceRef;
use crate::error::{Error, Result};
use crate::model::{ComputeInstanceSummary, ImageTag, RuntimeDetails, WorkspaceSummary};
use crate::ops::runtimes::runtime_target;
use crate::services::Services;

/// The details page's version check (and its "Check version" button): the runtime's version,
/// its age, the newest version, and whether the registry and the service think it is outdated.
pub async fn check_runtime_version(
    services: &Services,
    workspace_id: &str,
    runtime_name: &str,
    options: CheckOptions,
) -> Result<RuntimeVersionStatus> {
    crate::azure::check_name("runtime name", runtime_name)?;
    let (workspace, flow) = services.workspace_flow(workspace_id).await?;
    let (runtime, need_upgrade, latest) = tokio::join!(
        flow.get_runtime(runtime_name),
        flow.need_upgrade(runtime_name),
        latest_runtime_tag(services, options.registry_page_size),
    );
    let runtime = RuntimeDetails::read(&runtime?, flow.workspace());
    let mut extra_problems = Vec::new();
    let mut instances = Vec::new();
    if let Some(instance) = runtime.summary.compute_instance_name.as_deref() {
        let reference = WorkspaceRef::from_arm_id(&workspace.id)?;
        match services.arm.get_compute(&reference, instance).await {
            Ok(compute) => instances.push(ComputeInstanceSummary::from(&compute)),
            Err(error) => extra_problems.push(error),
        }
    }
    let latest = latest.as_ref().map(Option::as_ref);
    Ok(assess(Facts {
        workspace: &workspace,
        runtime: &runtime.summary,
        app: app_of(&instances, &runtime.summary),
        latest,
        need_upgrade,
        extra_problems,
        today: services.clock().today(),
    }))
}

/// Runtimes with an update available.
pub fn count_outdated(runtimes: &[RuntimeVersionStatus]) -> usize {
    runtimes
        .iter()
        .filter(|runtime| runtime.update_available)
        .count()
}

/// One workspace's runtimes, assessed.
struct WorkspaceStatuses {
    workspace: WorkspaceSummary,
    statuses: Vec<RuntimeVersionStatus>,
    /// The runtimes as listed, so an update can start without reading each one again.
    details: Vec<RuntimeDetails>,
}

async fn check_one_workspace(
    services: &Services,
    workspace_id: &str,
    latest: std::result::Result<Option<&ImageTag>, &Error>,
    max_parallel: usize,
) -> Result<WorkspaceStatuses> {
    let (workspace, flow) = services.workspace_flow(workspace_id).await?;
    let reference = WorkspaceRef::from_arm_id(&workspace.id)?;
    let (runtimes, computes) =
        tokio::join!(flow.list_runtimes(), services.arm.list_computes(&reference));
    let details: Vec<RuntimeDetails> = runtimes?
        .iter()
        .map(|dto| RuntimeDetails::read(dto, flow.workspace()))
        .collect();
    let runtimes: Vec<crate::model::RuntimeSummary> =
        details.iter().map(|d| d.summary.clone()).collect();
    let (instances, compute_problem) = match computes {
        Ok(computes) => (
            computes
                .iter()
                .filter(|compute| compute.is_compute_instance())
                .map(ComputeInstanceSummary::from)
                .collect::<Vec<_>>(),
            None,
        ),
        Err(error) => (Vec::new(), Some(error)),
    };
    // Owned names, not references: the desktop shell's commands must be `Send` futures, and a
    // stream closure taking a borrowed item defeats the compiler's proof of that.
    let names: Vec<(usize, String)> = runtimes
        .iter()
        .map(|runtime| runtime.name.clone())
        .enumerate()
        .collect();
    let answers: Vec<(usize, Result<bool>)> = stream::iter(names)
        .map(|(index, name)| {
            let flow = &flow;
            async move { (index, flow.need_upgrade(&name).await) }
        })
        .buffer_unordered(max_parallel.max(1))
        .collect()
        .await;
    let mut answers: HashMap<usize, Result<bool>> = answers.into_iter().collect();
    let today = services.clock().today();
    let mut statuses: Vec<RuntimeVersionStatus> = runtimes
        .iter()
        .enumerate()
        .map(|(index, runtime)| {
            assess(Facts {
                workspace: &workspace,
                runtime,
                app: app_of(&instances, runtime),
                latest,
                need_upgrade: answers
                    .remove(&index)
                    .unwrap_or_else(|| Err(Error::internal("no answer"))),
                extra_problems: compute_problem.iter().cloned().collect(),
                today,
            })
        })
        .collect();
    statuses.sort_by_key(|status| status.runtime_name.to_lowercase());
    Ok(WorkspaceStatuses {
        workspace,
        statuses,
        details,
    })
}

pub(super) async fn check_fleet(
    services: &Services,
    workspace_ids: &[String],
    options: CheckOptions,
) -> (
    FleetVersionReport,
    Vec<WorkspaceSummary>,
    HashMap<String, RuntimeDetails>,
) {
    let latest = latest_runtime_tag(services, options.registry_page_size).await;
    let latest_ref = latest.as_ref().map(Option::as_ref);
    let unique = crate::ops::workspaces::distinct_workspace_ids(workspace_ids);
    let asked: Vec<CheckedWorkspace> = unique
        .iter()
        .map(|id| CheckedWorkspace::asked(id))
        .collect();
    let results: Vec<(String, Result<WorkspaceStatuses>)> = stream::iter(unique)
        .map(|id| async move {
            let result = check_one_workspace(services, &id, latest_ref, options.max_parallel).await;
            (id, result)
        })
        .buffer_unordered(options.max_parallel.max(1))
        .collect()
        .await;
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for (workspace_id, result) in results {
        match result {
            Ok(statuses) => checked.push(statuses),
            Err(error) => problems.push(WorkspaceCheckProblem {
                workspace_key: WorkspaceRef::key_of(&workspace_id),
                workspace_name: WorkspaceRef::name_of(&workspace_id),
                workspace_id,
                error,
            }),
        }
    }
    checked.sort_by_key(|checked| checked.workspace.name.to_lowercase());
    problems.sort_by(|a, b| a.workspace_id.cmp(&b.workspace_id));
    let today = services.clock().today();
    let mut workspaces = Vec::new();
    let mut runtimes = Vec::new();
    let mut details = HashMap::new();
    for checked in checked {
        for runtime in checked.details {
            details.insert(
                runtime_target(&checked.workspace.id, &runtime.summary.name),
                runtime,
            );
        }
        workspaces.push(checked.workspace);
        runtimes.extend(checked.statuses);
    }
    let latest = latest
        .ok()
        .flatten()
        .map(|tag| RuntimeVersion::from_tag(&tag, today));
    let report = FleetVersionReport {
        outdated_count: u32::try_from(count_outdated(&runtimes)).unwrap_or(u32::MAX),
        runtimes,
        latest_is_final: latest.is_some()
            && crate::migration::retirement::RetirementStatus::on(today).images_frozen,
        latest,
        problems,
        workspaces: asked,
    };
    (report, workspaces, details)
}

/// Checks every runtime of the given workspaces (ARM ids), with at most
/// `options.max_parallel` requests of each kind in flight. A workspace that cannot be read is
/// listed in `problems`; the others are still checked.
pub async fn check_workspaces(
    services: &Services,
    workspace_ids: &[String],
    options: CheckOptions,
) -> FleetVersionReport {
    check_fleet(services, workspace_ids, options).await.0
}
