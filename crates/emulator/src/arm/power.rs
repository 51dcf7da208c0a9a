//! Compute instance actions: start, stop, restart (long-running POSTs) and the idle shutdown
//! setting.

use super::checks::{arm_error, bad_content, parse_json, unknown_route};
use super::workspaces::enter;
use super::Call;
use crate::http::{empty_resp, Req, Resp};
use crate::state::{now_rfc3339, Compute, Pending, World, MLS};
use crate::App;
use serde_json::{json, Value};

pub async fn act(call: Call) -> Resp {
    let op = call.p["action"].to_ascii_lowercase();
    let mut at = match enter(&call, &format!("{MLS}/workspaces/computes/{op}/action")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let ws = at.ws.clone();
    compute_action(
        &call.app,
        &mut at.world,
        &call.req,
        &ws.subscription_id,
        &ws.resource_group,
        &ws.name,
        &ws.location,
        &call.p["compute"],
        &op,
        &at.version,
    )
}

/// The instance an action is for, when it exists and has no operation under way.
pub fn idle_compute<'w>(
    world: &'w mut World,
    sub: &str,
    rg: &str,
    ws_name: &str,
    name: &str,
) -> Result<&'w mut Compute, Resp> {
    let ws = world.workspace_mut(sub, rg, ws_name).expect("exists");
    let Some(c) = ws.compute_mut(name) else {
        return Err(arm_error(404, "ResourceNotFound", &format!("The Resource '{MLS}/workspaces/{ws_name}/computes/{name}' under resource group '{rg}' was not found.")));
    };
    if c.pending.is_some() {
        return Err(arm_error(409, "Conflict", &format!("Compute instance '{name}' is busy ({}); try again when the current operation finishes.", c.state())));
    }
    Ok(c)
}

#[allow(clippy::too_many_arguments)]
fn compute_action(
    app: &App,
    world: &mut World,
    req: &Req,
    sub: &str,
    rg: &str,
    ws_name: &str,
    location: &str,
    name: &str,
    op: &str,
    version: &str,
) -> Resp {
    let body = if op == "updateidleshutdownsetting" {
        match parse_json(req) {
            Ok(b) => Some(b),
            Err(r) => return r,
        }
    } else {
        None
    };
    let scaled = |secs: f64| world.scaled(secs);
    let (start_at, stop_at, restart_at) = (scaled(120.0), scaled(60.0), scaled(90.0));
    let c = match idle_compute(world, sub, rg, ws_name, name) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let state = c.state().to_string();
    let (transient, final_state, operation, after, required): (
        &str,
        &'static str,
        &'static str,
        std::time::Duration,
        &[&str],
    ) = match op {
        "start" => ("Starting", "Running", "Start", start_at, &["Stopped"]),
        "stop" => ("Stopping", "Stopped", "Stop", stop_at, &["Running"]),
        "restart" => (
            "Restarting",
            "Running",
            "Restart",
            restart_at,
            &["Running", "Stopped"],
        ),
        "updateidleshutdownsetting" => {
            let b = body.expect("parsed");
            let Some(idle) = b.get("idleTimeBeforeShutdown").and_then(Value::as_str) else {
                return bad_content(
                    "'idleTimeBeforeShutdown' is required and must be an ISO 8601 duration string.",
                );
            };
            c.value["properties"]["properties"]["idleTimeBeforeShutdown"] = json!(idle);
            return empty_resp(200);
        }
        _ => return unknown_route(req),
    };
    if !required.contains(&state.as_str()) {
        let code = match op {
            "start" => "StartComputeInstanceOnlyAllowedInStoppedState",
            "stop" => "StopComputeInstanceOnlyAllowedInRunningState",
            _ => "RestartComputeInstanceNotAllowedInCurrentState",
        };
        return arm_error(
            409,
            code,
            &format!("Cannot {op} compute instance '{name}' while it is {state}."),
        );
    }
    let plan = crate::lro::Plan::new(world, after);
    if let Some(r) = plan.synchronous_failure(world, req) {
        return r;
    }
    // An action that does not succeed leaves the instance as it was before.
    let final_state: &'static str = match (plan.succeeds(), op) {
        (true, _) => final_state,
        (false, "start") => "Stopped",
        (false, _) => "Running",
    };
    let c = world
        .workspace_mut(sub, rg, ws_name)
        .and_then(|w| w.compute_mut(name))
        .expect("checked");
    c.set_state(transient);
    c.value["properties"]["properties"]["lastOperation"] = json!({"operationName": operation, "operationTime": now_rfc3339(), "operationStatus": "InProgress", "operationTrigger": "User"});
    c.pending = Some(Pending {
        final_state,
        operation,
        at: plan.done_at,
        remove: false,
        failed: !plan.succeeds(),
        provisioning_state: "Succeeded",
    });
    let mut r = empty_resp(202);
    let start = crate::lro::Start {
        req,
        subscription: sub,
        location,
        version,
    };
    crate::lro::start(app, world, &start, &plan, &mut r);
    r
}
