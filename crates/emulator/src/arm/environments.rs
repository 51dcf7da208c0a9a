//! Environments: containers (list with `listViewType`, get) and versions (list with `$top`,
//! get, create or replace).

use super::checks::{arm_error, bad_content, page, parse_json};
use super::workspaces::enter;
use super::{Call, Caller};
use crate::http::{json_resp, Req, Resp};
use crate::names::is_named;
use crate::state::{now_rfc3339, World, MLS};
use serde_json::{json, Value};

pub async fn list(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/environments/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let view = call.req.q("listViewType").unwrap_or("ActiveOnly");
    let keep: fn(&Value) -> bool = match view {
        "ActiveOnly" => |v| v["properties"]["isArchived"].as_bool() != Some(true),
        "ArchivedOnly" => |v| v["properties"]["isArchived"].as_bool() == Some(true),
        "All" => |_| true,
        other => {
            return arm_error(
                400,
                "InvalidQueryParameterValue",
                &format!(
                    "listViewType '{other}' is not valid; use ActiveOnly, ArchivedOnly or All."
                ),
            )
        }
    };
    let items = at
        .ws
        .env_containers
        .iter()
        .filter(|v| keep(v))
        .cloned()
        .collect();
    let size = at.page_size();
    drop(at);
    page(&call.app, &call.req, items, size)
}

fn has_container(ws: &crate::state::Workspace, name: &str) -> bool {
    ws.env_containers.iter().any(|c| is_named(c, name))
}

pub async fn get(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/environments/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["environment"];
    match at.ws.env_containers.iter().find(|c| is_named(c, name)) {
        Some(c) => json_resp(200, c),
        None => at.not_found("environments", name),
    }
}

pub async fn list_versions(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/environments/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["environment"];
    if !has_container(&at.ws, name) {
        return at.not_found("environments", name);
    }
    let mut items: Vec<Value> = at
        .ws
        .env_versions
        .iter()
        .filter(|v| v.container.eq_ignore_ascii_case(name))
        .map(|v| v.value.clone())
        .collect();
    items.reverse();
    if let Some(top) = call.req.q("$top") {
        match top.parse::<usize>() {
            Ok(n) => items.truncate(n),
            Err(_) => {
                return arm_error(
                    400,
                    "InvalidQueryParameterValue",
                    &format!("$top '{top}' is not an integer."),
                )
            }
        }
    }
    let size = at.page_size();
    drop(at);
    page(&call.app, &call.req, items, size)
}

pub async fn get_version(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/environments/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let (name, version) = (&call.p["environment"], &call.p["version"]);
    match at
        .ws
        .env_versions
        .iter()
        .find(|v| v.container.eq_ignore_ascii_case(name) && v.version == version)
    {
        Some(v) => json_resp(200, &v.value),
        None => at.not_found("environments", &format!("{name}/versions/{version}")),
    }
}

pub async fn put_version(call: Call) -> Resp {
    let mut at = match enter(&call, &format!("{MLS}/workspaces/environments/write")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let ws = at.ws.clone();
    put_env_version(
        &mut at.world,
        &call.req,
        &call.caller,
        &ws.subscription_id,
        &ws.resource_group,
        &ws.name,
        &call.p["environment"],
        &call.p["version"],
    )
}

#[allow(clippy::too_many_arguments)]
fn put_env_version(
    world: &mut World,
    req: &Req,
    caller: &Caller,
    sub: &str,
    rg: &str,
    ws_name: &str,
    env: &str,
    version: &str,
) -> Resp {
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.len() <= 255
            && n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if !name_ok(env) || !name_ok(version) {
        return arm_error(400, "InvalidResourceName", &format!("Environment name '{env}' or version '{version}' is invalid: use letters, digits, '-', '_' and '.', starting with a letter or digit."));
    }
    let body = match parse_json(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(props) = body.get("properties").filter(|p| p.is_object()) else {
        return bad_content("'properties' is required and must be an object.");
    };
    let image = props.get("image");
    let build = props.get("build");
    if image.is_some_and(|i| !i.is_string() && !i.is_null()) {
        return bad_content("'properties.image' must be a string.");
    }
    if build.is_some_and(|b| !b.is_null() && (!b.is_object() || !b["contextUri"].is_string())) {
        return bad_content("'properties.build' must be an object with a string 'contextUri'.");
    }
    if image.is_none_or(Value::is_null) && build.is_none_or(Value::is_null) {
        return arm_error(
            400,
            "BadRequest",
            "An environment version needs either 'properties.image' or 'properties.build'.",
        );
    }
    let ws = world.workspace_mut(sub, rg, ws_name).expect("exists");
    let id = format!("{}/environments/{env}/versions/{version}", ws.id());
    let now = now_rfc3339();
    let mut props = props.clone();
    props["provisioningState"] = json!("Succeeded");
    props["environmentType"] = json!("UserCreated");
    if props.get("osType").is_none() {
        props["osType"] = json!("Linux");
    }
    props["isArchived"] = props
        .get("isArchived")
        .cloned()
        .filter(Value::is_boolean)
        .unwrap_or(json!(false));
    let value = json!({
        "id": id, "name": version, "type": "Microsoft.MachineLearningServices/workspaces/environments/versions",
        "properties": props,
        "systemData": {"createdAt": now, "createdBy": caller.upn, "createdByType": "User", "lastModifiedAt": now, "lastModifiedBy": caller.upn, "lastModifiedByType": "User"}
    });
    let existing = ws
        .env_versions
        .iter_mut()
        .find(|v| v.container.eq_ignore_ascii_case(env) && v.version == version);
    let status = if let Some(e) = existing {
        e.value = value.clone();
        200
    } else {
        ws.env_versions.push(crate::state::EnvVersion {
            container: env.to_string(),
            version: version.to_string(),
            value: value.clone(),
            base_tag: None,
            // Registering an environment names an image already pushed.
            image_pushed: true,
        });
        201
    };
    let container_id = format!("{}/environments/{env}", ws.id());
    let count = ws
        .env_versions
        .iter()
        .filter(|v| v.container.eq_ignore_ascii_case(env))
        .count();
    match ws.env_containers.iter_mut().find(|c| is_named(c, env)) {
        Some(c) => {
            c["properties"]["latestVersion"] = json!(version);
            c["properties"]["nextVersion"] = json!((count + 1).to_string());
        }
        None => ws.env_containers.push(json!({
            "id": container_id, "name": env, "type": "Microsoft.MachineLearningServices/workspaces/environments",
            "properties": {"description": "", "tags": {}, "properties": {}, "isArchived": false, "latestVersion": version, "nextVersion": (count + 1).to_string(), "provisioningState": "Succeeded"},
            "systemData": {"createdAt": now, "createdBy": caller.upn, "createdByType": "User", "lastModifiedAt": now, "lastModifiedBy": caller.upn, "lastModifiedByType": "User"}
        })),
    }
    json_resp(status, &value)
}
