//! Compute instances: list, get, create (a long-running PUT) and delete (a long-running DELETE).

use super::checks::{arm_error, bad_content, page, parse_json};
use super::workspaces::enter;
use super::{Call, Caller};
use crate::http::{empty_resp, json_resp, Req, Resp};
use crate::state::{Pending, World, MLS};
use crate::App;
use serde_json::{json, Value};

pub async fn list(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/computes/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let items = at.ws.computes.iter().map(|c| c.value.clone()).collect();
    let size = at.page_size();
    drop(at);
    page(&call.app, &call.req, items, size)
}

pub async fn get(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/computes/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["compute"];
    match at.ws.compute(name) {
        Some(c) => json_resp(200, &c.value),
        None => at.not_found("computes", name),
    }
}

pub async fn create(call: Call) -> Resp {
    let mut at = match enter(&call, &format!("{MLS}/workspaces/computes/write")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    create_compute(
        &call.app,
        &mut at.world,
        &call.req,
        &call.caller,
        &at.ws,
        &call.p["compute"],
        &at.version,
    )
}

pub async fn delete(call: Call) -> Resp {
    let mut at = match enter(&call, &format!("{MLS}/workspaces/computes/delete")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let req = &call.req;
    let name = &call.p["compute"];
    let ws = &at.ws;
    let world = &mut *at.world;
    let Some(action) = req.q("underlyingResourceAction") else {
        return arm_error(
            400,
            "BadRequest",
            "The query parameter 'underlyingResourceAction' is required (Delete or Detach).",
        );
    };
    if !matches!(action, "Delete" | "Detach") {
        return arm_error(
            400,
            "BadRequest",
            &format!("underlyingResourceAction '{action}' is not valid; use Delete or Detach."),
        );
    }
    if ws.compute(name).is_none() {
        return empty_resp(204);
    }
    let duration = world.scaled(60.0);
    let plan = crate::lro::Plan::new(world, duration);
    if let Some(r) = plan.synchronous_failure(world, req) {
        return r;
    }
    let w = world
        .workspace_mut(&ws.subscription_id, &ws.resource_group, &ws.name)
        .expect("exists");
    let c = w.compute_mut(name).expect("checked");
    // A delete that does not succeed leaves the instance as it was, marked Failed.
    let before: &'static str = match c.state() {
        "Running" => "Running",
        "Stopped" => "Stopped",
        _ => "Unusable",
    };
    c.set_state("Deleting");
    c.value["properties"]["provisioningState"] = json!("Deleting");
    c.pending = Some(Pending {
        final_state: if plan.succeeds() { "Deleting" } else { before },
        operation: "Delete",
        at: plan.done_at,
        remove: plan.succeeds(),
        failed: !plan.succeeds(),
        provisioning_state: plan
            .ending
            .as_ref()
            .map_or("Succeeded", |e| e.provisioning_state()),
    });
    let mut r = empty_resp(202);
    let start = crate::lro::Start {
        req,
        subscription: &ws.subscription_id,
        location: &ws.location,
        version: &at.version,
    };
    crate::lro::start(&call.app, world, &start, &plan, &mut r);
    r
}

fn valid_compute_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=24).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[b.len() - 1] != b'-'
}

fn create_compute(
    app: &App,
    world: &mut World,
    req: &Req,
    caller: &Caller,
    ws: &crate::state::Workspace,
    name: &str,
    version: &str,
) -> Resp {
    if !valid_compute_name(name) {
        return arm_error(400, "InvalidResourceName", &format!("Compute name '{name}' is invalid. It can include letters, digits and dashes. It must start with a letter, end with a letter or digit, and be between 3 and 24 characters in length."));
    }
    let body = match parse_json(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if !body.is_object() {
        return bad_content("the body must be a JSON object (ComputeResource).");
    }
    let props = &body["properties"];
    if !props.is_object() {
        return bad_content("'properties' is required and must be an object.");
    }
    let Some(compute_type) = props["computeType"].as_str() else {
        return bad_content("'properties.computeType' is required and must be a string.");
    };
    if compute_type != "ComputeInstance" {
        return arm_error(400, "BadRequest", &format!("computeType '{compute_type}' cannot be created here; only ComputeInstance is supported."));
    }
    if ws.compute(name).is_some() {
        return arm_error(409, "Conflict", &format!("Compute '{name}' already exists in workspace '{}'. Updating a compute instance is not supported; use the customServices operation to change its applications.", ws.name));
    }
    let ci = &props["properties"];
    if !ci.is_null() && !ci.is_object() {
        return bad_content("'properties.properties' must be an object.");
    }
    if let Some(vm) = ci.get("vmSize") {
        if !vm.is_string() {
            return bad_content("'properties.properties.vmSize' must be a string.");
        }
    }
    let services = match ci.get("customServices") {
        None | Some(Value::Null) => vec![],
        Some(v) => match super::validate_custom_services(v) {
            Ok(s) => s,
            Err(r) => return r,
        },
    };
    let assigned_oid = ci["personalComputeInstanceSettings"]["assignedUser"]["objectId"]
        .as_str()
        .unwrap_or(&caller.oid)
        .to_string();
    let Some(user) = world.user_by_oid(&assigned_oid).cloned() else {
        return arm_error(
            400,
            "BadRequest",
            &format!("The assigned user '{assigned_oid}' was not found in the directory."),
        );
    };
    let seed = crate::scenario::ComputeInstanceSeed {
        name: name.to_string(),
        assigned_to: user.user_name.clone(),
        state: Some("Creating".into()),
        vm_size: ci["vmSize"].as_str().map(str::to_string),
        custom_services: services,
        fail_runtime_start: false,
        runtime_failure: None,
        idle_shutdown: ci["idleTimeBeforeShutdown"].as_str().map(str::to_string),
    };
    let tenant = world
        .subscription(&ws.subscription_id)
        .map(|s| s.tenant_id.clone())
        .unwrap_or_default();
    let mut compute = match world.build_compute(ws, &seed, &tenant) {
        Ok(c) => c,
        Err(e) => return arm_error(400, "BadRequest", &e.to_string()),
    };
    let duration = world.scaled(180.0);
    let plan = crate::lro::Plan::new(world, duration);
    compute.value["properties"]["provisioningState"] = json!("Creating");
    compute.value["properties"]["description"] = body["properties"]["description"].clone();
    if compute.value["properties"]["description"].is_null() {
        compute.value["properties"]["description"] = json!("");
    }
    let ending = plan.ending.clone();
    match &ending {
        // Ended in the first answer: the resource is already Failed (or Canceled).
        Some(e) if plan.ends_at_once() => {
            compute.set_state("CreateFailed");
            compute.value["properties"]["provisioningState"] = json!(e.provisioning_state());
            compute.value["properties"]["provisioningErrors"] = json!([{"error": e.error_body()}]);
        }
        _ => {
            compute.pending = Some(Pending {
                final_state: if ending.is_none() {
                    "Running"
                } else {
                    "CreateFailed"
                },
                operation: "Create",
                at: plan.done_at,
                remove: false,
                failed: ending.is_some(),
                provisioning_state: ending
                    .as_ref()
                    .map_or("Succeeded", |e| e.provisioning_state()),
            })
        }
    }
    let value = compute.value.clone();
    world
        .workspace_mut(&ws.subscription_id, &ws.resource_group, &ws.name)
        .expect("exists")
        .computes
        .push(compute);
    let mut r = json_resp(201, &value);
    let start = crate::lro::Start {
        req,
        subscription: &ws.subscription_id,
        location: &ws.location,
        version,
    };
    crate::lro::start(app, world, &start, &plan, &mut r);
    r
}
