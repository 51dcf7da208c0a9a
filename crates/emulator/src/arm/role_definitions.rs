//! Role definitions (the built-in roles, list with `$filter`, get) and the caller's permissions
//! at a scope.

use super::checks::{arm_error, page};
use super::role_assignments::enter_scope;
use super::Call;
use crate::http::{json_resp, Resp};
use crate::rbac::{permission_entry, role_by_name_or_id, role_definition_json, ROLES};
use serde_json::{json, Value};

pub async fn list(call: Call) -> Resp {
    let (world, scope) = match enter_scope(&call) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (req, scope) = (&call.req, scope.as_str());
    let page_size = world.page_size;
    let filter = req.q("$filter").unwrap_or_default();
    let mut roles: Vec<Value> = ROLES
        .iter()
        .map(|r| role_definition_json(r, scope))
        .collect();
    if !filter.is_empty() {
        if let Some(name) = filter
            .strip_prefix("roleName eq '")
            .and_then(|s| s.strip_suffix('\''))
        {
            roles.retain(|r| {
                r["properties"]["roleName"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            });
        } else if filter.eq_ignore_ascii_case("type eq 'BuiltInRole'") {
        } else if filter.eq_ignore_ascii_case("type eq 'CustomRole'") {
            roles.clear();
        } else {
            return arm_error(400, "UnsupportedQuery", &format!("The filter '{filter}' is not supported. Supported filters are roleName eq '{{value}}' and type eq '{{value}}'."));
        }
    }
    drop(world);
    page(&call.app, req, roles, page_size.max(50))
}

pub async fn get(call: Call) -> Resp {
    let (_world, scope) = match enter_scope(&call) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = &call.p["id"];
    match role_by_name_or_id(id).filter(|r| r.id.eq_ignore_ascii_case(id)) {
        Some(role) => json_resp(200, &role_definition_json(role, &scope)),
        None => arm_error(
            404,
            "RoleDefinitionDoesNotExist",
            &format!("The specified role definition with ID '{id}' does not exist."),
        ),
    }
}

pub async fn permissions(call: Call) -> Resp {
    let (world, scope) = match enter_scope(&call) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let value: Vec<Value> = world
        .effective_assignments(&call.caller.oid, &scope)
        .iter()
        .filter_map(|ra| role_by_name_or_id(&ra.role_definition_guid))
        .map(permission_entry)
        .collect();
    json_resp(200, &json!({"value": value}))
}
