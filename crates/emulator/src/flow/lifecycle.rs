//! What creating, updating and deleting a runtime share: the request body's checks, the
//! runtime name rule, how a start ends, and answering once the runtime is ready.

use super::dto::present;
use super::errors::user_error;
use super::FlowCall;
use crate::http::{json_resp, Req, Resp};
use crate::state::{Compute, Runtime, Workspace};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub fn parse_flow_body(req: &Req) -> Result<Value, Resp> {
    if req.body_too_large {
        return Err(user_error(
            413,
            "RequestEntityTooLarge",
            "The request body is too large.",
        ));
    }
    if req.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(&req.body).map_err(|e| {
        user_error(
            400,
            "BadArgument",
            &format!("The request body is not valid JSON: {e}."),
        )
    })?;
    if !v.is_object() {
        return Err(user_error(
            400,
            "BadArgument",
            "The request body must be a JSON object.",
        ));
    }
    for key in [
        "runtimeType",
        "instanceType",
        "endpointName",
        "deploymentName",
        "computeInstanceName",
        "customAppName",
        "runtimeDescription",
        "environment",
    ] {
        if v.get(key).is_some_and(|x| !x.is_string() && !x.is_null()) {
            return Err(user_error(
                400,
                "BadArgument",
                &format!("'{key}' must be a string."),
            ));
        }
    }
    for key in [
        "fromExistingEndpoint",
        "fromExistingDeployment",
        "fromExistingCustomApp",
    ] {
        if v.get(key).is_some_and(|x| !x.is_boolean() && !x.is_null()) {
            return Err(user_error(
                400,
                "BadArgument",
                &format!("'{key}' must be a boolean."),
            ));
        }
    }
    if v.get("instanceCount").is_some_and(|x| {
        !(x.is_null()
            || x.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
            || x.as_str() == Some(""))
    }) {
        return Err(user_error(
            400,
            "BadArgument",
            "'instanceCount' must be a 32-bit integer.",
        ));
    }
    Ok(v)
}

/// The 404 for a runtime name the workspace does not have.
pub fn runtime_not_found(name: &str) -> Resp {
    user_error(404, "NotFound", &format!("Runtime '{name}' was not found."))
}

/// The workspace's runtime `name` (names compare without case), or the 404 for it.
pub fn find_runtime<'a>(ws: &'a Workspace, name: &str) -> Result<&'a Runtime, Resp> {
    ws.runtimes
        .iter()
        .find(|r| r.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| runtime_not_found(name))
}

pub fn valid_runtime_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub fn failure_reason(ws: &Workspace, compute: &Compute, runtime: &str) -> Option<String> {
    let default_store = ws
        .datastores
        .iter()
        .find(|d| d["properties"]["isDefault"].as_bool() == Some(true));
    if let Some(d) = default_store {
        let kind = d["properties"]["datastoreType"]
            .as_str()
            .unwrap_or_default();
        if kind != "AzureBlob" {
            return Some(format!("The workspace's default datastore '{}' is of type {kind}; prompt flow needs an Azure Blob default datastore.", d["name"].as_str().unwrap_or_default()));
        }
    }
    if let Some(failure) = &compute.runtime_failure {
        return crate::troubles::message_for(failure, ws, compute, runtime).ok();
    }
    if compute.fail_runtime_start {
        return Some("The runtime container did not become healthy: the readiness probe on port 8080 timed out. Check the custom application's logs on the compute instance.".into());
    }
    None
}

/// Waits (scaled) for a synchronous call, without holding the world.
pub async fn wait_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        tokio::time::sleep((at - now).min(Duration::from_secs(600))).await;
    }
}

/// `asyncCall=true`: answer at once with the runtime as it is; otherwise the service holds the
/// request until the runtime is ready (or gone).
pub fn is_async_call(req: &Req) -> bool {
    req.q("asyncCall")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The answer to a create or update: the runtime as it is once `ready_at` has passed (a
/// synchronous call waits for it), or a 404 when it went away meanwhile.
pub async fn answer_when_ready(call: &FlowCall, async_call: bool, ready_at: Instant) -> Resp {
    if !async_call {
        wait_until(ready_at).await;
    }
    let mut world = call.app.world();
    world.tick();
    let ws = world
        .workspace(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
    match find_runtime(ws, &call.p["runtime"]) {
        Ok(rt) => json_resp(200, &present(ws, rt)),
        Err(r) => r,
    }
}
