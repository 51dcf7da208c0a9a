//! An operation that failed, was cancelled in Azure or ran out of time, as the user reads it:
//! the service's own code and message (redacted), and a known cause when the diagnosis has one.

use serde_json::Value;

use super::states::{state_of, text_of, State};
use super::LroOptions;
use crate::error::{Error, ErrorCode};
use crate::http::{redact_secrets, ApiResponse};

pub(super) fn failed(
    operation: &str,
    status: &str,
    error: Option<&Value>,
    response: &ApiResponse,
) -> Error {
    let error_body = error;
    let code = error.and_then(|error| error.get("code")).map(text_of);
    let message = error.and_then(|error| error.get("message")).map(text_of);
    let message_text = message.clone();
    let said = message
        .map(|message| format!(" Azure said: {}", redact_secrets(&message)))
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
        .map(redact_secrets)
        .unwrap_or_default();
    if let Some(code) = code {
        error = error.with_detail("armCode", code);
    }
    if let Some(correlation) = response.header("x-ms-correlation-request-id") {
        error = error.with_detail("correlationId", correlation);
    }
    crate::diagnosis::attach_if_known(error, &diagnosed_message, &codes)
}

pub(super) fn timeout_error(operation: &str, options: &LroOptions) -> Error {
    Error::new(
        ErrorCode::Timeout,
        format!(
            "The operation to {operation} did not finish within {} seconds.",
            options.timeout.as_secs()
        ),
    )
    .with_remedy("It may still finish in Azure: refresh in a few minutes before trying again.")
}
