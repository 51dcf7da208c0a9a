//! Polling of ARM long-running operations (`Azure-AsyncOperation` and `Location`).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::{parse_retry_after, ApiRequest, ApiResponse, Method, Pipeline};
use crate::error::{Error, ErrorCode, Result};

/// How long and how often to poll.
#[derive(Debug, Clone)]
pub struct LroOptions {
    /// Give up (with [`ErrorCode::Timeout`]) after this long; the operation may go on in Azure.
    pub timeout: Duration,
    /// Wait between polls when the service gives no `Retry-After`.
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OperationStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    error: Option<OperationError>,
    #[serde(default)]
    percent_complete: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct OperationError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

enum Monitor {
    AsyncOperation(Url),
    Location(Url),
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn body_json(response: &ApiResponse) -> Option<Value> {
    if response.body.is_empty() {
        None
    } else {
        serde_json::from_slice(&response.body).ok()
    }
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
    mut on_progress: impl FnMut(&LroProgress),
) -> Result<LroOutcome> {
    let started = Instant::now();
    let operation = initial.operation.as_str();
    let resolve = |name: &str| -> Result<Option<Url>> {
        let Some(text) = response.header(name) else {
            return Ok(None);
        };
        let url = response.url.join(text).map_err(|error| {
            Error::new(
                ErrorCode::Service,
                format!(
                    "Azure returned an unreadable {name} URL while trying to {operation}: {error}."
                ),
            )
        })?;
        if !same_origin(&url, &initial.url) {
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
    };
    let async_operation = resolve("azure-asyncoperation")?;
    let location = if matches!(response.status, 201 | 202) || async_operation.is_some() {
        resolve("location")?
    } else {
        None
    };
    let mut monitor = match (async_operation, location.clone()) {
        (Some(url), _) => Monitor::AsyncOperation(url),
        (None, Some(url)) => Monitor::Location(url),
        (None, None) => {
            return Ok(LroOutcome {
                status: "Succeeded".into(),
                body: body_json(&response),
            })
        }
    };

    let deadline = started + options.timeout;
    let mut delay = retry_delay(&response, options);
    let mut polls = 0u32;
    loop {
        sleep_or_stop(delay, deadline, options, operation).await?;
        polls += 1;
        let (url, accept_202) = match &monitor {
            Monitor::AsyncOperation(url) => (url.clone(), false),
            Monitor::Location(url) => (url.clone(), true),
        };
        let mut poll = ApiRequest::get(url, initial.audience.clone(), operation.to_owned());
        if accept_202 {
            poll = poll.accept(202);
        }
        let polled = run_or_stop(pipeline.send(&poll), deadline, options, operation).await?;
        delay = retry_delay(&polled, options);
        match &monitor {
            Monitor::AsyncOperation(_) => {
                let status: OperationStatus = polled.json(operation)?;
                let text = status.status.clone().unwrap_or_else(|| "InProgress".into());
                on_progress(&LroProgress {
                    status: text.clone(),
                    percent_complete: status.percent_complete,
                    polls,
                    elapsed: started.elapsed(),
                });
                if text.eq_ignore_ascii_case("Succeeded") {
                    let body =
                        final_body(pipeline, initial, location.as_ref(), options, deadline).await?;
                    match body {
                        Some(Ok(value)) => {
                            return Ok(LroOutcome {
                                status: text,
                                body: value,
                            })
                        }
                        Some(Err(())) => {
                            // The result is still being prepared: keep polling its URL.
                            monitor = Monitor::Location(
                                location.clone().unwrap_or_else(|| initial.full_url()),
                            );
                            continue;
                        }
                        None => {
                            return Ok(LroOutcome {
                                status: text,
                                body: None,
                            })
                        }
                    }
                }
                if text.eq_ignore_ascii_case("Failed")
                    || text.eq_ignore_ascii_case("Canceled")
                    || text.eq_ignore_ascii_case("Cancelled")
                {
                    return Err(failed(operation, &text, status.error, &polled));
                }
            }
            Monitor::Location(_) => {
                if polled.status == 202 {
                    on_progress(&LroProgress {
                        status: "InProgress".into(),
                        percent_complete: None,
                        polls,
                        elapsed: started.elapsed(),
                    });
                    continue;
                }
                on_progress(&LroProgress {
                    status: "Succeeded".into(),
                    percent_complete: Some(100.0),
                    polls,
                    elapsed: started.elapsed(),
                });
                return Ok(LroOutcome {
                    status: "Succeeded".into(),
                    body: body_json(&polled),
                });
            }
        }
    }
}

/// After an `Azure-AsyncOperation` succeeded: fetch the result. `None` = nothing to fetch;
/// `Some(Err(()))` = the Location still answers 202.
async fn final_body(
    pipeline: &Pipeline,
    initial: &ApiRequest,
    location: Option<&Url>,
    options: &LroOptions,
    deadline: Instant,
) -> Result<Option<std::result::Result<Option<Value>, ()>>> {
    let url = match (location, &initial.method) {
        (Some(url), _) => url.clone(),
        (None, &Method::PUT) | (None, &Method::PATCH) => initial.full_url(),
        _ => return Ok(None),
    };
    let request =
        ApiRequest::get(url, initial.audience.clone(), initial.operation.clone()).accept(202);
    let response = run_or_stop(
        pipeline.send(&request),
        deadline,
        options,
        &initial.operation,
    )
    .await?;
    if response.status == 202 {
        return Ok(Some(Err(())));
    }
    Ok(Some(Ok(body_json(&response))))
}

fn failed(
    operation: &str,
    status: &str,
    error: Option<OperationError>,
    response: &ApiResponse,
) -> Error {
    let (code, message) = match error {
        Some(error) => (error.code, error.message),
        None => (None, None),
    };
    let said = message
        .map(|message| format!(" Azure said: {}", super::redact_secrets(&message)))
        .unwrap_or_default();
    let verb = if status.eq_ignore_ascii_case("Failed") {
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
    if let Some(code) = code {
        error = error.with_detail("armCode", code);
    }
    if let Some(correlation) = response.header("x-ms-correlation-request-id") {
        error = error.with_detail("correlationId", correlation);
    }
    error
}

fn retry_delay(response: &ApiResponse, options: &LroOptions) -> Duration {
    response
        .header("retry-after")
        .and_then(parse_retry_after)
        .unwrap_or(options.poll_interval)
        .min(options.max_poll_interval)
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

async fn sleep_or_stop(
    delay: Duration,
    deadline: Instant,
    options: &LroOptions,
    operation: &str,
) -> Result<()> {
    let wake = (Instant::now() + delay).min(deadline);
    tokio::select! {
        _ = options.cancel.cancelled() => Err(Error::cancelled()),
        _ = tokio::time::sleep_until(wake) => {
            if Instant::now() >= deadline {
                Err(timeout_error(operation, options))
            } else {
                Ok(())
            }
        }
    }
}

async fn run_or_stop<T>(
    future: impl std::future::Future<Output = Result<T>>,
    deadline: Instant,
    options: &LroOptions,
    operation: &str,
) -> Result<T> {
    tokio::select! {
        _ = options.cancel.cancelled() => Err(Error::cancelled()),
        _ = tokio::time::sleep_until(deadline) => Err(timeout_error(operation, options)),
        result = future => result,
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

    /// Whether the first response already was the final one (no status URL to poll).
    pub fn is_done(&self) -> bool {
        self.response.header("azure-asyncoperation").is_none()
            && !(matches!(self.response.status, 201 | 202)
                && self.response.header("location").is_some())
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
