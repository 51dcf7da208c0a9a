//! A runtime's custom application on its compute instance, through its life: added when the
//! runtime is created (the instance starts or restarts to run it), its image replaced when the
//! runtime is updated (another restart), removed when the runtime is deleted. A runtime made
//! from an existing application leaves the application alone.

use crate::names::is_named;
use crate::state::{Compute, Pending, Workspace, World};
use serde_json::{json, Value};
use std::time::Instant;

pub const TARGET_PORT: i64 = 8080;

pub fn next_published_port(compute: &Compute) -> i64 {
    let used: Vec<i64> = compute
        .custom_services()
        .iter()
        .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["published"].as_i64())
        .collect();
    (8081..).find(|p| !used.contains(p)).unwrap_or(8081)
}

pub fn runtime_custom_service(name: &str, image: &str, port: i64, ws: &Workspace) -> Value {
    json!({
        "name": name,
        "image": {"type": "docker", "reference": image},
        "endpoints": [{"name": "connect", "protocol": "http", "target": TARGET_PORT, "published": port}],
        "docker": {"privileged": false},
        "environmentVariables": {
            "PRT_CONFIG_OVERRIDE": {"type": "local", "value": format!(
                "deployment.subscription_id={},deployment.resource_group={},deployment.workspace_name={},deployment.runtime_name={name}",
                ws.subscription_id, ws.resource_group, ws.name)}
        },
        "volumes": []
    })
}

pub fn is_runtime_image(service: &Value) -> bool {
    let image = &service["image"];
    image["type"].as_str() == Some("azureml")
        || image["reference"].as_str().is_some_and(|r| {
            r.contains("promptflow/promptflow-runtime") || r.contains("azureml/azureml_")
        })
}

/// Changes the instance's custom applications and restarts it (or starts it when stopped) so
/// the change takes effect; returns when the instance will be running again.
fn change_and_restart(
    world: &mut World,
    ws: &Workspace,
    compute: &str,
    change: impl FnOnce(&mut Vec<Value>),
) -> Instant {
    let running = ws.compute(compute).is_some_and(|c| c.state() == "Running");
    let (transient, operation, secs) = if running {
        ("Restarting", "Restart", 90.0)
    } else {
        ("Starting", "Start", 120.0)
    };
    let ready = Instant::now() + world.scaled(secs);
    let c = world
        .workspace_mut(&ws.subscription_id, &ws.resource_group, &ws.name)
        .and_then(|w| w.compute_mut(compute))
        .expect("checked");
    let mut services = c.custom_services();
    change(&mut services);
    c.set_custom_services(services);
    c.set_state(transient);
    c.pending = Some(Pending {
        final_state: "Running",
        operation,
        at: ready,
        remove: false,
        failed: false,
        provisioning_state: "Succeeded",
    });
    ready
}

/// Adds the runtime's application (see [`runtime_custom_service`]) to the instance.
pub fn install(world: &mut World, ws: &Workspace, compute: &str, app: Value) -> Instant {
    change_and_restart(world, ws, compute, |services| services.push(app))
}

/// Points the application `app_name` at `image`.
pub fn replace_image(
    world: &mut World,
    ws: &Workspace,
    compute: &str,
    app_name: &str,
    image: &str,
) -> Instant {
    change_and_restart(world, ws, compute, |services| {
        for s in services.iter_mut() {
            if is_named(s, app_name) {
                s["image"] = json!({"type": "docker", "reference": image});
            }
        }
    })
}

/// Removes the application `app_name` from the instance (no restart: the instance stops
/// serving it at once).
pub fn remove(ws: &mut Workspace, compute: &str, app_name: &str) {
    if let Some(c) = ws.compute_mut(compute) {
        let services: Vec<Value> = c
            .custom_services()
            .into_iter()
            .filter(|s| !is_named(s, app_name))
            .collect();
        c.set_custom_services(services);
    }
}
