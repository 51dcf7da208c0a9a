//! "Update all": every outdated runtime of several workspaces, default-environment ones updated
//! a few at a time and never two on one compute instance at once, the others listed for the
//! user with the reason ([`AttentionReason`]).

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};

use super::fleet::check_fleet;
use super::types::{
    AttentionReason, RuntimeVersionStatus, UpdateAllItem, UpdateAllOutcome, UpdateAllRequest,
    UpdateAllSummary,
};
use super::update::{run_update, NotStarted, PreparedUpdate};
use super::versions::{latest_runtime_tag, runtime_image};
use super::CheckOptions;
use crate::error::Error;
use crate::model::{ImageTag, RuntimeDetails, WorkspaceSummary};
use crate::ops::runtime_watch::WatchSettings;
use crate::ops::runtimes::runtime_target;
use crate::services::Services;

fn attention_item(status: &RuntimeVersionStatus, reason: AttentionReason) -> UpdateAllItem {
    UpdateAllItem {
        workspace_id: status.workspace_id.clone(),
        workspace_name: status.workspace_name.clone(),
        runtime_name: status.runtime_name.clone(),
        outcome: UpdateAllOutcome::NeedsAttention,
        from: status.current.clone(),
        to: None,
        operation_id: None,
        error: None,
        attention: Some(reason),
        custom_environment: status.custom_environment.clone(),
        warnings: Vec::new(),
    }
}

/// Updates every outdated runtime of the chosen workspaces: default-environment runtimes are
/// updated (each as its own operation in the Activity panel) with at most `max_parallel` at a
/// time and never two on one compute instance at once; custom-environment runtimes are listed
/// for attention; a runtime another operation is already changing is left alone. One failure
/// does not stop the others; the summary says which succeeded, which failed and why.
pub async fn update_all_outdated(
    services: &Services,
    request: UpdateAllRequest,
    watch: WatchSettings,
    options: CheckOptions,
) -> UpdateAllSummary {
    let started = Instant::now();
    let max_parallel = request
        .max_parallel
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(options.max_parallel)
        .max(1);
    let (report, workspaces, listed) = check_fleet(
        services,
        &request.workspace_ids,
        CheckOptions {
            max_parallel,
            ..options
        },
    )
    .await;
    let workspaces: HashMap<String, WorkspaceSummary> = workspaces
        .into_iter()
        .map(|workspace| (workspace.id.to_lowercase(), workspace))
        .collect();

    let mut items = Vec::new();
    let mut queue = VecDeque::new();
    let mut up_to_date = 0u32;
    for status in &report.runtimes {
        if !status.update_available {
            up_to_date += 1;
        } else if status.custom_environment.is_some() {
            items.push(attention_item(status, AttentionReason::CustomEnvironment));
        } else if status.compute_instance_name.is_none() {
            items.push(attention_item(
                status,
                AttentionReason::NotOnComputeInstance,
            ));
        } else {
            queue.push_back(status.clone());
        }
    }
    let instance_key = |status: &RuntimeVersionStatus| {
        format!(
            "{}/{}",
            status.workspace_id.to_lowercase(),
            status
                .compute_instance_name
                .clone()
                .unwrap_or_default()
                .to_lowercase()
        )
    };
    let mut busy: HashSet<String> = HashSet::new();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < max_parallel {
            let Some(position) = queue
                .iter()
                .position(|status| !busy.contains(&instance_key(status)))
            else {
                break;
            };
            let Some(status) = queue.remove(position) else {
                break;
            };
            busy.insert(instance_key(&status));
            let workspace = workspaces.get(&status.workspace_id.to_lowercase()).cloned();
            let before = listed
                .get(&runtime_target(&status.workspace_id, &status.runtime_name))
                .cloned();
            running.push(async move {
                let outcome =
                    update_one_outdated(services, workspace, before, &status, watch).await;
                (status, outcome)
            });
        }
        let Some((status, item)) = running.next().await else {
            break;
        };
        busy.remove(&instance_key(&status));
        items.push(item);
    }
    let count = |outcome: UpdateAllOutcome| {
        u32::try_from(items.iter().filter(|item| item.outcome == outcome).count())
            .unwrap_or(u32::MAX)
    };
    let dockerfile_from_line = if items
        .iter()
        .any(|item| item.outcome == UpdateAllOutcome::NeedsAttention)
    {
        latest_runtime_tag(services, options.registry_page_size)
            .await
            .ok()
            .flatten()
            .map(|tag| format!("FROM {}", runtime_image(services, &tag)))
    } else {
        None
    };
    UpdateAllSummary {
        updated: count(UpdateAllOutcome::Updated),
        failed: count(UpdateAllOutcome::Failed),
        needs_attention: count(UpdateAllOutcome::NeedsAttention),
        already_updating: count(UpdateAllOutcome::AlreadyUpdating),
        up_to_date,
        items,
        problems: report.problems,
        dockerfile_from_line,
        latest_is_final: report.latest_is_final,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

async fn update_one_outdated(
    services: &Services,
    workspace: Option<WorkspaceSummary>,
    before: Option<RuntimeDetails>,
    status: &RuntimeVersionStatus,
    watch: WatchSettings,
) -> UpdateAllItem {
    let mut item = UpdateAllItem {
        workspace_id: status.workspace_id.clone(),
        workspace_name: status.workspace_name.clone(),
        runtime_name: status.runtime_name.clone(),
        outcome: UpdateAllOutcome::Failed,
        from: status.current.clone(),
        to: None,
        operation_id: None,
        error: None,
        attention: None,
        custom_environment: None,
        warnings: Vec::new(),
    };
    let prepared = async {
        let workspace = match workspace {
            Some(workspace) => workspace,
            None => services.workspace(&status.workspace_id).await?,
        };
        let flow = services.flow(&workspace)?;
        let before = match before {
            Some(before) => before,
            None => RuntimeDetails::read(
                &flow.get_runtime(&status.runtime_name).await?,
                flow.workspace(),
            ),
        };
        Ok::<_, Error>(PreparedUpdate {
            workspace_id: status.workspace_id.clone(),
            flow,
            before,
            environment: None,
            latest: status.latest.as_ref().and_then(|l| ImageTag::parse(&l.tag)),
            warnings: Vec::new(),
        })
    }
    .await;
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            item.error = Some(error);
            return item;
        }
    };
    match run_update(services, prepared, watch).await {
        Ok(outcome) => {
            item.outcome = UpdateAllOutcome::Updated;
            item.operation_id = Some(outcome.operation_id);
            item.from = outcome.previous.or(item.from);
            item.to = outcome.current;
            item.warnings = outcome.warnings;
        }
        Err((operation_id, NotStarted::AlreadyRunning(error))) => {
            item.outcome = UpdateAllOutcome::AlreadyUpdating;
            item.operation_id = operation_id;
            item.error = Some(error);
        }
        Err((operation_id, NotStarted::Failed(error))) => {
            item.operation_id = operation_id;
            item.error = Some(error);
        }
    }
    item
}
