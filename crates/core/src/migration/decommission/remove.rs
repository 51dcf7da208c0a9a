//! Removing one plan item, the way its service deletes it. Every removal can be run again: what
//! is gone already counts as removed, so a decommission interrupted half-way and resumed from
//! the journal ends where it would have. Just before an instance or an endpoint goes, what uses
//! it is read again, so something added since the plan was made is never taken down with it.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::plan::{item_id, PlanItem};
use crate::azure::flow::FlowClient;
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::http::lro::{LroOptions, PendingOperation};
use crate::http::wait::{self, Look, Waited};
use crate::migration::inventory::ItemKind;
use crate::ops::runtime_watch::wait_until_deleted;
use crate::ops::runtimes::WatchSettings;
use crate::ops::Progress;
use crate::services::Services;

/// How one removal ended (errors are returned apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Removed,
    /// It was not there any more (removed by an earlier, interrupted run or by someone else).
    AlreadyGone,
    /// Left in place: something that is not going uses it now.
    Kept(String),
}

/// What every removal in one run shares.
pub struct Context<'a> {
    pub services: &'a Services,
    pub reference: WorkspaceRef,
    pub flow: FlowClient,
    /// Ids of every item this run removes.
    pub removing: BTreeSet<String>,
    pub progress: &'a Progress,
    pub cancel: CancellationToken,
    pub watch: WatchSettings,
}

impl Context<'_> {
    fn lro(&self) -> LroOptions {
        LroOptions {
            timeout: self.watch.timeout,
            poll_interval: self.watch.poll_interval,
            max_poll_interval: self.watch.poll_interval.max(Duration::from_secs(1)) * 6,
            cancel: self.cancel.clone(),
        }
    }

    async fn wait(&self, started: Result<PendingOperation>) -> Result<Removal> {
        match started {
            Err(error) if error.code == ErrorCode::NotFound => Ok(Removal::AlreadyGone),
            Err(error) => Err(error),
            Ok(pending) => {
                let progress = self.progress;
                pending
                    .wait(self.services.pipeline(), &self.lro(), |lro| {
                        progress.message(format!("Azure reports: {}", lro.status))
                    })
                    .await?;
                Ok(Removal::Removed)
            }
        }
    }
}

/// The part of an id after `kind:`.
fn key(item: &PlanItem) -> &str {
    item.id.split_once(':').map_or(item.id.as_str(), |(_, k)| k)
}

fn split_pair(item: &PlanItem) -> Result<(&str, &str)> {
    key(item).split_once('/').ok_or_else(|| {
        Error::internal(format!(
            "The plan item {} has no parent in its id.",
            item.id
        ))
    })
}

/// Removes `item`.
pub async fn remove(context: &Context<'_>, item: &PlanItem) -> Result<Removal> {
    let services = context.services;
    let reference = &context.reference;
    match item.kind {
        ItemKind::ComputeSession => remove_session(context, key(item)).await,
        ItemKind::Runtime => {
            let name = key(item);
            match context.flow.delete_runtime(name, true).await {
                Err(error) if error.code == ErrorCode::NotFound => return Ok(Removal::AlreadyGone),
                Err(error) => return Err(error),
                Ok(_) => {}
            }
            wait_until_deleted(&context.flow, name, context.progress, context.watch).await?;
            Ok(Removal::Removed)
        }
        ItemKind::OnlineDeployment => {
            let (endpoint, name) = split_pair(item)?;
            context
                .wait(
                    services
                        .arm
                        .delete_online_deployment(reference, endpoint, name)
                        .await,
                )
                .await
        }
        ItemKind::OnlineEndpoint => {
            let name = key(item);
            let left = match services.arm.list_online_deployments(reference, name).await {
                Err(error) if error.code == ErrorCode::NotFound => return Ok(Removal::AlreadyGone),
                other => other?,
            };
            if !left.is_empty() {
                let names: Vec<String> = left.into_iter().map(|d| d.name).collect();
                return Ok(Removal::Kept(format!(
                    "Deployment {} is still on it.",
                    names.join(", ")
                )));
            }
            context
                .wait(services.arm.delete_online_endpoint(reference, name).await)
                .await
        }
        ItemKind::CustomApp => {
            let (instance, app) = split_pair(item)?;
            if context
                .removing
                .contains(&item_id(ItemKind::ComputeInstance, instance))
            {
                // Removed with its instance, later in this run.
                return Ok(Removal::Removed);
            }
            remove_custom_app(context, instance, app).await
        }
        ItemKind::ComputeInstance => remove_instance(context, key(item)).await,
        ItemKind::Connection => {
            services
                .arm
                .delete_connection(reference, key(item))
                .await
                .or_else(|error| {
                    if error.code == ErrorCode::NotFound {
                        Ok(())
                    } else {
                        Err(error)
                    }
                })?;
            Ok(Removal::Removed)
        }
        ItemKind::Flow | ItemKind::ServerlessInstance => Err(Error::invalid_input(format!(
            "{} is not removed by a decommission.",
            item.id
        ))),
    }
}

