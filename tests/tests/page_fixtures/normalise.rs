//! What changes from one run of the generator to the next (ports, request ids, moments,
//! durations), replaced by fixed stand-ins so the fixtures are the same on every run.

use pfrm_emulator::ReadyInfo;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::TODAY;

/// Replaces what changes from one run to the next (the emulator's ports) with fixed stand-ins
/// that say which service they stand for.
pub fn normalise(fixture: Value, ready: &ReadyInfo, started: OffsetDateTime) -> Value {
    let mut text = serde_json::to_string(&fixture).unwrap();
    for (endpoint, service) in [
        (&ready.arm_endpoint, "arm"),
        (&ready.flow_endpoint, "flow"),
        (&ready.registry_endpoint, "registry"),
        (&ready.graph_endpoint, "graph"),
        (&ready.authority_host, "login"),
        (&ready.control_endpoint, "control"),
    ] {
        let origin = endpoint.trim_end_matches('/');
        // The registry stands for Microsoft's, which serves the runtime images; the others
        // name the service they stand for.
        let stand_in = match service {
            "registry" => "mcr.microsoft.com".to_owned(),
            _ => format!("{service}.emulator.invalid"),
        };
        text = text.replace(origin, &format!("https://{stand_in}"));
        // Image references name the registry by its host alone.
        if let Some(host) = origin.strip_prefix("https://") {
            text = text.replace(host, &stand_in);
        }
    }
    let mut fixture = serde_json::from_str(&text).unwrap();
    fix_request_ids(&mut fixture);
    fix_moments(&mut fixture, started);
    fixture
}

/// What the emulator stamped while the generator ran (a runtime created, an instance started)
/// happened at noon of the fixtures' day instead.
fn fix_moments(value: &mut Value, started: OffsetDateTime) {
    match value {
        Value::String(text) => {
            if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
                if moment >= started - time::Duration::minutes(1) {
                    *text = format!("{TODAY}T12:00:00Z");
                }
            }
        }
        Value::Object(map) => map.values_mut().for_each(|v| fix_moments(v, started)),
        Value::Array(items) => items.iter_mut().for_each(|v| fix_moments(v, started)),
        _ => {}
    }
}

/// Errors carry the ids of the request that failed, new on every run; how long an "Update
/// all" took changes too.
fn fix_request_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "elapsedMs" {
                    *inner = json!(0);
                } else if matches!(
                    key.as_str(),
                    "clientRequestId" | "correlationId" | "requestId" | "operationId"
                ) {
                    *inner = json!("00000000-0000-0000-0000-000000000000");
                } else {
                    fix_request_ids(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_request_ids),
        _ => {}
    }
}
