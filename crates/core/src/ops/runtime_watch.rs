//! Watching a runtime change in the prompt flow service: until it runs after a create or an
//! update (also when resumed from the journal), until an update is taken up, until it is gone
//! after a delete. Every watch runs on the one wait primitive ([`crate::http::wait`]).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::azure::flow::FlowClient;
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::http::wait::{self, Look, Wait, Waited};
use crate::model::{
    ComputeInstanceState, ComputeInstanceSummary, ImageTag, RuntimeDetails, RuntimeStatus,
};
use crate::ops::registry::describe_duration;
use crate::ops::{Progress, Stage};
use crate::services::Services;

/// How long operations wait and how often they look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchSettings {
    pub poll_interval: Duration,
    pub timeout: Duration,
}

impl Default for WatchSettings {
    fn default() -> Self {
        // A compute-instance restart plus the runtime's first start takes several minutes; the
        // studio waits about as long.
        WatchSettings {
            poll_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl WatchSettings {
    /// The wait these settings describe: look at once, then every `poll_interval`.
    pub fn wait(&self) -> Wait {
        Wait::every(self.poll_interval, self.timeout)
    }
}

/// What the journal keeps to watch a runtime again after a restart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RuntimeResume {
    pub(crate) workspace_id: String,
    pub(crate) runtime_name: String,
    pub(crate) compute_instance: Option<String>,
    pub(crate) new_app: bool,
    /// For updates: the image before the update, so a resumed update still checks that the
    /// runtime ended on a newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) previous_image: Option<String>,
}

fn timed_out(what: String, watch: WatchSettings) -> Error {
    Error::new(
        ErrorCode::Timeout,
        format!(
            "{what} did not happen within {}.",
            describe_duration(watch.timeout)
        ),
    )
    .with_remedy("Check its state in Azure ML studio, then try again.")
}

/// Polls the runtime (and, while a new custom app is being set up, its compute instance) until
/// the runtime runs or fails, reporting each stage and the service's status message.
pub(crate) async fn watch_until_running(
    services: &Services,
    flow: &FlowClient,
    resume: &RuntimeResume,
    progress: &Progress,
    watch: WatchSettings,
) -> Result<RuntimeDetails> {
    let reference = WorkspaceRef::from_arm_id(&resume.workspace_id)?;
    let reference = &reference;
    let instance_restarted = &AtomicBool::new(!resume.new_app);
    let outcome = wait::until(&watch.wait(), move |_| async move {
        let runtime = match flow.get_runtime(&resume.runtime_name).await {
            Ok(dto) => RuntimeDetails::read(&dto, flow.workspace()),
            // Right after the request the service may not list the runtime yet.
            Err(error) if error.code == ErrorCode::NotFound => return Ok(Look::Again),
            Err(error) => return Err(error),
        };
        if let Some(message) = runtime.status_message.clone().filter(|m| !m.is_empty()) {
            progress.message(message);
        }
        match runtime.summary.status {
            RuntimeStatus::Running => return Ok(Look::Done(runtime)),
            RuntimeStatus::Failed | RuntimeStatus::NotExist | RuntimeStatus::Unavailable => {
                return Err(runtime_failed(&runtime));
            }
            _ => {}
        }
        if !instance_restarted.load(Ordering::Relaxed) {
            if let Some(instance) = resume.compute_instance.as_deref() {
                let state = services
                    .arm
                    .get_compute(reference, instance)
                    .await
                    .map(|compute| ComputeInstanceSummary::from(&compute).state);
                match state {
                    Ok(ComputeInstanceState::Restarting | ComputeInstanceState::Starting) => {
                        progress.stage(Stage::InstanceRestarting);
                    }
                    Ok(ComputeInstanceState::Running) => {
                        instance_restarted.store(true, Ordering::Relaxed);
                        progress.stage(Stage::RuntimeStarting);
                    }
                    // The instance's state only chooses the stage shown; the runtime's own
                    // status decides the outcome.
                    _ => {}
                }
            }
        } else {
            progress.stage(Stage::RuntimeStarting);
        }
        Ok(Look::Again)
    })
    .await?;
    match outcome {
        Waited::Done(runtime) => Ok(runtime),
        Waited::TimedOut => Err(timed_out(
            format!("Runtime {} starting", resume.runtime_name),
            watch,
        )),
    }
}

fn runtime_failed(runtime: &RuntimeDetails) -> Error {
    let error = runtime_failed_plainly(runtime);
    match &runtime.diagnosis {
        Some(diagnosis) => diagnosis.attach(error),
        None => error,
    }
}

fn runtime_failed_plainly(runtime: &RuntimeDetails) -> Error {
    let reason = runtime
        .error_message
        .clone()
        .or_else(|| runtime.status_message.clone())
        .unwrap_or_else(|| "the prompt flow service gave no reason".into());
    Error::new(
        ErrorCode::Service,
        format!(
            "Runtime {} did not start ({}): {reason}",
            runtime.summary.name,
            runtime
                .summary
                .status_text
                .clone()
                .unwrap_or_else(|| format!("{:?}", runtime.summary.status))
        ),
    )
    .with_remedy(
        "Check that the compute instance is running and that its custom application uses a prompt flow runtime image, then retry.",
    )
}

/// After an asynchronous update the service may take a moment to mark the runtime as changing;
/// look up to `grace_polls` times for that, so a still-"Running" old image is not taken as the
/// result. Not seeing the change within those looks is not an error: the watch that follows
/// decides.
pub(crate) async fn wait_for_update_to_start(
    flow: &FlowClient,
    before: &RuntimeDetails,
    grace_polls: u32,
    watch: WatchSettings,
) -> Result<()> {
    wait::until(&watch.wait(), |attempt| async move {
        let changed = match flow.get_runtime(&before.summary.name).await {
            Ok(dto) => {
                let now = RuntimeDetails::read(&dto, flow.workspace());
                now.summary.status != RuntimeStatus::Running
                    || now.summary.docker_image != before.summary.docker_image
                    || now.summary.environment != before.summary.environment
            }
            Err(error) if error.code == ErrorCode::NotFound => false,
            Err(error) => return Err(error),
        };
        Ok(if changed || attempt.number >= grace_polls {
            Look::Done(())
        } else {
            Look::Again
        })
    })
    .await?;
    Ok(())
}

/// Looks until the runtime is gone (not found, or listed as not existing).
pub(crate) async fn wait_until_deleted(
    flow: &FlowClient,
    runtime_name: &str,
    progress: &Progress,
    watch: WatchSettings,
) -> Result<()> {
    let outcome = wait::until(&watch.wait(), move |_| async move {
        match flow.get_runtime(runtime_name).await {
            Err(error) if error.code == ErrorCode::NotFound => Ok(Look::Done(())),
            Ok(dto)
                if RuntimeDetails::read(&dto, flow.workspace()).summary.status
                    == RuntimeStatus::NotExist =>
            {
                Ok(Look::Done(()))
            }
            Ok(dto) => {
                if let Some(message) = dto.status_message.clone() {
                    progress.message(message);
                }
                Ok(Look::Again)
            }
            Err(error) => Err(error),
        }
    })
    .await?;
    match outcome {
        Waited::Done(()) => Ok(()),
        Waited::TimedOut => Err(timed_out(format!("Deleting runtime {runtime_name}"), watch)),
    }
}

/// Looks of an instance that reads stopped before a start asked for is taken as not having gone
/// through.
const STOPPED_LOOKS_BEFORE_GIVING_UP: u32 = 3;

/// Watches an instance whose start was asked for (by an earlier run, or by a request whose
/// answer was lost) until it runs. A missing instance ends at once; one that stays stopped for
/// [`STOPPED_LOOKS_BEFORE_GIVING_UP`] looks in a row ends too: the start did not go through.
pub(crate) async fn watch_instance_start(
    services: &Services,
    reference: &WorkspaceRef,
    instance: &str,
    progress: &Progress,
    watch: WatchSettings,
) -> Result<()> {
    let stopped_looks = &AtomicU32::new(0);
    let outcome = wait::until(&watch.wait(), move |_| async move {
        let compute = match services.arm.get_compute(reference, instance).await {
            Ok(compute) => compute,
            Err(error) if error.code == ErrorCode::NotFound => {
                return Err(Error::new(
                    ErrorCode::NotFound,
                    format!("Compute instance {instance} no longer exists."),
                )
                .with_remedy("Choose another compute instance."))
            }
            Err(error) => return Err(error),
        };
        let state = ComputeInstanceSummary::from(&compute).state;
        if state.is_running() {
            return Ok(Look::Done(()));
        }
        progress.message(format!("Azure reports: {state:?}"));
        if matches!(
            state,
            ComputeInstanceState::Starting
                | ComputeInstanceState::Restarting
                | ComputeInstanceState::SettingUp
                | ComputeInstanceState::UserSettingUp
                | ComputeInstanceState::Creating
        ) {
            stopped_looks.store(0, Ordering::Relaxed);
        } else if stopped_looks.fetch_add(1, Ordering::Relaxed) + 1 >= STOPPED_LOOKS_BEFORE_GIVING_UP
        {
            return Err(Error::new(
                ErrorCode::Service,
                format!(
                    "Compute instance {instance} is {state:?}, not starting: the start did not go through."
                ),
            )
            .with_remedy("Check the compute instance's state, and start it again if it is stopped."));
        }
        Ok(Look::Again)
    })
    .await?;
    match outcome {
        Waited::Done(()) => Ok(()),
        Waited::TimedOut => Err(timed_out(
            format!("Compute instance {instance} starting"),
            watch,
        )),
    }
}

/// `version 2024-01-11 (v2)`.
pub fn version_label(tag: &ImageTag) -> String {
    format!("version {} (v{})", tag.date(), tag.build)
}

/// Checks that an updated runtime runs a newer image than `previous_image` (when that image
/// had a version). Used after an update and after an update resumed from the journal.
pub fn verify_update(runtime: &RuntimeDetails, previous_image: Option<&str>) -> Result<()> {
    let Some(previous) = previous_image.and_then(ImageTag::from_image_reference) else {
        return Ok(());
    };
    let now = runtime
        .summary
        .docker_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    match now {
        Some(now) if now > previous => Ok(()),
        Some(now) => Err(Error::new(
            ErrorCode::Service,
            format!(
                "Runtime {} is running again, but on {} ({}), which is not newer than {} before the update.",
                runtime.summary.name,
                version_label(&now),
                now.text,
                version_label(&previous)
            ),
        )
        .with_remedy("The prompt flow service did not move it to a newer image. Check the version again later, or recreate the runtime with the default environment.")),
        None => Err(Error::new(
            ErrorCode::Service,
            format!(
                "Runtime {} is running again, but its image ({}) has no version, so the update cannot be confirmed.",
                runtime.summary.name,
                runtime.summary.docker_image.clone().unwrap_or_else(|| "none reported".into())
            ),
        )
        .with_remedy("Open the runtime in Azure ML studio to check which image it runs.")),
    }
}