async fn remove_session(context: &Context<'_>, flow_id: &str) -> Result<Removal> {
    let flow = match context.flow.get_flow(flow_id).await {
        Err(error) if error.code == ErrorCode::NotFound => return Ok(Removal::AlreadyGone),
        other => other?,
    };
    let status = context
        .flow
        .flow_session(flow_id)
        .await?
        .status
        .unwrap_or_default();
    if status.eq_ignore_ascii_case("NotExist") {
        return Ok(Removal::AlreadyGone);
    }
    let experiment = flow.experiment_id.ok_or_else(|| {
        Error::new(
            ErrorCode::Service,
            format!("The flow service did not say which experiment flow {flow_id} belongs to, so its session cannot be deleted."),
        )
        .with_remedy("Stop the session from the flow's page in Azure ML studio.")
    })?;
    context
        .flow
        .delete_flow_session(flow_id, &experiment)
        .await?;
    Ok(Removal::Removed)
}

async fn remove_custom_app(context: &Context<'_>, instance: &str, app: &str) -> Result<Removal> {
    let arm = &context.services.arm;
    let compute = match arm.get_compute(&context.reference, instance).await {
        Err(error) if error.code == ErrorCode::NotFound => return Ok(Removal::AlreadyGone),
        other => other?,
    };
    let current = compute.custom_services();
    let kept: Vec<_> = current
        .iter()
        .filter(|s| !s.name.eq_ignore_ascii_case(app))
        .cloned()
        .collect();
    if kept.len() == current.len() {
        return Ok(Removal::AlreadyGone);
    }
    arm.replace_custom_services(&context.reference, instance, &kept)
        .await?;
    Ok(Removal::Removed)
}

/// Runtimes that still sit on `instance` and are not going in this run.
async fn staying_runtimes_on(context: &Context<'_>, instance: &str) -> Result<Vec<String>> {
    Ok(context
        .flow
        .list_runtime_summaries()
        .await?
        .into_iter()
        .filter(|r| {
            r.compute_instance_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(instance))
        })
        .filter(|r| {
            !context
                .removing
                .contains(&item_id(ItemKind::Runtime, &r.name))
        })
        .map(|r| r.name)
        .collect())
}

async fn remove_instance(context: &Context<'_>, name: &str) -> Result<Removal> {
    let arm = &context.services.arm;
    let reference = &context.reference;
    let compute = match arm.get_compute(reference, name).await {
        Err(error) if error.code == ErrorCode::NotFound => return Ok(Removal::AlreadyGone),
        other => other?,
    };
    let deleting = compute
        .properties
        .provisioning_state
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("Deleting"));
    if deleting {
        // An earlier run sent the delete; watch it end rather than send it again.
        context.progress.message(format!("{name} is being deleted"));
        return wait_until_gone(context, name).await;
    }
    let staying = staying_runtimes_on(context, name).await?;
    if !staying.is_empty() {
        return Ok(Removal::Kept(format!(
            "Runtime {} now runs on it.",
            staying.join(", runtime ")
        )));
    }
    context
        .wait(arm.delete_compute(reference, name).await)
        .await
}

async fn wait_until_gone(context: &Context<'_>, name: &str) -> Result<Removal> {
    let arm = &context.services.arm;
    let reference = &context.reference;
    let cancel = context.cancel.clone();
    let outcome = wait::until(&context.watch.wait(), |_| {
        let cancel = cancel.clone();
        async move {
            if cancel.is_cancelled() {
                return Err(Error::cancelled());
            }
            match arm.get_compute(reference, name).await {
                Err(error) if error.code == ErrorCode::NotFound => Ok(Look::Done(())),
                Err(error) => Err(error),
                Ok(_) => Ok(Look::Again),
            }
        }
    })
    .await?;
    match outcome {
        Waited::Done(()) => Ok(Removal::Removed),
        Waited::TimedOut => Err(Error::new(
            ErrorCode::Timeout,
            format!("Compute instance {name} was still being deleted when pfrm stopped waiting."),
        )
        .with_remedy(
            "Check the instance in Azure ML studio; run the decommission again to finish.",
        )),
    }
}
