//! The control API (its own listener): fault rules, latency, counters, and test levers
//! (revoke refresh tokens, approve device codes, settings, direct token minting).

use crate::faults::FaultRule;
use crate::http::{empty_resp, json_resp, Req, Resp};
use crate::routing::{self, Case, Params};
use crate::App;
use axum::extract::State;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};
use hyper::http::Extensions;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

fn bad(message: &str) -> Resp {
    json_resp(
        400,
        &json!({"error": {"code": "BadRequest", "message": message}}),
    )
}

fn body(req: &Req) -> Result<Value, Resp> {
    if req.body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(&req.body).map_err(|e| bad(&format!("invalid JSON: {e}")))
}

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/_emulator/ready", get(ready))
        .route(
            "/_emulator/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_emulator/faults/{id}", delete(remove_fault))
        .route("/_emulator/latency", put(set_latency))
        .route("/_emulator/lro", get(lro_records))
        .route("/_emulator/counters", get(counters).delete(reset_counters))
        .route("/_emulator/users/{user}/revoke", post(revoke))
        .route("/_emulator/devicecode/{decision}", post(device_code))
        .route("/_emulator/settings", put(settings))
        .route("/_emulator/compute/fail-next", post(fail_next))
        .route("/_emulator/compute/cancel-next", post(cancel_next))
        .route("/_emulator/token", post(token))
        .method_not_allowed_fallback(unknown)
        .fallback(unknown)
}

/// The request's JSON body (`{}` when empty), read before routing: a bad body is refused on
/// any route.
#[derive(Clone)]
struct Body(Value);

pub async fn handle(router: &Router, req: Req) -> Resp {
    let b = match body(&req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut extensions = Extensions::new();
    extensions.insert(Body(b));
    let segments = routing::segments(&req.path);
    routing::call(router, req, segments, Case::Sensitive, extensions).await
}

/// The emulator, as every handler here takes it.
type Shared = State<Arc<App>>;

async fn unknown(req: Req) -> Resp {
    json_resp(
        404,
        &json!({"error": {"code": "NotFound", "message": format!("no control route {} {}", req.method, req.path)}}),
    )
}

async fn ready(State(app): Shared) -> Resp {
    json_resp(200, &json!(app.info))
}

async fn list_faults(State(app): Shared) -> Resp {
    json_resp(200, &json!(app.faults.rules()))
}

async fn add_fault(State(app): Shared, Extension(Body(b)): Extension<Body>) -> Resp {
    match serde_json::from_value::<FaultRule>(b) {
        Ok(rule) => json_resp(201, &json!({"id": app.faults.add(rule)})),
        Err(e) => bad(&format!("invalid fault rule: {e}")),
    }
}

async fn clear_faults(State(app): Shared) -> Resp {
    app.faults.clear();
    empty_resp(204)
}

async fn remove_fault(State(app): Shared, p: Params) -> Resp {
    let id = &p["id"];
    if app.faults.remove(id) {
        empty_resp(204)
    } else {
        json_resp(
            404,
            &json!({"error": {"code": "NotFound", "message": format!("no fault rule {id}")}}),
        )
    }
}

async fn set_latency(State(app): Shared, Extension(Body(b)): Extension<Body>) -> Resp {
    match b["ms"].as_u64() {
        Some(ms) => {
            app.faults.set_latency(Duration::from_millis(ms));
            empty_resp(204)
        }
        None => bad("body must be {\"ms\": <milliseconds>}"),
    }
}

async fn lro_records(State(app): Shared) -> Resp {
    json_resp(200, &json!(app.lro_records()))
}

async fn counters(State(app): Shared) -> Resp {
    json_resp(200, &json!(app.faults.counters()))
}

async fn reset_counters(State(app): Shared) -> Resp {
    app.faults.reset_counters();
    empty_resp(204)
}

async fn revoke(State(app): Shared, p: Params) -> Resp {
    match app.revoke_refresh_tokens(&p["user"]) {
        Ok(n) => json_resp(200, &json!({"revoked": n})),
        Err(e) => json_resp(
            404,
            &json!({"error": {"code": "NotFound", "message": e.to_string()}}),
        ),
    }
}

async fn device_code(
    State(app): Shared,
    p: Params,
    Extension(Body(b)): Extension<Body>,
    req: Req,
) -> Resp {
    let decision = &p["decision"];
    if decision != "approve" && decision != "deny" {
        return unknown(req).await;
    }
    let code = b["userCode"].as_str().unwrap_or_default();
    let user = b["userName"].as_str();
    match app.decide_device_code(code, user, decision == "approve") {
        Ok(()) => empty_resp(204),
        Err(e) => bad(&e.to_string()),
    }
}

async fn settings(State(app): Shared, Extension(Body(b)): Extension<Body>) -> Resp {
    if let Some(s) = b["tokenLifetimeSeconds"].as_u64() {
        app.set_token_lifetime(Duration::from_secs(s));
    }
    if let Some(s) = b["roleAssignmentPropagationSeconds"].as_f64() {
        app.set_propagation_delay(Duration::from_secs_f64(s.max(0.0)));
    }
    if let Some(n) = b["pageSize"].as_u64() {
        app.set_page_size(n as usize);
    }
    if let Some(pattern) = b.get("lroPattern") {
        match serde_json::from_value::<crate::LroPattern>(pattern.clone()) {
            Ok(pattern) => app.set_lro_pattern(pattern),
            Err(e) => return bad(&format!("invalid lroPattern: {e}")),
        }
    }
    if let Some(ending) = b.get("lroEnding") {
        match serde_json::from_value::<crate::LroEnding>(ending.clone()) {
            Ok(ending) => app.set_next_lro_ending(ending),
            Err(e) => return bad(&format!("invalid lroEnding: {e}")),
        }
    }
    if let Some(n) = b["deviceCodeIntervalSeconds"].as_u64() {
        app.world().device_code_interval = n;
    }
    if let Some(list) = b["principalNotFound"].as_array() {
        app.set_principal_not_found(
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        );
    }
    empty_resp(204)
}

async fn fail_next(State(app): Shared, Extension(Body(b)): Extension<Body>) -> Resp {
    let code = b["code"].as_str().unwrap_or("ComputeOperationFailed");
    let message = b["message"]
        .as_str()
        .unwrap_or("The compute operation failed.");
    app.fail_next_compute_operation(code, message);
    empty_resp(204)
}

async fn cancel_next(State(app): Shared) -> Resp {
    app.cancel_next_compute_operation();
    empty_resp(204)
}

async fn token(State(app): Shared, Extension(Body(b)): Extension<Body>) -> Resp {
    let user = b["userName"].as_str().unwrap_or_default();
    let scope = b["scope"]
        .as_str()
        .unwrap_or("https://management.azure.com/.default");
    match app.issue_access_token(user, scope, b["tenantId"].as_str()) {
        Ok(t) => json_resp(200, &json!({"accessToken": t})),
        Err(e) => bad(&e.to_string()),
    }
}
