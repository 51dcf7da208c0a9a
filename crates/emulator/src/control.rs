//! The control API (its own listener): fault rules, latency, counters, and test levers
//! (revoke refresh tokens, approve device codes, settings, direct token minting).

use crate::faults::FaultRule;
use crate::http::{empty_resp, json_resp, Req, Resp};
use crate::App;
use hyper::Method;
use serde_json::{json, Value};
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

pub async fn answer(app: &App, req: Req) -> Resp {
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let b = match body(&req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match (req.method.clone(), segs.as_slice()) {
        (Method::GET, ["_emulator", "ready"]) => json_resp(200, &json!(app.info)),
        (Method::GET, ["_emulator", "faults"]) => json_resp(200, &json!(app.faults.rules())),
        (Method::POST, ["_emulator", "faults"]) => match serde_json::from_value::<FaultRule>(b) {
            Ok(rule) => json_resp(201, &json!({"id": app.faults.add(rule)})),
            Err(e) => bad(&format!("invalid fault rule: {e}")),
        },
        (Method::DELETE, ["_emulator", "faults"]) => {
            app.faults.clear();
            empty_resp(204)
        }
        (Method::DELETE, ["_emulator", "faults", id]) => {
            if app.faults.remove(id) {
                empty_resp(204)
            } else {
                json_resp(
                    404,
                    &json!({"error": {"code": "NotFound", "message": format!("no fault rule {id}")}}),
                )
            }
        }
        (Method::PUT, ["_emulator", "latency"]) => match b["ms"].as_u64() {
            Some(ms) => {
                app.faults.set_latency(Duration::from_millis(ms));
                empty_resp(204)
            }
            None => bad("body must be {\"ms\": <milliseconds>}"),
        },
        (Method::GET, ["_emulator", "lro"]) => json_resp(200, &json!(app.lro_records())),
        (Method::GET, ["_emulator", "counters"]) => json_resp(200, &json!(app.faults.counters())),
        (Method::DELETE, ["_emulator", "counters"]) => {
            app.faults.reset_counters();
            empty_resp(204)
        }
        (Method::POST, ["_emulator", "users", user, "revoke"]) => {
            match app.revoke_refresh_tokens(user) {
                Ok(n) => json_resp(200, &json!({"revoked": n})),
                Err(e) => json_resp(
                    404,
                    &json!({"error": {"code": "NotFound", "message": e.to_string()}}),
                ),
            }
        }
        (Method::POST, ["_emulator", "devicecode", decision @ ("approve" | "deny")]) => {
            let code = b["userCode"].as_str().unwrap_or_default();
            let user = b["userName"].as_str();
            match app.decide_device_code(code, user, *decision == "approve") {
                Ok(()) => empty_resp(204),
                Err(e) => bad(&e.to_string()),
            }
        }
        (Method::PUT, ["_emulator", "settings"]) => {
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
        (Method::POST, ["_emulator", "compute", "fail-next"]) => {
            let code = b["code"].as_str().unwrap_or("ComputeOperationFailed");
            let message = b["message"]
                .as_str()
                .unwrap_or("The compute operation failed.");
            app.fail_next_compute_operation(code, message);
            empty_resp(204)
        }
        (Method::POST, ["_emulator", "compute", "cancel-next"]) => {
            app.cancel_next_compute_operation();
            empty_resp(204)
        }
        (Method::POST, ["_emulator", "token"]) => {
            let user = b["userName"].as_str().unwrap_or_default();
            let scope = b["scope"]
                .as_str()
                .unwrap_or("https://management.azure.com/.default");
            match app.issue_access_token(user, scope, b["tenantId"].as_str()) {
                Ok(t) => json_resp(200, &json!({"accessToken": t})),
                Err(e) => bad(&e.to_string()),
            }
        }
        _ => json_resp(
            404,
            &json!({"error": {"code": "NotFound", "message": format!("no control route {} {}", req.method, req.path)}}),
        ),
    }
}

/// The service's routes.
pub fn router() -> axum::Router<std::sync::Arc<App>> {
    axum::Router::new().fallback(
        |axum::extract::State(app): axum::extract::State<std::sync::Arc<App>>, req: Req| async move {
            answer(&app, req).await
        },
    )
}

pub async fn handle(router: &axum::Router, req: Req) -> Resp {
    let segments = crate::routing::segments(&req.path);
    crate::routing::call(
        router,
        req,
        segments,
        crate::routing::Case::Sensitive,
        Default::default(),
    )
    .await
}
