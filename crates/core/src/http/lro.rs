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

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::retry::retry_after_from;
use super::wait::{self, Look, Wait, Waited};
use super::{ApiRequest, ApiResponse, Method, Pipeline};
use crate::error::{Error, ErrorCode, Result};

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

/// What is polled.
#[derive(Debug, Clone, PartialEq)]
enum Monitor {
    /// An operation-status resource with a `status` field.
    AsyncOperation(Url),
    /// A URL answering 202 until the operation ends.
    Location(Url),
    /// The resource itself (PUT/PATCH), until its `provisioningState` is terminal.
    Provisioning(Url),
}

/// The first response read: finished already, or how to follow it.
enum Start {
    Done(LroOutcome),
    Follow(Monitor),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Succeeded,
    Failed,
    Canceled,
    Running,
}

fn state_of(text: &str) -> State {
    if text.eq_ignore_ascii_case("Succeeded") {
        State::Succeeded
    } else if text.eq_ignore_ascii_case("Failed") {
        State::Failed
    } else if text.eq_ignore_ascii_case("Canceled") || text.eq_ignore_ascii_case("Cancelled") {
        State::Canceled
    } else {
        State::Running
    }
}

fn provisioning_state(body: Option<&Value>) -> Option<&str> {
    body?.pointer("/properties/provisioningState")?.as_str()
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Everything a poll needs to know about the operation.
struct Operation<'a> {
    pipeline: &'a Pipeline,
    initial: &'a ApiRequest,
    /// The `Location` of the first response, for a POST's result.
    location: Option<Url>,
}

