//! A compute instance's custom applications (`customServices`): the CustomService schema's
//! checks, shared with compute creation, and the replace action.

use super::checks::{arm_error, bad_content, parse_json};
use super::power::idle_compute;
use super::workspaces::enter;
use super::Call;
use crate::http::{empty_resp, Resp};
use crate::state::{now_rfc3339, MLS};
use serde_json::{json, Value};
use std::time::Instant;

/// `customServices` replace exists only in previews and the newest stables.
fn custom_services_supported(version: &str) -> bool {
    version.ends_with("-preview") || version >= "2025-06-01"
}

pub fn validate_custom_services(v: &Value) -> Result<Vec<Value>, Resp> {
    let Some(items) = v.as_array() else {
        return Err(bad_content(
            "the body must be a JSON array of CustomService objects.",
        ));
    };
    let mut names = std::collections::HashSet::new();
    let mut ports = std::collections::HashSet::new();
    for (i, s) in items.iter().enumerate() {
        let at = format!("customServices[{i}]");
        let Some(obj) = s.as_object() else {
            return Err(bad_content(&format!("{at} must be an object.")));
        };
        match obj.get("name") {
            Some(Value::String(n)) if !n.is_empty() => {
                if !names.insert(n.to_ascii_lowercase()) {
                    return Err(arm_error(
                        400,
                        "BadRequest",
                        &format!("Custom service name '{n}' appears more than once."),
                    ));
                }
            }
            Some(Value::String(_)) | None => {
                return Err(bad_content(&format!("{at}.name is required.")))
            }
            Some(_) => return Err(bad_content(&format!("{at}.name must be a string."))),
        }
        if let Some(image) = obj.get("image") {
            if !image.is_object() {
                return Err(bad_content(&format!("{at}.image must be an object.")));
            }
            if let Some(t) = image.get("type") {
                if !matches!(t.as_str(), Some("docker") | Some("azureml")) {
                    return Err(bad_content(&format!(
                        "{at}.image.type must be 'docker' or 'azureml'."
                    )));
                }
            }
            if image.get("reference").is_some_and(|r| !r.is_string()) {
                return Err(bad_content(&format!(
                    "{at}.image.reference must be a string."
                )));
            }
        }
        if let Some(eps) = obj.get("endpoints") {
            let Some(eps) = eps.as_array() else {
                return Err(bad_content(&format!("{at}.endpoints must be an array.")));
            };
            for (j, ep) in eps.iter().enumerate() {
                let ok_int = |k: &str| {
                    ep.get(k).is_none_or(|v| {
                        v.is_null() || v.as_i64().is_some_and(|n| (0..=65535).contains(&n))
                    })
                };
                if !ep.is_object() || !ok_int("target") || !ok_int("published") {
                    return Err(bad_content(&format!(
                        "{at}.endpoints[{j}] must be an object with integer ports (0-65535)."
                    )));
                }
                if let Some(p) = ep.get("protocol") {
                    if !matches!(p.as_str(), Some("tcp") | Some("udp") | Some("http")) {
                        return Err(bad_content(&format!(
                            "{at}.endpoints[{j}].protocol must be tcp, udp or http."
                        )));
                    }
                }
                if let Some(p) = ep.get("published").and_then(Value::as_i64) {
                    if !ports.insert(p) {
                        return Err(arm_error(400, "BadRequest", &format!("Published port {p} is used by more than one custom service endpoint.")));
                    }
                }
            }
        }
        if let Some(env) = obj.get("environmentVariables") {
            let Some(env) = env.as_object() else {
                return Err(bad_content(&format!(
                    "{at}.environmentVariables must be an object."
                )));
            };
            for (k, var) in env {
                if !var.is_object() || var.get("value").is_some_and(|v| !v.is_string()) {
                    return Err(bad_content(&format!("{at}.environmentVariables.{k} must be {{\"type\":\"local\",\"value\":string}}.")));
                }
            }
        }
        if obj.get("docker").is_some_and(|d| {
            !d.is_object()
                || d.get("privileged")
                    .is_some_and(|p| !p.is_boolean() && !p.is_null())
        }) {
            return Err(bad_content(&format!(
                "{at}.docker must be an object with a boolean 'privileged'."
            )));
        }
        if obj
            .get("volumes")
            .is_some_and(|v| !v.is_array() && !v.is_null())
        {
            return Err(bad_content(&format!("{at}.volumes must be an array.")));
        }
    }
    Ok(items.clone())
}
/// `POST .../computes/{name}/customServices`: replaces the instance's custom applications.
pub async fn replace(call: Call) -> Resp {
    let mut at = match enter(&call, &format!("{MLS}/workspaces/computes/write")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let version = at.version.clone();
    if !custom_services_supported(&version) {
        return arm_error(400, "NoRegisteredProviderFound", &format!("The operation customServices is not available in api-version '{version}'. Use 2024-04-01-preview (or a newer preview) or 2025-06-01 and later."));
    }
    let body = match parse_json(&call.req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let apply_apps = at.world.scaled(10.0);
    let ws = at.ws.clone();
    let world = &mut *at.world;
    let c = match idle_compute(
        world,
        &ws.subscription_id,
        &ws.resource_group,
        &ws.name,
        &call.p["compute"],
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let services = match validate_custom_services(&body) {
        Ok(s) => s,
        Err(r) => return r,
    };
    c.set_custom_services(services);
    c.value["properties"]["modifiedOn"] = json!(now_rfc3339());
    // The swagger declares a plain 200; the instance still needs a moment to apply the apps, so
    // the answer also carries LRO headers that clients may follow.
    let mut r = empty_resp(200);
    let plan = crate::lro::Plan {
        done_at: Instant::now() + apply_apps,
        ending: None,
    };
    let start = crate::lro::Start {
        req: &call.req,
        subscription: &ws.subscription_id,
        location: &ws.location,
        version: &version,
    };
    crate::lro::start(&call.app, world, &start, &plan, &mut r);
    r
}
