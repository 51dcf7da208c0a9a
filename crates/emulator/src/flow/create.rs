//! `POST .../FlowRuntimes/{name}`: a new compute instance runtime, on a new custom application
//! (the instance restarts to run it) or on an existing one.

use super::custom_app::{self, is_runtime_image, next_published_port, runtime_custom_service};
use super::dto::runtime_dto;
use super::errors::user_error;
use super::images::resolve_image;
use super::lifecycle::{
    answer_when_ready, failure_reason, is_async_call, parse_flow_body, valid_runtime_name,
};
use super::FlowCall;
use crate::http::Resp;
use crate::names::is_named;
use crate::state::{now_rfc3339, Runtime, RuntimeOutcome};
use serde_json::json;
use std::time::Instant;

pub async fn create(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    create_runtime(&call).await
}

async fn create_runtime(call: &FlowCall) -> Resp {
    let (app, req, name) = (&call.app, &call.req, &call.p["runtime"]);
    let (sub, rg, ws_name) = (call.sub(), call.rg(), call.ws_name());
    let body = match parse_flow_body(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if !valid_runtime_name(name) {
        return user_error(400, "BadArgument", &format!("Runtime name '{name}' is invalid: use 1-64 letters, digits, '-' or '_', starting with a letter or digit."));
    }
    let async_call = is_async_call(req);
    let ready_at;
    {
        let mut world = app.world();
        let ws = world.workspace(sub, rg, ws_name).expect("checked").clone();
        if ws
            .runtimes
            .iter()
            .any(|r| r.name().eq_ignore_ascii_case(name))
        {
            return user_error(
                409,
                "Conflict",
                &format!("Runtime '{name}' already exists."),
            );
        }
        match body["runtimeType"].as_str() {
            Some("ComputeInstance") => {}
            None => {
                return user_error(
                    400,
                    "BadArgument",
                    "'runtimeType' is required (ComputeInstance).",
                )
            }
            Some(t @ ("ManagedOnlineEndpoint" | "TrainingSession" | "Local")) => {
                return user_error(
                    400,
                    "NotSupported",
                    &format!("Runtime type '{t}' is not supported here; use ComputeInstance."),
                )
            }
            Some(t) => {
                return user_error(
                    400,
                    "BadArgument",
                    &format!("Runtime type '{t}' is not valid."),
                )
            }
        }
        if ws.value["properties"]["enableDataIsolation"].as_bool() == Some(true) {
            return user_error(400, "NotSupported", &format!("Prompt flow is not supported in workspace '{ws_name}' because data isolation is enabled."));
        }
        if ws.value["properties"]["hubResourceId"]
            .as_str()
            .is_some_and(|h| !h.is_empty())
            || ws.value["kind"]
                .as_str()
                .is_some_and(|k| k.eq_ignore_ascii_case("Project"))
        {
            return user_error(400, "NotSupported", &format!("Compute instance runtimes are not supported in project workspace '{ws_name}' created from a hub."));
        }
        let Some(ci_name) = body["computeInstanceName"]
            .as_str()
            .filter(|s| !s.is_empty())
        else {
            return user_error(
                400,
                "BadArgument",
                "'computeInstanceName' is required for a ComputeInstance runtime.",
            );
        };
        let Some(compute) = ws.compute(ci_name).cloned() else {
            return user_error(
                404,
                "NotFound",
                &format!("Compute instance '{ci_name}' was not found in workspace '{ws_name}'."),
            );
        };
        if let Some((assigned, _)) = compute.assigned_user() {
            if !assigned.eq_ignore_ascii_case(&call.oid) {
                return user_error(403, "Forbidden", &format!("You are not authorized to invoke this runtime as the runtime compute instance {ci_name} is assigned to {assigned}."));
            }
        }
        if compute.pending.is_some() {
            return user_error(
                409,
                "Conflict",
                &format!(
                    "Compute instance '{ci_name}' is busy ({}); try again when it is Running.",
                    compute.state()
                ),
            );
        }
        let from_existing = body["fromExistingCustomApp"].as_bool().unwrap_or(false);
        let owner = world.user_by_oid(&call.oid).cloned();
        let now = now_rfc3339();
        let failure = failure_reason(&ws, &compute, name);
        // Where the runtime's image comes from: the existing application's, or the resolved
        // environment's on a new application.
        let (image, environment, port, app_name, at) = if from_existing {
            let Some(app_name) = body["customAppName"].as_str().filter(|s| !s.is_empty()) else {
                return user_error(
                    400,
                    "BadArgument",
                    "'customAppName' is required when fromExistingCustomApp is true.",
                );
            };
            let services = compute.custom_services();
            let Some(service) = services.iter().find(|s| is_named(s, app_name)) else {
                return user_error(400, "NotFound", &format!("Custom application '{app_name}' was not found on compute instance '{ci_name}'."));
            };
            if !is_runtime_image(service) {
                return user_error(
                    400,
                    "InvalidImage",
                    &format!(
                        "Custom application '{app_name}' does not run a prompt flow runtime image."
                    ),
                );
            }
            if compute.state() != "Running" {
                return user_error(400, "ComputeNotRunning", &format!("Compute instance '{ci_name}' is {}; start it before creating a runtime on an existing application.", compute.state()));
            }
            let image = service["image"]["reference"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let port = service["endpoints"][0]["published"]
                .as_i64()
                .unwrap_or(8081);
            let environment = body["environment"].as_str().map(str::to_string);
            let at = Instant::now() + world.scaled(30.0);
            (image, environment, port, Some(service["name"].clone()), at)
        } else {
            let (image, environment) =
                match resolve_image(&world, &ws, body["environment"].as_str()) {
                    Ok(x) => x,
                    Err(r) => return r,
                };
            let port = next_published_port(&compute);
            let app_spec = runtime_custom_service(name, &image, port, &ws);
            let ci_ready = custom_app::install(&mut world, &ws, ci_name, app_spec);
            (
                image,
                environment,
                port,
                None,
                ci_ready + world.scaled(30.0),
            )
        };
        let mut dto = runtime_dto(
            &ws,
            name,
            &compute,
            owner.as_ref(),
            &call.tid,
            &image,
            environment.as_deref(),
            port,
            from_existing,
            &now,
        );
        if let Some(app_name) = app_name {
            dto["customAppName"] = app_name;
        }
        dto["runtimeDescription"] = json!(body["runtimeDescription"].as_str().unwrap_or_default());
        let outcome = match failure {
            Some(reason) => RuntimeOutcome::Failed(reason),
            None => RuntimeOutcome::Running,
        };
        let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
        w.runtimes.push(Runtime {
            dto,
            ready_at: Some((at, outcome)),
            delete_at: None,
        });
        ready_at = at;
    }
    answer_when_ready(call, async_call, ready_at).await
}
