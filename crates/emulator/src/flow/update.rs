//! `PUT .../FlowRuntimes/{name}` (a new image for the runtime's application, then a restart)
//! and `DELETE .../FlowRuntimes/{name}` (the application goes with the runtime).

use super::custom_app;
use super::errors::user_error;
use super::images::resolve_image;
use super::lifecycle::{
    answer_when_ready, failure_reason, find_runtime, is_async_call, parse_flow_body,
    runtime_not_found, wait_until,
};
use super::FlowCall;
use crate::http::{json_resp, Resp};
use crate::state::{now_rfc3339, RuntimeOutcome};
use serde_json::{json, Value};
use std::time::Instant;

pub async fn update(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    update_runtime(&call).await
}

pub async fn delete(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    delete_runtime(&call).await
}

async fn update_runtime(call: &FlowCall) -> Resp {
    let (app, req, name) = (&call.app, &call.req, &call.p["runtime"]);
    let (sub, rg, ws_name) = (call.sub(), call.rg(), call.ws_name());
    let body = match parse_flow_body(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let async_call = is_async_call(req);
    let ready_at;
    {
        let mut world = app.world();
        let ws = world.workspace(sub, rg, ws_name).expect("checked").clone();
        let rt = match find_runtime(&ws, name) {
            Ok(rt) => rt.clone(),
            Err(r) => return r,
        };
        if rt.ready_at.is_some() || rt.delete_at.is_some() {
            return user_error(
                409,
                "Conflict",
                &format!(
                    "Runtime '{name}' is {}; wait for it to finish.",
                    rt.dto["status"].as_str().unwrap_or("busy")
                ),
            );
        }
        let ci_name = rt.dto["computeInstanceName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(compute) = ws.compute(&ci_name).cloned() else {
            return user_error(
                400,
                "NotFound",
                &format!("Compute instance '{ci_name}' of runtime '{name}' no longer exists."),
            );
        };
        if compute.pending.is_some() {
            return user_error(
                409,
                "Conflict",
                &format!(
                    "Compute instance '{ci_name}' is busy ({}).",
                    compute.state()
                ),
            );
        }
        let (image, environment) = match resolve_image(&world, &ws, body["environment"].as_str()) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let app_name = rt.dto["customAppName"].as_str().unwrap_or(name).to_string();
        let failure = failure_reason(&ws, &compute, name);
        let ci_ready = custom_app::replace_image(&mut world, &ws, &ci_name, &app_name, &image);
        let at = ci_ready + world.scaled(30.0);
        let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
        let r = w
            .runtimes
            .iter_mut()
            .find(|r| r.name().eq_ignore_ascii_case(name))
            .expect("checked");
        r.dto["dockerImage"] = json!(image);
        r.dto["environment"] = json!(environment);
        r.dto["status"] = json!("Starting");
        r.dto["statusMessage"] = Value::Null;
        r.dto["modifiedOn"] = json!(now_rfc3339());
        if let Some(d) = body["runtimeDescription"].as_str() {
            r.dto["runtimeDescription"] = json!(d);
        }
        r.ready_at = Some((
            at,
            failure
                .map(RuntimeOutcome::Failed)
                .unwrap_or(RuntimeOutcome::Running),
        ));
        ready_at = at;
    }
    answer_when_ready(call, async_call, ready_at).await
}

async fn delete_runtime(call: &FlowCall) -> Resp {
    let (app, req, name) = (&call.app, &call.req, &call.p["runtime"]);
    let (sub, rg, ws_name) = (call.sub(), call.rg(), call.ws_name());
    let async_call = is_async_call(req);
    let (mut dto, at) = {
        let mut world = app.world();
        let at = Instant::now() + world.scaled(10.0);
        let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
        let Some(rt) = w
            .runtimes
            .iter_mut()
            .find(|r| r.name().eq_ignore_ascii_case(name))
        else {
            return runtime_not_found(name);
        };
        if rt.delete_at.is_none() {
            rt.delete_at = Some(at);
            rt.ready_at = None;
            rt.dto["status"] = json!("Stopping");
        }
        let dto = rt.dto.clone();
        let delete_at = rt.delete_at.unwrap_or(at);
        if dto["fromExistingCustomApp"].as_bool() == Some(false) {
            let app_name = dto["customAppName"].as_str().unwrap_or(name).to_string();
            let ci = dto["computeInstanceName"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            custom_app::remove(w, &ci, &app_name);
        }
        (dto, delete_at)
    };
    if !async_call {
        wait_until(at).await;
        app.world().tick();
        dto["status"] = json!("NotExist");
    }
    if let Some(obj) = dto.as_object_mut() {
        obj.retain(|k, v| !(v.is_null() && matches!(k.as_str(), "error" | "identity")));
    }
    json_resp(200, &dto)
}
