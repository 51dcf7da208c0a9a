//! Reading runtimes: list, get, whether one needs an upgrade, its capabilities, the latest
//! runtime image, and the availability checks for a new runtime's compute.

use super::custom_app::is_runtime_image;
use super::dto::present;
use super::errors::{flow_error_body, user_error};
use super::images::parse_environment_ref;
use super::lifecycle::find_runtime;
use super::FlowCall;
use crate::http::{json_resp, Resp};
use crate::names::is_named;
use crate::state::{parse_tag, Workspace, World, RUNTIME_IMAGE_REPO};
use serde_json::{json, Value};

fn latest_config(world: &World) -> Value {
    let tag = world.latest_tag();
    json!({
        "baseImage": RUNTIME_IMAGE_REPO,
        "version": tag,
        "images": {"Python": {"default": {"baseImage": RUNTIME_IMAGE_REPO, "version": tag}}}
    })
}

/// `GET /flow/api/runtimes/latestConfig`.
pub async fn latest(call: FlowCall) -> Resp {
    json_resp(200, &latest_config(&call.app.world()))
}

/// `GET .../FlowRuntimes/latestConfig`.
pub async fn latest_in_workspace(call: FlowCall) -> Resp {
    call.in_workspace(|world, _| json_resp(200, &latest_config(world)))
}

pub async fn list(call: FlowCall) -> Resp {
    call.in_workspace(|_, ws| {
        json_resp(
            200,
            &Value::Array(ws.runtimes.iter().map(|rt| present(ws, rt)).collect()),
        )
    })
}

pub async fn get(call: FlowCall) -> Resp {
    call.in_workspace(|_, ws| match find_runtime(ws, &call.p["runtime"]) {
        Ok(rt) => json_resp(200, &present(ws, rt)),
        Err(r) => r,
    })
}

/// `GET .../FlowRuntimes/{name}/needUpgrade`: whether a newer runtime image exists than the
/// one the runtime (or its custom environment's base image) is on.
pub async fn need_upgrade(call: FlowCall) -> Resp {
    call.in_workspace(|world, ws| {
        let rt = match find_runtime(ws, &call.p["runtime"]) {
            Ok(rt) => rt,
            Err(r) => return r,
        };
        let latest = parse_tag(&world.latest_tag());
        let current = match rt.dto["environment"].as_str() {
            None => rt.dto["dockerImage"]
                .as_str()
                .and_then(|i| i.rsplit_once(':'))
                .and_then(|(_, t)| parse_tag(t)),
            Some(env) => parse_environment_ref(env)
                .and_then(|(n, v)| {
                    ws.env_versions
                        .iter()
                        .find(|e| e.container.eq_ignore_ascii_case(&n) && e.version == v)
                })
                .and_then(|e| e.base_tag.as_deref())
                .and_then(parse_tag),
        };
        json_resp(
            200,
            &json!(matches!((current, latest), (Some(c), Some(l)) if c < l)),
        )
    })
}

pub async fn capability(call: FlowCall) -> Resp {
    call.in_workspace(|_, ws| match find_runtime(ws, &call.p["runtime"]) {
        Ok(_) => capabilities(),
        Err(r) => r,
    })
}

/// The features every runtime here offers, all ready.
fn capabilities() -> Resp {
    let ready = json!({"Runtime": "Ready", "Executor": "Ready", "PFS": "Ready"});
    json_resp(
        200,
        &json!({"flowFeatures": [
            {"name": "ActivateConfig", "description": "Bypass node execution when the node does not meet activate condition.", "state": ready},
            {"name": "Image", "description": "Support image input and output.", "state": ready},
            {"name": "EnvironmentVariablesInYaml", "description": "Support environment variables in flow.dag.yaml.", "state": ready}
        ]}),
    )
}

/// `GET .../FlowRuntimes/checkMirAvailability`: online endpoint runtimes are not offered.
pub async fn check_online_endpoint(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    let req = &call.req;
    let (Some(e), Some(d)) = (req.q("endpointName"), req.q("deploymentName")) else {
        return user_error(
            400,
            "BadArgument",
            "Query parameters 'endpointName' and 'deploymentName' are required.",
        );
    };
    json_resp(
        200,
        &json!({"isAvailable": false, "error": flow_error_body("UserError", "NotSupported", &format!("Managed online endpoint runtimes ({e}/{d}) are not available; use a compute instance runtime."), "local")}),
    )
}

/// `GET .../FlowRuntimes/checkCiAvailability`: whether a custom application on an instance can
/// carry a runtime.
pub async fn check_compute_instance(call: FlowCall) -> Resp {
    call.in_workspace(|_, ws| check_ci(&call, ws))
}

fn check_ci(call: &FlowCall, ws: &Workspace) -> Resp {
    let (req, oid) = (&call.req, &call.oid);
    let (Some(ci), Some(appname)) = (req.q("computeInstanceName"), req.q("customAppName")) else {
        return user_error(
            400,
            "BadArgument",
            "Query parameters 'computeInstanceName' and 'customAppName' are required.",
        );
    };
    let unavailable = |inner: &str, msg: String| {
        json_resp(
            200,
            &json!({"isAvailable": false, "error": flow_error_body("UserError", inner, &msg, &ws.location)}),
        )
    };
    let Some(c) = ws.compute(ci) else {
        return unavailable(
            "NotFound",
            format!("Compute instance '{ci}' was not found."),
        );
    };
    if c.assigned_user()
        .is_some_and(|(o, _)| !o.eq_ignore_ascii_case(oid))
    {
        return unavailable("Forbidden", format!("You are not authorized to use compute instance '{ci}': it is assigned to another user."));
    }
    let services = c.custom_services();
    let Some(service) = services.iter().find(|s| is_named(s, appname)) else {
        return unavailable(
            "NotFound",
            format!("Custom application '{appname}' was not found on compute instance '{ci}'."),
        );
    };
    if !is_runtime_image(service) {
        return unavailable(
            "InvalidImage",
            format!("Custom application '{appname}' does not run a prompt flow runtime image."),
        );
    }
    if c.state() != "Running" {
        return unavailable(
            "ComputeNotRunning",
            format!("Compute instance '{ci}' is {}; start it first.", c.state()),
        );
    }
    json_resp(200, &json!({"isAvailable": true}))
}
