//! One operation being followed: reads its first answer (done already, or which URL to poll),
//! each poll, and the result once it succeeded, with the ARM rules the poller's module lists.

use serde_json::Value;
use url::Url;

use super::failures::failed;
use super::states::{error_of, provisioning_state, state_of, succeeded, State};
use super::LroOutcome;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{ApiRequest, ApiResponse, Method, Pipeline};

/// What is polled.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Monitor {
    /// An operation-status resource with a `status` field.
    AsyncOperation(Url),
    /// A URL answering 202 until the operation ends.
    Location(Url),
    /// The resource itself (PUT/PATCH), until its `provisioningState` is terminal.
    Provisioning(Url),
}

/// The first response read: finished already, or how to follow it.
pub(super) enum Start {
    Done(LroOutcome),
    Follow(Monitor),
}

pub(super) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Everything a poll needs to know about the operation.
pub(super) struct Operation<'a> {
    pub(super) pipeline: &'a Pipeline,
    pub(super) initial: &'a ApiRequest,
    /// The `Location` of the first response, for a POST's result.
    pub(super) location: Option<Url>,
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
    pub(super) fn start(&mut self, response: &ApiResponse) -> Result<Start> {
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
    pub(super) async fn poll(&self, monitor: &Monitor) -> Result<(Step, ApiResponse)> {
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
pub(super) const LOCATION_ANSWERS: &[u16] = &[202, 400, 409, 412, 422];

/// What a poll found.
pub(super) enum Step {
    Done(LroOutcome),
    /// Poll `Monitor` next; the status reported by this poll, if any.
    Poll(Monitor, Option<Reported>),
}

pub(super) struct Reported {
    pub(super) status: String,
    pub(super) percent_complete: Option<f64>,
}

pub(super) fn with_progress(step: Step, progress: Option<Reported>) -> Step {
    match step {
        Step::Poll(monitor, None) => Step::Poll(monitor, progress),
        other => other,
    }
}
