//! What the page-test fixture generator (`ui_fixtures.rs`) shares between its parts: an answer
//! as the UI receives it, and the operation a core call ran, as the mocks replay it.

pub mod about_app;
pub mod activity;
pub mod app;
pub mod changes;
pub mod decommission;
pub mod inventory;
pub mod normalise;
pub mod session;

use pfrm_core::ops::OperationSnapshot;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::broadcast::Receiver;

/// The operation `updates` reported since it was subscribed: what it was (kind, title,
/// target, subject) and its states and stages in order.
pub fn operation_steps(updates: &mut Receiver<OperationSnapshot>) -> Value {
    let mut operation = Value::Null;
    let mut stages: Vec<Value> = Vec::new();
    while let Ok(snapshot) = updates.try_recv() {
        if operation.is_null() {
            operation = json!({
                "kind": snapshot.kind,
                "title": snapshot.title,
                "target": snapshot.target,
                "subject": snapshot.subject,
            });
        }
        let step = json!({
            "state": snapshot.state,
            "stage": snapshot.stage,
            "message": snapshot.message,
        });
        if stages.last() != Some(&step) {
            stages.push(step);
        }
    }
    json!({ "operation": operation, "stages": stages })
}

/// An answer as the UI receives it: `{"ok": answer}` or `{"error": {code, message, ...}}`.
pub fn answer<T: Serialize>(result: pfrm_core::Result<T>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error }),
    }
}

/// `value` as JSON, with each `(from, to)` replaced in its text: a scratch folder, a random id or
/// a moment shown as the fixed stand-in the fixtures hold.
pub fn replaced<T: Serialize>(
    value: &T,
    pairs: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
) -> Value {
    let mut text = serde_json::to_string(value).unwrap();
    for (from, to) in pairs {
        text = text.replace(from.as_ref(), to.as_ref());
    }
    serde_json::from_str(&text).unwrap()
}

pub fn ok<T: Serialize>(value: T) -> Value {
    json!({ "ok": value })
}
