//! Routes of the reads behind the preflight's deeper checks (storage accounts, registries, VM
//! sizes and usages); the answers are built in `crate::prerequisites`.

use super::checks::{arm_error, check_subscription, check_version, forbidden, MLS_API_VERSIONS};
use super::Call;
use crate::http::Resp;

pub async fn answer(call: Call) -> Resp {
    let l: Vec<String> = call
        .segments
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let versions = if l.get(5).map(String::as_str) == Some("microsoft.storage") {
        crate::prerequisites::STORAGE_API_VERSIONS
    } else if l.get(3).map(String::as_str) == Some("microsoft.containerregistry") {
        crate::prerequisites::REGISTRY_API_VERSIONS
    } else {
        MLS_API_VERSIONS
    };
    if let Err(r) = check_version(&call.req, versions, "") {
        return r;
    }
    let world = call.app.world();
    let Some(sub) = call.segments.get(1) else {
        return arm_error(404, "InvalidResourceType", "Unknown route.");
    };
    if let Err(r) = check_subscription(&call.app, &world, &call.caller, sub) {
        return r;
    }
    let segs: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    let lower: Vec<&str> = l.iter().map(String::as_str).collect();
    let caller = &call.caller;
    crate::prerequisites::answer(
        &world,
        &call.req,
        &segs,
        &lower,
        &|action, scope| world.is_allowed(&caller.oid, scope, action),
        &|action, scope| forbidden(caller, action, scope),
        &|kind, name| {
            arm_error(
                404,
                "ResourceNotFound",
                &format!("The Resource '{kind}/{name}' under resource group was not found."),
            )
        },
    )
}
