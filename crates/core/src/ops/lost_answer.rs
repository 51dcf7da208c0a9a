//! What is true after a write whose answer was lost ([`Error::outcome_unknown`]: a reset, a
//! cut-off body, a timeout after the request went out, a 500/502/504). The request may or may not
//! have been carried out, and the flow service's create POST and update PUT must not be sent
//! again blindly; so the resource is read, on the one wait primitive, and what it shows decides.

use crate::azure::flow::FlowClient;
use crate::error::{Error, ErrorCode, Result};
use crate::http::wait::{self, Look, Waited};
use crate::model::{RuntimeDetails, RuntimeStatus};
use crate::ops::runtime_watch::WatchSettings;
use crate::ops::Progress;

/// Looks of a runtime whose create answer was lost before it is taken as not created (the
/// service may list a new runtime a moment after it accepted the request).
pub(crate) const CREATE_LOOKS: u32 = 3;

fn status_text(runtime: &RuntimeDetails) -> String {
    runtime
        .summary
        .status_text
        .clone()
        .unwrap_or_else(|| format!("{:?}", runtime.summary.status))
}

/// The lost answer's error, followed by what reading the runtime showed.
/// A write was sent (or may have been), then a read to follow it failed for want of the network
/// or the service, after the pipeline's retries. That read says nothing about the write: the
/// error says the request went out and is marked outcome-unknown, so it is never shown, or
/// counted, as "not done". Every other error (the runtime's own failure, a timeout, a cancel)
/// is left as it is. (The pipeline marks a read's 500/502/504 outcome-unknown too, but of the
/// read: it says nothing about the write, so the message must.)
pub(crate) fn lost_track(error: Error, what: &str, name: &str) -> Error {
    if !error.is_retryable() {
        return error;
    }
    let mut error = error;
    error.message = format!(
        "The {what} request for runtime {name} was sent, but pfrm lost track of it: {}",
        error.message
    );
    error.remedy = Some(format!(
        "The {what} may still finish: check runtime {name} (refresh the list, or run `pfrm runtime show {name}`) before trying again."
    ));
    error
        .with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true)
        .with_detail("runtimeName", name)
}

fn lost_error(lost: &Error, truth: String, remedy: &str, name: &str) -> Error {
    let said = lost.message.trim_end();
    let said = if said.ends_with(['.', '!', '?']) {
        said.to_owned()
    } else {
        format!("{said}.")
    };
    Error::new(lost.code, format!("{said} {truth}"))
        .with_remedy(remedy)
        .with_detail("runtimeName", name)
}

/// After a create whose answer was lost: reads the runtime. It exists → the create went through
/// and is watched as usual. It does not, after [`CREATE_LOOKS`] looks → the create did not
/// happen, and that is said plainly.
pub(crate) async fn confirm_created(
    flow: &FlowClient,
    name: &str,
    lost: Error,
    progress: &Progress,
    watch: WatchSettings,
) -> Result<()> {
    progress.message(format!(
        "The answer to the create request was lost; checking whether runtime {name} exists"
    ));
    let looked = wait::until(&watch.wait(), |attempt| async move {
        match flow.get_runtime(name).await {
            Ok(dto) => Ok(Look::Done(Some(RuntimeDetails::read(
                &dto,
                flow.workspace(),
            )))),
            Err(error) if error.code == ErrorCode::NotFound => {
                Ok(if attempt.number >= CREATE_LOOKS {
                    Look::Done(None)
                } else {
                    Look::Again
                })
            }
            Err(error) => Err(error),
        }
    })
    .await;
    match looked {
        Ok(Waited::Done(Some(runtime))) => {
            let status = status_text(&runtime);
            tracing::info!(runtime = name, %status, "create answer lost; the runtime exists");
            progress.message(format!(
                "The answer to the create request was lost, but the runtime exists and is {status}"
            ));
            Ok(())
        }
        Ok(Waited::Done(None)) => Err(lost_error(
            &lost,
            format!("Runtime {name} does not exist: it was not created."),
            "Check your connection, then create it again.",
            name,
        )),
        Err(error) if error.code == ErrorCode::Cancelled => Err(error),
        Err(error) => Err(lost_error(
            &lost,
            format!(
                "Whether runtime {name} was created could not be read: {}",
                error.message
            ),
            "Look at the workspace's runtimes before creating it again: it may exist.",
            name,
        )
        .with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true)),
        Ok(Waited::TimedOut) => Err(lost_error(
            &lost,
            format!("Whether runtime {name} was created could not be read in time."),
            "Look at the workspace's runtimes before creating it again: it may exist.",
            name,
        )
        .with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true)),
    }
}

/// After an update whose answer was lost: the runtime is read until it shows the update under
/// way (then it is watched as usual) or `grace_polls` looks pass without a change (then the
/// update did not happen, and that is said).
pub(crate) async fn confirm_update_started(
    flow: &FlowClient,
    before: &RuntimeDetails,
    lost: Error,
    grace_polls: u32,
    progress: &Progress,
    watch: WatchSettings,
) -> Result<()> {
    let name = before.summary.name.as_str();
    progress.message(format!(
        "The answer to the update request was lost; checking whether runtime {name} is updating"
    ));
    let looked = wait::until(&watch.wait(), |attempt| async move {
        match flow.get_runtime(name).await {
            Ok(dto) => {
                let now = RuntimeDetails::read(&dto, flow.workspace());
                if now.summary.status != RuntimeStatus::Running
                    || now.summary.docker_image != before.summary.docker_image
                    || now.summary.environment != before.summary.environment
                {
                    Ok(Look::Done(Some(status_text(&now))))
                } else if attempt.number >= grace_polls {
                    Ok(Look::Done(None))
                } else {
                    Ok(Look::Again)
                }
            }
            Err(error) if error.code == ErrorCode::NotFound => Err(Error::new(
                ErrorCode::NotFound,
                format!("Runtime {name} no longer exists, so it was not updated."),
            )
            .with_remedy("Check the workspace's runtimes.")),
            Err(error) => Err(lost_track(error, "update", name)),
        }
    })
    .await?;
    match looked {
        Waited::Done(Some(status)) => {
            progress.message(format!(
                "The answer to the update request was lost, but the update is under way (the runtime is {status})"
            ));
            Ok(())
        }
        Waited::Done(None) | Waited::TimedOut => Err(lost_error(
            &lost,
            format!("Runtime {name} is unchanged: it was not updated."),
            "Check your connection, then update it again.",
            name,
        )),
    }
}

/// After a delete whose answer was lost: a runtime that is gone or going is watched until it is
/// gone; one that is still there was not deleted, and that is said.
pub(crate) async fn confirm_deleting(flow: &FlowClient, name: &str, lost: Error) -> Result<()> {
    match flow.get_runtime(name).await {
        Err(error) if error.code == ErrorCode::NotFound => Ok(()),
        Ok(dto)
            if matches!(
                dto.status.as_deref(),
                Some("Stopping" | "Deleting" | "NotExist")
            ) =>
        {
            Ok(())
        }
        // A failed read is no sign that the runtime is still there.
        Err(error) if error.is_retryable() => Err(lost_track(error, "delete", name)),
        _ => Err(lost_error(
            &lost,
            format!("Runtime {name} is still there: it was not deleted."),
            "Check your connection, then delete it again.",
            name,
        )),
    }
}
