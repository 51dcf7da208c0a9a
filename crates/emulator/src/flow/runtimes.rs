//! Reading runtimes: list, get, whether one needs an upgrade, its capabilities, the latest
//! runtime image, and the availability checks for a new runtime's compute.

use super::custom_app::is_runtime_image;
use super::dto::present;
use super::errors::{flow_error_body, user_error};
use super::images::parse_environment_ref;
use super::FlowCall;
use crate::http::{json_resp, Resp};
use crate::state::{parse_tag, World, RUNTIME_IMAGE_REPO};
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
    if let Err(r) = call.enter() {
        return r;
    }
    json_resp(200, &latest_config(&call.app.world()))
}

pub async fn list(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    let world = call.app.world();
    let ws = world
        .workspace(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
    json_resp(
        200,
        &Value::Array(ws.runtimes.iter().map(|rt| present(ws, rt)).collect()),
    )
}

pub async fn get(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    let name = &call.p["runtime"];
    let world = call.app.world();
    let ws = world
        .workspace(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
    match ws
        .runtimes
        .iter()
        .find(|r| r.name().eq_ignore_ascii_case(name))
    {
        Some(rt) => json_resp(200, &present(ws, rt)),
        None => user_error(
            404,
            "NotFound",
            &format!("Runtime '{}' was not found.", name),
        ),
    }
}

/// `GET .../FlowRuntimes/{name}/needUpgrade`: whether a newer runtime image exists than the
/// one the runtime (or its custom environment's base image) is on.
pub async fn need_upgrade(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    let name = &call.p["runtime"];
    let world = call.app.world();
    let ws = world
        .workspace(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
    let Some(rt) = ws
        .runtimes
        .iter()
        .find(|r| r.name().eq_ignore_ascii_case(name))
    else {
        return user_error(
            404,
            "NotFound",
            &format!("Runtime '{}' was not found.", name),
        );
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
}

pub async fn capability(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    let name = &call.p["runtime"];
    let world = call.app.world();
    let ws = world
        .workspace(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
    if !ws
        .runtimes
        .iter()
        .any(|r| r.name().eq_ignore_ascii_case(name))
    {
        return user_error(
            404,
            "NotFound",
            &format!("Runtime '{}' was not found.", name),
        );
    }
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
    if let Err(r) = call.enter() {
        return r;
    }
    check_ci(&call)
}

fn check_ci(call: &FlowCall) -> Resp {
    let (req, oid) = (&call.req, &call.oid);
    let (Some(ci), Some(appname)) = (req.q("computeInstanceName"), req.q("customAppName")) else {
        return user_error(
            400,
            "BadArgument",
            "Query parameters 'computeInstanceName' and 'customAppName' are required.",
        );
    };
    let world = call.app.world();
    let ws = world
        .workspace(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
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
    let Some(service) = services.iter().find(|s| {
        s["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(appname))
    }) else {
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
