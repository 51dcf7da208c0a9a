//! What a status or a resource body says: its state (in any case), its provisioning state, its
//! error object.

use serde_json::Value;

use super::LroOutcome;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum State {
    Succeeded,
    Failed,
    Canceled,
    Running,
}

pub(super) fn state_of(text: &str) -> State {
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

pub(super) fn provisioning_state(body: Option<&Value>) -> Option<&str> {
    body?.pointer("/properties/provisioningState")?.as_str()
}

pub(super) fn succeeded(body: Option<Value>) -> LroOutcome {
    LroOutcome {
        status: "Succeeded".into(),
        body,
    }
}

/// The `error` object of an operation status, or of a resource's properties.
pub(super) fn error_of(body: Option<&Value>) -> Option<&Value> {
    let body = body?;
    body.get("error")
        .or_else(|| body.pointer("/properties/error"))
        .filter(|error| error.is_object())
}

/// A JSON value as text: strings as they are, anything else (an integer code) as JSON.
pub(super) fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
