//! The compute resource provider's operation status and result resources, which clients poll
//! for long-running operations (see `lro`).

use super::workspaces::enter_subscription;
use super::Call;
use crate::http::Resp;

/// `GET .../locations/{location}/computeOperationsStatus/{id}`.
pub async fn status(call: Call) -> Resp {
    let world = match enter_subscription(&call, &call.p["subscription"]) {
        Ok(w) => w,
        Err(r) => return r,
    };
    // Operation ids are lower-case GUIDs; the path's words match without regard to case.
    let id = call.p["operation"].to_ascii_lowercase();
    crate::lro::status(&world, &call.p["location"], &id)
}

/// `GET .../locations/{location}/computeOperationsResults/{id}`.
pub async fn result(call: Call) -> Resp {
    let world = match enter_subscription(&call, &call.p["subscription"]) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let id = call.p["operation"].to_ascii_lowercase();
    crate::lro::result(&call.app, &world, &call.req, &id)
}
