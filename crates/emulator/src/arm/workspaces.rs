//! Workspaces (list by subscription or resource group, get) and the checks ARM makes before
//! anything under Microsoft.MachineLearningServices: api-version, the subscription's tenant,
//! then, under a workspace, RBAC before the resource is looked up.

use super::checks::{
    arm_error, authorize, check_subscription, check_version, page, unknown_route, MLS_API_VERSIONS,
};
use super::Call;
use crate::http::{json_resp, Resp};
use crate::state::{Workspace, World, MLS};
use hyper::Method;
use serde_json::Value;
use std::sync::MutexGuard;

/// api-version, pending state changes, then the subscription: what every Machine Learning
/// request goes through first.
pub fn enter_subscription<'a>(call: &'a Call, sub: &str) -> Result<MutexGuard<'a, World>, Resp> {
    check_version(
        &call.req,
        MLS_API_VERSIONS,
        "Microsoft.MachineLearningServices/workspaces",
    )?;
    let mut world = call.app.world();
    world.tick();
    check_subscription(&call.app, &world, &call.caller, sub)?;
    Ok(world)
}

/// A request under one workspace, past ARM's checks.
pub struct InWorkspace<'a> {
    pub world: MutexGuard<'a, World>,
    /// The workspace as it was when the request came in.
    pub ws: Workspace,
    /// The request's api-version.
    pub version: String,
}

impl InWorkspace<'_> {
    pub fn not_found(&self, kind: &str, name: &str) -> Resp {
        arm_error(404, "ResourceNotFound", &format!("The Resource '{MLS}/workspaces/{}/{kind}/{name}' under resource group '{}' was not found.", self.ws.name, self.ws.resource_group))
    }

    pub fn page_size(&self) -> usize {
        self.world.page_size
    }
}

/// The checks before a handler under a workspace: those of [`enter_subscription`], then
/// `action` on the child resource the path names (RBAC is evaluated before the resource is
/// looked up, as ARM does), then the workspace's existence.
pub fn enter<'a>(call: &'a Call, action: &str) -> Result<InWorkspace<'a>, Resp> {
    let (sub, rg, ws_name) = (
        &call.p["subscription"],
        &call.p["group"],
        &call.p["workspace"],
    );
    let world = enter_subscription(call, sub)?;
    let ws_scope = crate::state::workspace_id(sub, rg, ws_name);
    let child = call.segments.get(8..).unwrap_or_default();
    let target = if child.len() >= 2 {
        format!("{ws_scope}/{}/{}", child[0], child[1])
    } else {
        ws_scope
    };
    authorize(&world, &call.caller, &target, action)?;
    let Some(ws) = world.workspace(sub, rg, ws_name).cloned() else {
        return Err(arm_error(404, "ResourceNotFound", &format!("The Resource '{MLS}/workspaces/{ws_name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")));
    };
    Ok(InWorkspace {
        world,
        ws,
        version: call.req.q("api-version").unwrap_or_default().to_string(),
    })
}

fn readable_workspaces(world: &World, oid: &str, keep: impl Fn(&Workspace) -> bool) -> Vec<Value> {
    world
        .workspaces
        .iter()
        .filter(|w| keep(w))
        .filter(|w| world.is_allowed(oid, &w.id(), &format!("{MLS}/workspaces/read")))
        .map(|w| w.value.clone())
        .collect()
}

pub async fn list_in_subscription(call: Call) -> Resp {
    let sub = &call.p["subscription"];
    let world = match enter_subscription(&call, sub) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let items = readable_workspaces(&world, &call.caller.oid, |w| {
        w.subscription_id.eq_ignore_ascii_case(sub)
    });
    let size = world.page_size;
    drop(world);
    page(&call.app, &call.req, items, size)
}

pub async fn list_in_group(call: Call) -> Resp {
    let (sub, rg) = (&call.p["subscription"], &call.p["group"]);
    let world = match enter_subscription(&call, sub) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if call.req.method != Method::GET {
        return unknown_route(&call.req);
    }
    let in_group = |w: &Workspace| {
        w.subscription_id.eq_ignore_ascii_case(sub) && w.resource_group.eq_ignore_ascii_case(rg)
    };
    if !world.workspaces.iter().any(in_group) {
        return arm_error(
            404,
            "ResourceGroupNotFound",
            &format!("Resource group '{rg}' could not be found."),
        );
    }
    let items = readable_workspaces(&world, &call.caller.oid, in_group);
    let size = world.page_size;
    drop(world);
    page(&call.app, &call.req, items, size)
}

pub async fn get(call: Call) -> Resp {
    match enter(&call, &format!("{MLS}/workspaces/read")) {
        Ok(at) => json_resp(200, &at.ws.value),
        Err(r) => r,
    }
}

/// No route under `/subscriptions/{id}/providers/Microsoft.MachineLearningServices`, or under
/// a workspace (where, there being no action to authorize, only the subscription's checks come
/// first).
pub async fn unknown_in_subscription(call: Call) -> Resp {
    let sub = call.segments.get(1).cloned().unwrap_or_default();
    match enter_subscription(&call, &sub) {
        Ok(_) => unknown_route(&call.req),
        Err(r) => r,
    }
}
