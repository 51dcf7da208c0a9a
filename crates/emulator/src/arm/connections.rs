//! Workspace connections (prompt flow's own assets): list and get without secrets; secrets only
//! through `listsecrets`. Shapes follow `WorkspaceConnectionPropertiesV2BasicResource`.

use super::workspaces::{enter, InWorkspace};
use super::Call;
use crate::http::{json_resp, Resp};
use crate::prompt_flow::ConnectionSeed;
use crate::state::{Workspace, MLS};
use serde_json::{json, Value};

fn connection_resource(ws: &Workspace, connection: &ConnectionSeed, with_secret: bool) -> Value {
    let mut properties = json!({
        "authType": connection.auth_type,
        "category": connection.category,
        "target": connection.target,
        "isSharedToAll": true,
        "metadata": {"ApiType": "Azure"},
        "createdByWorkspaceArmId": ws.id(),
    });
    if with_secret {
        properties["credentials"] = if connection.auth_type == "CustomKeys" {
            json!({"keys": {"api_key": connection.secret}})
        } else {
            json!({"key": connection.secret})
        };
    }
    json!({
        "id": format!("{}/connections/{}", ws.id(), connection.name),
        "name": connection.name,
        "type": format!("{MLS}/workspaces/connections"),
        "properties": properties,
    })
}

fn answer(call: &Call, action: &str, with_secret: bool) -> Resp {
    let at: InWorkspace<'_> = match enter(call, &format!("{MLS}/workspaces/{action}")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["connection"];
    match at
        .ws
        .prompt_flow
        .connections
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
    {
        Some(c) => json_resp(200, &connection_resource(&at.ws, c, with_secret)),
        None => at.not_found("connections", name),
    }
}

pub async fn list(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/connections/read")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let ws = &at.ws;
    json_resp(
        200,
        &json!({"value": ws.prompt_flow.connections.iter().map(|c| connection_resource(ws, c, false)).collect::<Vec<_>>()}),
    )
}

pub async fn get(call: Call) -> Resp {
    answer(&call, "connections/read", false)
}

pub async fn list_secrets(call: Call) -> Resp {
    answer(&call, "connections/listsecrets/action", true)
}
