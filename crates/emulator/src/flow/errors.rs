//! The flow service's error envelope.

use crate::http::{json_resp, Resp};
use crate::state::now_rfc3339;
use serde_json::{json, Value};

pub fn flow_error_body(code: &str, inner: &str, message: &str, location: &str) -> Value {
    json!({
        "error": {
            "code": code, "severity": null, "message": message, "messageFormat": message,
            "messageParameters": {}, "referenceCode": null, "detailsUri": null, "target": null,
            "details": [], "innerError": {"code": inner},
            "additionalInfo": null
        },
        "correlation": {"operation": uuid::Uuid::new_v4().simple().to_string(), "request": uuid::Uuid::new_v4().simple().to_string()},
        "environment": location, "location": location, "time": now_rfc3339(), "componentName": "flow"
    })
}

pub fn flow_error(status: u16, code: &str, inner: &str, message: &str) -> Resp {
    json_resp(status, &flow_error_body(code, inner, message, "local"))
}

pub fn user_error(status: u16, inner: &str, message: &str) -> Resp {
    flow_error(status, "UserError", inner, message)
}
