//! The poller for ARM long-running operations, following the ARM asynchronous-operation rules
//! and azure-core's poller:
//!
//! - how to follow: `Azure-AsyncOperation` first, then `Location`, then, for a PUT or PATCH
//!   answered 200/201 with a provisioning state that is not terminal (or a 201 without one), the
//!   resource's own `provisioningState`;
//! - a `Location` answering 202 may name a new `Location`, which is followed from then on;
//! - `Retry-After` (seconds or an HTTP-date) sets the next pause; `0` or none means the default
//!   interval, and no pause exceeds [`LroOptions::max_poll_interval`];
//! - terminal states (`Succeeded`, `Failed`, `Canceled`) are read in any case; `Failed` and
//!   `Canceled` are errors carrying the service's `error.code` of any JSON type; a `Location`
//!   that answers a client error (400, 409, 412, 422) reports the same failure (cancelled for
//!   `OperationCanceled`), so an operation ends alike whichever header the service chose;
//! - the result is read by method: PUT/PATCH from the original URL, POST from `Location` when
//!   given, DELETE has none;
//! - a status body without `status`, a body that is not JSON, or a resource read without a
//!   body is an error, never success;
//! - status URLs must be on the initial request's origin (the bearer token goes nowhere else),
//!   except that headers on a response that is already terminal are not followed at all.
//!
//! Waiting itself (pauses, deadline, cancel) is the one wait primitive, [`super::wait`].
//!
//! The modules: `operation` (reading the first answer, each poll and the result), `states`
//! (what a status or a resource body says), `failures` (an operation that failed, was cancelled
//! or ran out of time, as the user reads it); this module holds the options, the waiting loop and
//! [`PendingOperation`].

mod failures;
mod operation;
mod states;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::retry::retry_after_from;
use super::wait::{self, Look, Wait, Waited};
use super::{ApiRequest, ApiResponse, Method, Pipeline};
use crate::error::Result;
use failures::timeout_error;
use operation::{Operation, Start, Step};
use states::{provisioning_state, state_of, State};

/// How long and how often to poll.
#[derive(Debug, Clone)]
pub struct LroOptions {
    /// Give up (with [`ErrorCode::Timeout`]) after this long; the operation may go on in Azure.
    pub timeout: Duration,
    /// Wait between polls when the service gives no `Retry-After` (or `Retry-After: 0`).
    pub poll_interval: Duration,
    /// No wait between polls is longer than this, whatever the service asks.
    pub max_poll_interval: Duration,
    /// Cancelling stops polling at once with [`ErrorCode::Cancelled`].
    pub cancel: CancellationToken,
}

impl Default for LroOptions {
    fn default() -> Self {
        LroOptions {
            timeout: Duration::from_secs(30 * 60),
            poll_interval: Duration::from_secs(5),
            max_poll_interval: Duration::from_secs(60),
            cancel: CancellationToken::new(),
        }
    }
}

/// One progress report, sent after every poll.
#[derive(Debug, Clone, PartialEq)]
pub struct LroProgress {
    /// The operation's status as the service reported it (`InProgress`, `Succeeded`, ...).
    pub status: String,
    pub percent_complete: Option<f64>,
    /// Number of status requests made so far.
    pub polls: u32,
    pub elapsed: Duration,
}

/// How the operation ended.
#[derive(Debug, Clone, PartialEq)]
pub struct LroOutcome {
    /// Terminal status (`Succeeded`), or `Succeeded` when the first response was already final.
    pub status: String,
    /// The final resource or result, when the service returned one.
    pub body: Option<Value>,
}

/// Locks a mutex that only this poller's own steps share (never poisoned by a panic elsewhere).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The pause a response asks for; zero when it asks for none (the default interval applies).
fn asked_pause(response: &ApiResponse) -> Duration {
    retry_after_from(&response.headers).unwrap_or(Duration::ZERO)
}

/// Waits for the long-running operation started by `initial` (whose first answer is `response`)
/// to finish, calling `on_progress` after every poll.
///
/// Status URLs must be on the same origin as the initial request: the bearer token is never sent
/// to a host the caller did not choose.
pub async fn wait(
    pipeline: &Pipeline,
    initial: &ApiRequest,
    response: ApiResponse,
    options: &LroOptions,
    on_progress: impl FnMut(&LroProgress),
) -> Result<LroOutcome> {
    let mut operation = Operation {
        pipeline,
        initial,
        location: None,
    };
    let first = match operation.start(&response)? {
        Start::Done(outcome) => return Ok(outcome),
        Start::Follow(monitor) => monitor,
    };
    let operation = &operation;
    let monitor = &Mutex::new(first);
    let on_progress = &Mutex::new(on_progress);
    let first_pause = match asked_pause(&response) {
        pause if pause.is_zero() => options.poll_interval,
        pause => pause,
    };
    let schedule = Wait {
        interval: options.poll_interval,
        max_interval: options.max_poll_interval,
        first_delay: first_pause,
        timeout: options.timeout,
        cancel: options.cancel.clone(),
    };
    let outcome = wait::until(&schedule, move |attempt| async move {
        let current = lock(monitor).clone();
        let (step, response) = operation.poll(&current).await?;
        let report = |status: String, percent_complete: Option<f64>| {
            (lock(on_progress))(&LroProgress {
                status,
                percent_complete,
                polls: attempt.number,
                elapsed: attempt.elapsed,
            })
        };
        match step {
            Step::Done(outcome) => {
                report(outcome.status.clone(), Some(100.0));
                Ok(Look::Done(outcome))
            }
            Step::Poll(next, reported) => {
                if let Some(reported) = reported {
                    report(reported.status, reported.percent_complete);
                }
                *lock(monitor) = next;
                Ok(Look::AgainAfter(asked_pause(&response)))
            }
        }
    })
    .await?;
    match outcome {
        Waited::Done(outcome) => Ok(outcome),
        Waited::TimedOut => Err(timeout_error(&initial.operation, options)),
    }
}

/// A long-running operation that was started and can be waited for.
#[derive(Debug, Clone)]
pub struct PendingOperation {
    pub request: ApiRequest,
    pub response: ApiResponse,
}

impl PendingOperation {
    /// Starts `request` and keeps what is needed to wait for it.
    pub async fn start(pipeline: &Pipeline, request: ApiRequest) -> Result<Self> {
        let response = pipeline.send(&request).await?;
        Ok(PendingOperation { request, response })
    }

    /// Whether the first response already was the final one (nothing to poll).
    pub fn is_done(&self) -> bool {
        let response = &self.response;
        if response.status == 204 {
            return true;
        }
        let body: Option<Value> = serde_json::from_slice(&response.body).ok();
        let state = provisioning_state(body.as_ref()).map(state_of);
        let follow = response.header("azure-asyncoperation").is_some()
            || (matches!(response.status, 201 | 202) && response.header("location").is_some());
        match (response.status, state) {
            (200 | 201, Some(State::Succeeded | State::Failed | State::Canceled)) => true,
            (_, _) if follow => false,
            (200 | 201, _) if matches!(self.request.method, Method::PUT | Method::PATCH) => {
                response.status == 200 && state.is_none()
            }
            (202, _) => false,
            _ => true,
        }
    }

    /// Waits for the operation; see [`wait`].
    pub async fn wait(
        self,
        pipeline: &Pipeline,
        options: &LroOptions,
        on_progress: impl FnMut(&LroProgress),
    ) -> Result<LroOutcome> {
        wait(pipeline, &self.request, self.response, options, on_progress).await
    }
}
