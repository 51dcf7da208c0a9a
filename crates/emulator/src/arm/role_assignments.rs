//! Role assignments at any scope: list (with `$filter`), get, create, delete; and the checks
//! every Microsoft.Authorization request goes through.

use super::checks::{
    arm_error, authorize, bad_content, check_subscription, check_version, page, parse_json,
    unknown_route, AUTHORIZATION_API_VERSIONS,
};
use super::{Call, Caller};
use crate::http::{empty_resp, json_resp, Req, Resp};
use crate::rbac::{role_by_name_or_id, scope_covers};
use crate::state::{now_rfc3339, RoleAssignment, World};
use hyper::Method;
use serde_json::{json, Value};
use std::sync::MutexGuard;
use std::time::Instant;

/// api-version, then the subscription's tenant when the scope is in a subscription; the world
/// and the scope for the handler.
pub fn enter_scope(call: &Call) -> Result<(MutexGuard<'_, World>, String), Resp> {
    check_version(&call.req, AUTHORIZATION_API_VERSIONS, "")?;
    let scope = call.scope.clone();
    let world = call.app.world();
    if let Some(sub) = scope
        .split('/')
        .nth(2)
        .filter(|_| scope.to_ascii_lowercase().starts_with("/subscriptions/"))
    {
        check_subscription(&call.app, &world, &call.caller, sub)?;
    }
    Ok((world, scope))
}

pub async fn unknown(call: Call) -> Resp {
    match enter_scope(&call) {
        Ok(_) => unknown_route(&call.req),
        Err(r) => r,
    }
}

pub async fn list(call: Call) -> Resp {
    let (world, scope) = match enter_scope(&call) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (req, scope) = (&call.req, scope.as_str());
    if let Err(r) = super::checks::authorize(
        &world,
        &call.caller,
        scope,
        "Microsoft.Authorization/roleAssignments/read",
    ) {
        return r;
    }
    let page_size = world.page_size;
    let filter = req.q("$filter").unwrap_or_default().trim().to_string();
    let mut items: Vec<&RoleAssignment> = world
        .role_assignments
        .iter()
        .filter(|ra| scope_covers(&ra.scope, scope) || scope_covers(scope, &ra.scope))
        .collect();
    for clause in filter
        .split(" and ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        if clause.eq_ignore_ascii_case("atScope()") {
            items.retain(|ra| scope_covers(&ra.scope, scope));
        } else if let Some(id) = clause
            .strip_prefix("principalId eq '")
            .and_then(|s| s.strip_suffix('\''))
        {
            items.retain(|ra| ra.principal_id.eq_ignore_ascii_case(id));
        } else if let Some(id) = clause
            .strip_prefix("assignedTo('")
            .and_then(|s| s.strip_suffix("')"))
        {
            items.retain(|ra| ra.principal_id.eq_ignore_ascii_case(id));
        } else {
            return arm_error(400, "UnsupportedQuery", &format!("The filter '{clause}' is not supported. Supported filters are atScope(), principalId eq '{{value}}' and assignedTo('{{value}}')."));
        }
    }
    let values: Vec<Value> = items.into_iter().map(role_assignment_json).collect();
    drop(world);
    page(&call.app, req, values, page_size)
}

/// `GET`, `PUT` or `DELETE .../roleAssignments/{name}`: the name must be a GUID whatever the
/// method.
pub async fn one(call: Call) -> Resp {
    let (mut world, scope) = match enter_scope(&call) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (req, caller, scope, method) = (
        &call.req,
        &call.caller,
        scope.as_str(),
        call.req.method.clone(),
    );
    let name = &call.p["name"];
    if uuid::Uuid::parse_str(name).is_err() {
        return arm_error(400, "InvalidRoleAssignmentId", &format!("The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."));
    }
    match method {
        Method::GET => {
            match world.role_assignments.iter().find(|ra| {
                ra.name.eq_ignore_ascii_case(name) && ra.scope.eq_ignore_ascii_case(scope)
            }) {
                Some(ra) => json_resp(200, &role_assignment_json(ra)),
                None => arm_error(
                    404,
                    "RoleAssignmentNotFound",
                    &format!("The role assignment '{name}' is not found."),
                ),
            }
        }
        Method::DELETE => {
            if let Err(r) = authorize(
                &world,
                caller,
                scope,
                "Microsoft.Authorization/roleAssignments/delete",
            ) {
                return r;
            }
            match world.role_assignments.iter().position(|ra| {
                ra.name.eq_ignore_ascii_case(name) && ra.scope.eq_ignore_ascii_case(scope)
            }) {
                Some(i) => {
                    let ra = world.role_assignments.remove(i);
                    json_resp(200, &role_assignment_json(&ra))
                }
                None => empty_resp(204),
            }
        }
        Method::PUT => put_role_assignment(&mut world, req, caller, scope, name),
        _ => unknown_route(req),
    }
}