impl Operation<'_> {
    fn name(&self) -> &str {
        &self.initial.operation
    }

    fn is_put_or_patch(&self) -> bool {
        matches!(self.initial.method, Method::PUT | Method::PATCH)
    }

    fn unreadable(&self, what: &str, response: &ApiResponse, why: String) -> Error {
        Error::new(
            ErrorCode::Service,
            format!(
                "Azure answered '{}' with {what} pfrm could not read: {why}.",
                self.name()
            ),
        )
        .with_remedy("Check the resource in the Azure portal; if this keeps happening, report it with the log file.")
        .with_detail("status", response.status)
        .with_detail("clientRequestId", response.client_request_id.clone())
    }

    /// The body as JSON: `None` when empty, an error when it is not JSON.
    fn json_body(&self, response: &ApiResponse) -> Result<Option<Value>> {
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&response.body)
            .map(Some)
            .map_err(|error| self.unreadable("data", response, error.to_string()))
    }

    /// A resource read (a PUT's or PATCH's result) must carry the resource.
    fn resource_body(&self, response: &ApiResponse) -> Result<Value> {
        self.json_body(response)?.ok_or_else(|| {
            self.unreadable(
                "a resource",
                response,
                "the response has no body".to_owned(),
            )
        })
    }

    /// Resolves a status URL from `name` on `response`, on the initial request's origin only.
    fn status_url(&self, response: &ApiResponse, name: &str) -> Result<Option<Url>> {
        let Some(text) = response.header(name) else {
            return Ok(None);
        };
        let operation = self.name();
        let url = response.url.join(text.trim()).map_err(|error| {
            Error::new(
                ErrorCode::Service,
                format!(
                    "Azure returned an unreadable {name} URL while trying to {operation}: {error}."
                ),
            )
        })?;
        if !same_origin(&url, &self.initial.url) {
            return Err(Error::new(
                ErrorCode::Service,
                format!(
                    "Azure returned a {name} URL on another host ({}) while trying to {operation}; pfrm does not follow it.",
                    url.host_str().unwrap_or("?")
                ),
            )
            .with_remedy("Check the cloud configuration; this should not happen with Azure."));
        }
        Ok(Some(url))
    }

    /// Reads the first response: done already (its headers are then not followed), or what to
    /// poll.
    fn start(&mut self, response: &ApiResponse) -> Result<Start> {
        if response.status == 204 {
            return Ok(Start::Done(succeeded(None)));
        }
        // A 202's body is no resource (it may even say "Succeeded" for the old state).
        let body = if response.status == 202 {
            None
        } else {
            self.json_body(response)?
        };
        let async_header = response.header("azure-asyncoperation").is_some();
        let location_header = response.header("location").is_some();
        if matches!(response.status, 200 | 201) {
            if let Some(text) = provisioning_state(body.as_ref()) {
                match state_of(text) {
                    State::Succeeded => {
                        return Ok(Start::Done(LroOutcome {
                            status: text.to_owned(),
                            body,
                        }))
                    }
                    State::Failed | State::Canceled => {
                        return Err(failed(self.name(), text, error_of(body.as_ref()), response))
                    }
                    State::Running => {}
                }
            } else if response.status == 200 && !async_header {
                // A 200 without a provisioning state and nothing to follow is the result.
                return Ok(Start::Done(succeeded(body)));
            }
        }
        let async_operation = self.status_url(response, "azure-asyncoperation")?;
        // Location matters on a 201 or 202, or beside an async header (a POST's result). It is
        // resolved only when it is used: a PUT's result is read from the resource itself.
        let location_counts = matches!(response.status, 201 | 202) || async_header;
        let wants_location = match (&async_operation, &self.initial.method) {
            (None, _) => location_counts && location_header,
            (Some(_), &Method::POST) => location_header,
            (Some(_), _) => false,
        };
        if wants_location {
            self.location = self.status_url(response, "location")?;
        }
        if let Some(url) = async_operation {
            return Ok(Start::Follow(Monitor::AsyncOperation(url)));
        }
        if let Some(url) = self.location.clone() {
            return Ok(Start::Follow(Monitor::Location(url)));
        }
        if self.is_put_or_patch() && matches!(response.status, 200 | 201) {
            return Ok(Start::Follow(Monitor::Provisioning(
                self.initial.full_url(),
            )));
        }
        if response.status == 202 {
            return Err(Error::new(
                ErrorCode::Service,
                format!(
                    "Azure accepted the request to {} but named no URL to follow it (no Azure-AsyncOperation or Location header).",
                    self.name()
                ),
            )
            .with_remedy("Refresh in a few minutes to see whether it finished.")
            .with_detail("status", response.status)
            .with_detail("clientRequestId", response.client_request_id.clone()));
        }
        Ok(Start::Done(succeeded(body)))
    }

    async fn get(&self, url: &Url, accept_202: bool) -> Result<ApiResponse> {
        self.get_accepting(url, if accept_202 { &[202] } else { &[] })
            .await
    }

    async fn get_accepting(&self, url: &Url, statuses: &[u16]) -> Result<ApiResponse> {
        let mut request = ApiRequest::get(
            url.clone(),
            self.initial.audience.clone(),
            self.initial.operation.clone(),
        );
        for status in statuses {
            request = request.accept(*status);
        }
        self.pipeline.send(&request).await
    }

    /// A body the operation ended with: a resource whose provisioning state failed is a failure.
    fn final_outcome(&self, body: Option<Value>, response: &ApiResponse) -> Result<Step> {
        if let Some(text) = provisioning_state(body.as_ref()) {
            if matches!(state_of(text), State::Failed | State::Canceled) {
                return Err(failed(self.name(), text, error_of(body.as_ref()), response));
            }
        }
        Ok(Step::Done(succeeded(body)))
    }

    /// After the operation succeeded: the result, read by method.
    async fn result(&self) -> Result<Step> {
        let url = match self.initial.method {
            Method::PUT | Method::PATCH => self.initial.full_url(),
            Method::POST => match &self.location {
                Some(url) => url.clone(),
                None => return Ok(Step::Done(succeeded(None))),
            },
            _ => return Ok(Step::Done(succeeded(None))),
        };
        let response = self.get(&url, true).await?;
        if response.status == 202 {
            // The result is still being prepared: poll its URL.
            return Ok(Step::Poll(Monitor::Location(url), None));
        }
        let body = if self.is_put_or_patch() {
            Some(self.resource_body(&response)?)
        } else {
            self.json_body(&response)?
        };
        self.final_outcome(body, &response)
    }

    /// One poll of `monitor`.
    async fn poll(&self, monitor: &Monitor) -> Result<(Step, ApiResponse)> {
        match monitor {
            Monitor::AsyncOperation(url) => {
                let response = self.get(url, false).await?;
                let body = self.json_body(&response)?.ok_or_else(|| {
                    self.unreadable(
                        "an operation status",
                        &response,
                        "the response has no body".into(),
                    )
                })?;
                let Some(status) = body.get("status").and_then(Value::as_str) else {
                    return Err(self.unreadable(
                        "an operation status",
                        &response,
                        "it has no status".into(),
                    ));
                };
                let progress = Some(Reported {
                    status: status.to_owned(),
                    percent_complete: body.get("percentComplete").and_then(Value::as_f64),
                });
                let step = match state_of(status) {
                    State::Succeeded => match self.result().await? {
                        Step::Done(mut outcome) => {
                            outcome.status = status.to_owned();
                            Step::Done(outcome)
                        }
                        other => other,
                    },
                    State::Failed | State::Canceled => {
                        return Err(failed(
                            self.name(),
                            status,
                            error_of(Some(&body)),
                            &response,
                        ))
                    }
                    State::Running => Step::Poll(monitor.clone(), None),
                };
                Ok((with_progress(step, progress), response))
            }
            Monitor::Location(url) => {
                let response = self.get_accepting(url, LOCATION_ANSWERS).await?;
                if response.status >= 400 {
                    // The operation ended without success: the same failure as an operation
                    // status saying so, whichever header the service chose.
                    let body = self.json_body(&response).ok().flatten();
                    let error = error_of(body.as_ref());
                    let canceled = error
                        .and_then(|error| error.get("code"))
                        .and_then(Value::as_str)
                        .is_some_and(|code| {
                            code.eq_ignore_ascii_case("OperationCanceled")
                                || state_of(code) == State::Canceled
                        });
                    let status = if canceled { "Canceled" } else { "Failed" };
                    return Err(failed(self.name(), status, error, &response));
                }
                if response.status == 202 {
                    let next = match self.status_url(&response, "location")? {
                        Some(next) => Monitor::Location(next),
                        None => monitor.clone(),
                    };
                    let step = Step::Poll(
                        next,
                        Some(Reported {
                            status: "InProgress".into(),
                            percent_complete: None,
                        }),
                    );
                    return Ok((step, response));
                }
                let body = self.json_body(&response)?;
                let step = if body.is_none() && self.is_put_or_patch() {
                    // No result on the status URL: read the resource.
                    self.result().await?
                } else {
                    self.final_outcome(body, &response)?
                };
                Ok((step, response))
            }
            Monitor::Provisioning(url) => {
                let response = self.get(url, true).await?;
                if response.status == 202 {
                    let step = Step::Poll(monitor.clone(), None);
                    return Ok((step, response));
                }
                let body = self.resource_body(&response)?;
                let step = match provisioning_state(Some(&body)).map(|text| (text, state_of(text)))
                {
                    // No provisioning state: the resource is there as it is.
                    None => Step::Done(succeeded(Some(body))),
                    Some((text, State::Succeeded)) => Step::Done(LroOutcome {
                        status: text.to_owned(),
                        body: Some(body),
                    }),
                    Some((text, State::Failed | State::Canceled)) => {
                        return Err(failed(self.name(), text, error_of(Some(&body)), &response))
                    }
                    Some((text, State::Running)) => Step::Poll(
                        monitor.clone(),
                        Some(Reported {
                            status: text.to_owned(),
                            percent_complete: None,
                        }),
                    ),
                };
                Ok((step, response))
            }
        }
    }
}

