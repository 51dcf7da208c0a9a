//! Removing prompt flow's ARM assets, as a decommission does once flows have moved:
//!
//! - `DELETE .../connections/{name}` (`WorkspaceConnections_Delete`, 2024-04-01): 200, or 204
//!   when there was no such connection.
//! - `DELETE .../onlineEndpoints/{endpoint}/deployments/{name}` (`OnlineDeployments_Delete`)
//!   and `DELETE .../onlineEndpoints/{endpoint}` (`OnlineEndpoints_Delete`, which takes the
//!   endpoint's deployments with it): long-running, 202 with the operation's URLs, or 204 when
//!   there was nothing to delete. The resource leaves the lists at once.

use super::workspaces::{enter, InWorkspace};
use super::Call;
use crate::http::{empty_resp, json_resp, Resp};
use crate::names::is_named;
use crate::state::{Workspace, MLS};
use serde_json::json;

/// The workspace as stored (the request's checks passed, so it exists).
fn stored<'a>(at: &'a mut InWorkspace<'_>) -> &'a mut Workspace {
    let (sub, rg, name) = (
        at.ws.subscription_id.clone(),
        at.ws.resource_group.clone(),
        at.ws.name.clone(),
    );
    at.world
        .workspace_mut(&sub, &rg, &name)
        .expect("checked by enter")
}

pub async fn delete_connection(call: Call) -> Resp {
    let mut at = match enter(&call, &format!("{MLS}/workspaces/connections/delete")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["connection"];
    let connections = &mut stored(&mut at).prompt_flow.connections;
    let before = connections.len();
    connections.retain(|c| !c.name.eq_ignore_ascii_case(name));
    if connections.len() < before {
        json_resp(200, &json!({}))
    } else {
        empty_resp(204)
    }
}

pub async fn delete_deployment(call: Call) -> Resp {
    let mut at = match enter(
        &call,
        &format!("{MLS}/workspaces/onlineEndpoints/deployments/delete"),
    ) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let (endpoint, name) = (&call.p["endpoint"], &call.p["deployment"]);
    let deployments = &mut stored(&mut at).prompt_flow.online_deployments;
    let before = deployments.len();
    deployments.retain(|d| {
        !(d.endpoint.eq_ignore_ascii_case(endpoint) && d.name.eq_ignore_ascii_case(name))
    });
    if deployments.len() == before {
        return empty_resp(204);
    }
    long_running(&call, &mut at)
}

pub async fn delete_endpoint(call: Call) -> Resp {
    let mut at = match enter(&call, &format!("{MLS}/workspaces/onlineEndpoints/delete")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["endpoint"];
    let ws = stored(&mut at);
    let before = ws.endpoints.len();
    ws.endpoints.retain(|e| !is_named(e, name));
    if ws.endpoints.len() == before {
        return empty_resp(204);
    }
    ws.prompt_flow
        .online_deployments
        .retain(|d| !d.endpoint.eq_ignore_ascii_case(name));
    long_running(&call, &mut at)
}

/// A 202 whose operation ends after a short while.
fn long_running(call: &Call, at: &mut InWorkspace<'_>) -> Resp {
    let world = &mut *at.world;
    let duration = world.scaled(20.0);
    let plan = crate::lro::Plan::new(world, duration);
    if let Some(r) = plan.synchronous_failure(world, &call.req) {
        return r;
    }
    let mut r = empty_resp(202);
    let start = crate::lro::Start {
        req: &call.req,
        subscription: &at.ws.subscription_id,
        location: &at.ws.location,
        version: &at.version,
    };
    crate::lro::start(&call.app, world, &start, &plan, &mut r);
    r
}