fn role_assignment_json(ra: &RoleAssignment) -> Value {
    let sub = ra.scope.split('/').nth(2).unwrap_or_default();
    let role_def = if sub.is_empty() {
        format!(
            "/providers/Microsoft.Authorization/roleDefinitions/{}",
            ra.role_definition_guid
        )
    } else {
        format!(
            "/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{}",
            ra.role_definition_guid
        )
    };
    let mut props = json!({
        "roleDefinitionId": role_def,
        "principalId": ra.principal_id,
        "principalType": ra.principal_type,
        "scope": ra.scope,
        "createdOn": ra.created_on,
        "updatedOn": ra.created_on,
        "createdBy": ra.created_by,
        "updatedBy": ra.created_by,
    });
    if let Some(d) = &ra.description {
        props["description"] = json!(d);
    }
    json!({
        "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{}", ra.scope, ra.name),
        "name": ra.name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": props,
    })
}

fn known_principal(world: &World, id: &str) -> bool {
    if world.user_by_oid(id).is_some() {
        return true;
    }
    world.workspaces.iter().any(|w| {
        w.value["identity"]["principalId"].as_str() == Some(id)
            || w.endpoints
                .iter()
                .any(|e| e["identity"]["principalId"].as_str() == Some(id))
            || w.computes
                .iter()
                .any(|c| c.value["identity"]["principalId"].as_str() == Some(id))
    })
}

fn put_role_assignment(
    world: &mut World,
    req: &Req,
    caller: &Caller,
    scope: &str,
    name: &str,
) -> Resp {
    let body = match parse_json(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(props) = body.get("properties").filter(|p| p.is_object()) else {
        return bad_content("'properties' is required and must be an object.");
    };
    let Some(role_def) = props.get("roleDefinitionId").and_then(Value::as_str) else {
        return bad_content("'properties.roleDefinitionId' is required and must be a string.");
    };
    let Some(principal) = props.get("principalId").and_then(Value::as_str) else {
        return bad_content("'properties.principalId' is required and must be a string.");
    };
    let principal_type = match props.get("principalType") {
        None | Some(Value::Null) => "User".to_string(),
        Some(Value::String(t)) if ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"].contains(&t.as_str()) => t.clone(),
        Some(_) => return bad_content("'properties.principalType' must be one of User, Group, ServicePrincipal, ForeignGroup, Device."),
    };
    if props
        .get("description")
        .is_some_and(|d| !d.is_string() && !d.is_null())
    {
        return bad_content("'properties.description' must be a string.");
    }
    if let Err(r) = authorize(
        world,
        caller,
        scope,
        "Microsoft.Authorization/roleAssignments/write",
    ) {
        return r;
    }
    let guid = role_def.rsplit('/').next().unwrap_or_default();
    let Some(role) = role_by_name_or_id(guid).filter(|r| r.id.eq_ignore_ascii_case(guid)) else {
        return arm_error(
            400,
            "RoleDefinitionDoesNotExist",
            &format!("The specified role definition with ID '{guid}' does not exist."),
        );
    };
    let forced = world
        .principal_not_found
        .iter()
        .any(|p| p.eq_ignore_ascii_case(principal));
    if forced || uuid::Uuid::parse_str(principal).is_err() || !known_principal(world, principal) {
        let tenant = caller.tid.clone();
        return arm_error(400, "PrincipalNotFound", &format!("Principal {} does not exist in the directory {tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype", principal.replace('-', "")));
    }
    if let Some(existing) = world
        .role_assignments
        .iter()
        .find(|ra| ra.name.eq_ignore_ascii_case(name) && ra.scope.eq_ignore_ascii_case(scope))
    {
        if existing.principal_id.eq_ignore_ascii_case(principal)
            && existing.role_definition_guid.eq_ignore_ascii_case(role.id)
        {
            return json_resp(201, &role_assignment_json(existing));
        }
        return arm_error(
            400,
            "RoleAssignmentUpdateNotPermitted",
            "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        );
    }
    if world.role_assignments.iter().any(|ra| {
        ra.scope.eq_ignore_ascii_case(scope)
            && ra.principal_id.eq_ignore_ascii_case(principal)
            && ra.role_definition_guid.eq_ignore_ascii_case(role.id)
    }) {
        return arm_error(
            409,
            "RoleAssignmentExists",
            "The role assignment already exists.",
        );
    }
    let ra = RoleAssignment {
        name: name.to_ascii_lowercase(),
        scope: scope.to_string(),
        role_definition_guid: role.id.to_string(),
        principal_id: principal.to_string(),
        principal_type,
        description: props
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        created_on: now_rfc3339(),
        created_by: caller.oid.clone(),
        effective_at: Instant::now() + world.propagation_delay,
    };
    let body = role_assignment_json(&ra);
    world.role_assignments.push(ra);
    json_resp(201, &body)
}