/// What a `Location` may answer besides success: 202 while the operation runs, and the client
/// errors with which ARM reports an operation that failed or was cancelled (ARM RPC, "202
/// Accepted and Location headers"). A 401 still renews the token, a 403 or 404 means the URL
/// itself cannot be read, and the pipeline retries 429 and 5xx as for any read.
const LOCATION_ANSWERS: &[u16] = &[202, 400, 409, 412, 422];

/// What a poll found.
enum Step {
    Done(LroOutcome),
    /// Poll `Monitor` next; the status reported by this poll, if any.
    Poll(Monitor, Option<Reported>),
}

struct Reported {
    status: String,
    percent_complete: Option<f64>,
}

fn with_progress(step: Step, progress: Option<Reported>) -> Step {
    match step {
        Step::Poll(monitor, None) => Step::Poll(monitor, progress),
        other => other,
    }
}

fn succeeded(body: Option<Value>) -> LroOutcome {
    LroOutcome {
        status: "Succeeded".into(),
        body,
    }
}

/// The `error` object of an operation status, or of a resource's properties.
fn error_of(body: Option<&Value>) -> Option<&Value> {
    let body = body?;
    body.get("error")
        .or_else(|| body.pointer("/properties/error"))
        .filter(|error| error.is_object())
}

/// A JSON value as text: strings as they are, anything else (an integer code) as JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn failed(operation: &str, status: &str, error: Option<&Value>, response: &ApiResponse) -> Error {
    let error_body = error;
    let code = error.and_then(|error| error.get("code")).map(text_of);
    let message = error.and_then(|error| error.get("message")).map(text_of);
    let message_text = message.clone();
    let said = message
        .map(|message| format!(" Azure said: {}", super::redact_secrets(&message)))
        .unwrap_or_default();
    let verb = if state_of(status) == State::Failed {
        "failed"
    } else {
        "was cancelled in Azure"
    };
    let mut error = Error::new(
        ErrorCode::Service,
        format!("The operation to {operation} {verb}.{said}"),
    )
    .with_remedy("Read the message above, fix what it names, and try again.")
    .with_detail("status", response.status)
    .with_detail("operationStatus", status)
    .with_detail("clientRequestId", response.client_request_id.clone());
    let codes = error_body
        .map(crate::diagnosis::error_codes)
        .unwrap_or_default();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let diagnosed_message = message_text
        .as_deref()
        .map(super::redact_secrets)
        .unwrap_or_default();
    if let Some(code) = code {
        error = error.with_detail("armCode", code);
    }
    if let Some(correlation) = response.header("x-ms-correlation-request-id") {
        error = error.with_detail("correlationId", correlation);
    }
    crate::diagnosis::attach_if_known(error, &diagnosed_message, &codes)
}

fn timeout_error(operation: &str, options: &LroOptions) -> Error {
    Error::new(
        ErrorCode::Timeout,
        format!(
            "The operation to {operation} did not finish within {} seconds.",
            options.timeout.as_secs()
        ),
    )
    .with_remedy("It may still finish in Azure: refresh in a few minutes before trying again.")
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
