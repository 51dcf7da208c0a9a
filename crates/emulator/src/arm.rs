//! Azure Resource Manager: tenants, subscriptions, Microsoft.MachineLearningServices and
//! Microsoft.Authorization, with api-version checks, bearer validation, RBAC, paging and LROs.

use crate::identity::{validate_bearer, BearerError, ARM_AUDIENCES};
use crate::rbac::{
    permission_entry, role_by_name_or_id, role_definition_json, scope_covers, ROLES,
};
use crate::server::{empty_resp, json_resp, set_header, Req, Resp};
use crate::state::{
    now_rfc3339, subscription_json, tenant_json, Pending, RoleAssignment, World, MLS,
};
use crate::App;
use hyper::Method;
use serde_json::{json, Value};
use std::time::Instant;

pub const RESOURCES_API_VERSIONS: &[&str] = &[
    "2016-06-01",
    "2018-06-01",
    "2019-11-01",
    "2020-01-01",
    "2021-01-01",
    "2022-12-01",
];
pub const MLS_API_VERSIONS: &[&str] = &[
    "2023-04-01",
    "2023-04-01-preview",
    "2023-06-01-preview",
    "2023-08-01-preview",
    "2023-10-01",
    "2024-01-01-preview",
    "2024-04-01",
    "2024-04-01-preview",
    "2024-07-01-preview",
    "2024-10-01",
    "2024-10-01-preview",
    "2025-01-01-preview",
    "2025-04-01",
    "2025-06-01",
    "2025-12-01",
];
pub const AUTHORIZATION_API_VERSIONS: &[&str] = &[
    "2015-07-01",
    "2018-01-01-preview",
    "2018-09-01-preview",
    "2020-04-01-preview",
    "2020-10-01-preview",
    "2022-04-01",
    "2022-05-01-preview",
];

/// `customServices` replace exists only in previews and the newest stables.
fn custom_services_supported(version: &str) -> bool {
    version.ends_with("-preview") || version >= "2025-06-01"
}

pub fn arm_error(status: u16, code: &str, message: &str) -> Resp {
    json_resp(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

fn bad_content(message: &str) -> Resp {
    arm_error(
        400,
        "InvalidRequestContent",
        &format!("The request content was invalid and could not be deserialized: {message}"),
    )
}

struct Caller {
    oid: String,
    tid: String,
    upn: String,
    iss: String,
}

pub async fn handle(app: &App, req: Req) -> Resp {
    let mut resp = route(app, &req);
    crate::lro::observe(app, &req, &resp);
    let request_id = uuid::Uuid::new_v4().to_string();
    set_header(&mut resp, "x-ms-request-id", &request_id);
    let correlation = req
        .header("x-ms-correlation-request-id")
        .map(str::to_string)
        .unwrap_or_else(|| request_id.clone());
    set_header(&mut resp, "x-ms-correlation-request-id", &correlation);
    if let Some(client) = req.header("x-ms-client-request-id").map(str::to_string) {
        set_header(&mut resp, "x-ms-client-request-id", &client);
    }
    let (reads, writes) = app.rate_limit(req.method == Method::GET);
    set_header(
        &mut resp,
        "x-ms-ratelimit-remaining-subscription-reads",
        &reads.to_string(),
    );
    set_header(
        &mut resp,
        "x-ms-ratelimit-remaining-tenant-reads",
        &reads.to_string(),
    );
    if req.method != Method::GET {
        set_header(
            &mut resp,
            "x-ms-ratelimit-remaining-subscription-writes",
            &writes.to_string(),
        );
    }
    set_header(&mut resp, "Cache-Control", "no-cache");
    resp
}

pub fn unauthorized(app: &App, tenant: &str, code: &str, message: &str, description: &str) -> Resp {
    let mut r = arm_error(401, code, message);
    set_header(
        &mut r,
        "WWW-Authenticate",
        &format!(
            "Bearer authorization_uri=\"{}/{tenant}\", error=\"invalid_token\", error_description=\"{description}\"",
            app.info.authority_host
        ),
    );
    r
}

pub fn bearer_failure(app: &App, e: BearerError) -> Resp {
    let tenant = app.info.tenant_id.clone();
    match e {
        BearerError::Missing => unauthorized(app, &tenant, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", "The authentication failed because of missing 'Authorization' header."),
        BearerError::Invalid(why) => unauthorized(app, &tenant, "InvalidAuthenticationToken", &format!("The access token is invalid: {why}."), "The access token is invalid."),
        BearerError::Expired => unauthorized(app, &tenant, "ExpiredAuthenticationToken", &format!("The access token expiry UTC time is earlier than current UTC time '{}'.", now_rfc3339()), "The access token has expired."),
        BearerError::Audience(aud) => unauthorized(app, &tenant, "InvalidAuthenticationTokenAudience", &format!("The access token has been obtained for wrong audience or resource '{aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."), "The access token has been obtained for wrong audience."),
    }
}

fn check_version(req: &Req, allowed: &[&str], what: &str) -> Result<String, Resp> {
    let Some(v) = req.q("api-version") else {
        return Err(arm_error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        ));
    };
    if allowed.contains(&v) {
        return Ok(v.to_string());
    }
    if what.is_empty() {
        Err(arm_error(
            400,
            "InvalidApiVersionParameter",
            &format!(
                "The api-version '{v}' is invalid. The supported versions are '{}'.",
                allowed.join(",")
            ),
        ))
    } else {
        Err(arm_error(400, "NoRegisteredProviderFound", &format!("No registered resource provider found for location 'global' and API version '{v}' for type '{what}'. The supported api-versions are '{}'.", allowed.join(", "))))
    }
}

fn forbidden(caller: &Caller, action: &str, scope: &str) -> Resp {
    arm_error(403, "AuthorizationFailed", &format!("The client '{}' with object id '{}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.", caller.upn, caller.oid))
}

fn authorize(world: &World, caller: &Caller, scope: &str, action: &str) -> Result<(), Resp> {
    if world.is_allowed(&caller.oid, scope, action) {
        Ok(())
    } else {
        Err(forbidden(caller, action, scope))
    }
}

fn check_subscription(app: &App, world: &World, caller: &Caller, sub: &str) -> Result<(), Resp> {
    let Some(s) = world.subscription(sub) else {
        return Err(arm_error(
            404,
            "SubscriptionNotFound",
            &format!("The subscription '{sub}' could not be found."),
        ));
    };
    if !s.tenant_id.eq_ignore_ascii_case(&caller.tid) {
        return Err(unauthorized(app, &s.tenant_id.clone(), "InvalidAuthenticationTokenTenant", &format!("The access token is from the wrong issuer '{}'. It must match the tenant '{}/{}/' associated with this subscription. Please use the authority (URL) '{}/{}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.", caller.iss, app.info.authority_host, s.tenant_id, app.info.authority_host, s.tenant_id), "The access token is from the wrong issuer."));
    }
    Ok(())
}

fn parse_json(req: &Req) -> Result<Value, Resp> {
    if req.body_too_large {
        return Err(arm_error(
            413,
            "RequestEntityTooLarge",
            &format!(
                "The request content size exceeds the maximum of {} bytes.",
                crate::server::MAX_BODY
            ),
        ));
    }
    if req.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad_content("the request content was empty."));
    }
    serde_json::from_slice(&req.body).map_err(|e| bad_content(&format!("'{e}'.")))
}

/// Pages `items` with an opaque `$skipToken` (accepting `$skip` too).
fn page(app: &App, req: &Req, items: Vec<Value>, size: usize) -> Resp {
    let token = req.q("$skipToken").or_else(|| req.q("$skip"));
    let start = match token {
        None => 0,
        Some(t) => match t.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                return arm_error(
                    400,
                    "InvalidSkipToken",
                    &format!("The skip token '{t}' is not valid."),
                )
            }
        },
    };
    let size = size.max(1);
    let end = (start + size).min(items.len());
    let slice: Vec<Value> = items
        .get(start..end)
        .map(|s| s.to_vec())
        .unwrap_or_default();
    let mut body = json!({"value": slice});
    if end < items.len() {
        let mut url =
            url::Url::parse(&format!("{}{}", app.info.arm_endpoint, req.path)).expect("valid url");
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in &req.query {
                if !k.eq_ignore_ascii_case("$skipToken") && !k.eq_ignore_ascii_case("$skip") {
                    q.append_pair(k, v);
                }
            }
            q.append_pair("$skipToken", &end.to_string());
        }
        body["nextLink"] = json!(url.as_str());
    }
    json_resp(200, &body)
}

fn route(app: &App, req: &Req) -> Resp {
    let claims = match validate_bearer(app, req, &ARM_AUDIENCES) {
        Ok(c) => c,
        Err(e) => return bearer_failure(app, e),
    };
    let caller = Caller {
        oid: claims["oid"].as_str().unwrap_or_default().to_string(),
        tid: claims["tid"].as_str().unwrap_or_default().to_string(),
        upn: claims["preferred_username"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        iss: claims["iss"].as_str().unwrap_or_default().to_string(),
    };
    let segs: Vec<&str> = req
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let lc: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lc.iter().map(String::as_str).collect();

    // Microsoft.Authorization at any scope.
    if let Some(i) = (0..l.len().saturating_sub(1))
        .find(|&i| l[i] == "providers" && l[i + 1] == "microsoft.authorization")
    {
        let scope = format!("/{}", segs[..i].join("/"));
        if let Err(r) = check_version(req, AUTHORIZATION_API_VERSIONS, "") {
            return r;
        }
        return authorization(app, req, &caller, &scope, &segs[i + 2..], &l[i + 2..]);
    }

    match l.as_slice() {
        ["tenants"] => {
            if let Err(r) = check_version(req, RESOURCES_API_VERSIONS, "") {
                return r;
            }
            let world = app.world();
            let items: Vec<Value> = match world.user_by_oid(&caller.oid) {
                Some(u) => world
                    .tenants
                    .iter()
                    .filter(|t| u.in_tenant(&t.tenant_id))
                    .map(tenant_json)
                    .collect(),
                None => vec![],
            };
            let size = world.page_size;
            drop(world);
            page(app, req, items, size)
        }
        ["subscriptions"] => {
            if let Err(r) = check_version(req, RESOURCES_API_VERSIONS, "") {
                return r;
            }
            let world = app.world();
            let items: Vec<Value> = world
                .subscriptions
                .iter()
                .filter(|s| {
                    s.tenant_id.eq_ignore_ascii_case(&caller.tid)
                        && world.has_any_access_near(
                            &caller.oid,
                            &format!("/subscriptions/{}", s.subscription_id),
                        )
                })
                .map(subscription_json)
                .collect();
            let size = world.page_size;
            drop(world);
            page(app, req, items, size)
        }
        ["subscriptions", _] => {
            if let Err(r) = check_version(req, RESOURCES_API_VERSIONS, "") {
                return r;
            }
            let world = app.world();
            if let Err(r) = check_subscription(app, &world, &caller, segs[1]) {
                return r;
            }
            let scope = format!("/subscriptions/{}", segs[1]);
            if !world.has_any_access_near(&caller.oid, &scope) {
                return arm_error(
                    404,
                    "SubscriptionNotFound",
                    &format!("The subscription '{}' could not be found.", segs[1]),
                );
            }
            json_resp(
                200,
                &subscription_json(world.subscription(segs[1]).expect("checked")),
            )
        }
        ["subscriptions", _, "providers", "microsoft.machinelearningservices", rest @ ..] => {
            if let Err(r) = check_version(
                req,
                MLS_API_VERSIONS,
                "Microsoft.MachineLearningServices/workspaces",
            ) {
                return r;
            }
            let sub = segs[1];
            let mut world = app.world();
            world.tick();
            if let Err(r) = check_subscription(app, &world, &caller, sub) {
                return r;
            }
            match rest {
                ["workspaces"] if req.method == Method::GET => {
                    let items = readable_workspaces(&world, &caller, |w| {
                        w.subscription_id.eq_ignore_ascii_case(sub)
                    });
                    let size = world.page_size;
                    drop(world);
                    page(app, req, items, size)
                }
                ["locations", _, "computeoperationsstatus", id] if req.method == Method::GET => {
                    crate::lro::status(&world, segs[5], id)
                }
                ["locations", _, "computeoperationsresults", id] if req.method == Method::GET => {
                    crate::lro::result(app, &world, req, id)
                }
                _ => unknown_route(req),
            }
        }
        ["subscriptions", _, "resourcegroups", _, "providers", "microsoft.machinelearningservices", "workspaces", rest @ ..] =>
        {
            if let Err(r) = check_version(
                req,
                MLS_API_VERSIONS,
                "Microsoft.MachineLearningServices/workspaces",
            ) {
                return r;
            }
            let (sub, rg) = (segs[1], segs[3]);
            let mut world = app.world();
            world.tick();
            if let Err(r) = check_subscription(app, &world, &caller, sub) {
                return r;
            }
            if rest.is_empty() {
                if req.method != Method::GET {
                    return unknown_route(req);
                }
                if !world.workspaces.iter().any(|w| {
                    w.subscription_id.eq_ignore_ascii_case(sub)
                        && w.resource_group.eq_ignore_ascii_case(rg)
                }) {
                    return arm_error(
                        404,
                        "ResourceGroupNotFound",
                        &format!("Resource group '{rg}' could not be found."),
                    );
                }
                let items = readable_workspaces(&world, &caller, |w| {
                    w.subscription_id.eq_ignore_ascii_case(sub)
                        && w.resource_group.eq_ignore_ascii_case(rg)
                });
                let size = world.page_size;
                drop(world);
                return page(app, req, items, size);
            }
            let ws_name = segs[7];
            let ws_scope = crate::state::workspace_id(sub, rg, ws_name);
            workspace_child(
                app,
                &mut world,
                req,
                &caller,
                sub,
                rg,
                ws_name,
                &ws_scope,
                &segs[8..],
                &l[8..],
            )
        }
        _ => unknown_route(req),
    }
}

fn unknown_route(req: &Req) -> Resp {
    arm_error(
        404,
        "InvalidResourceType",
        &format!(
            "The resource type could not be found for {} {}.",
            req.method, req.path
        ),
    )
}

fn readable_workspaces(
    world: &World,
    caller: &Caller,
    keep: impl Fn(&crate::state::Workspace) -> bool,
) -> Vec<Value> {
    world
        .workspaces
        .iter()
        .filter(|w| keep(w))
        .filter(|w| {
            world.is_allowed(
                &caller.oid,
                &w.id(),
                "Microsoft.MachineLearningServices/workspaces/read",
            )
        })
        .map(|w| w.value.clone())
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn workspace_child(
    app: &App,
    world: &mut World,
    req: &Req,
    caller: &Caller,
    sub: &str,
    rg: &str,
    ws_name: &str,
    ws_scope: &str,
    segs: &[&str],
    l: &[&str],
) -> Resp {
    let version = req.q("api-version").unwrap_or_default().to_string();

    // RBAC is evaluated before the resource is looked up, as ARM does.
    let action = match (req.method.clone(), l) {
        (Method::GET, []) => format!("{MLS}/workspaces/read"),
        (Method::GET, ["computes", ..]) => format!("{MLS}/workspaces/computes/read"),
        (Method::PUT, ["computes", _]) => format!("{MLS}/workspaces/computes/write"),
        (Method::DELETE, ["computes", _]) => format!("{MLS}/workspaces/computes/delete"),
        (Method::POST, ["computes", _, "customservices"]) => {
            format!("{MLS}/workspaces/computes/write")
        }
        (Method::POST, ["computes", _, op]) => format!("{MLS}/workspaces/computes/{op}/action"),
        (Method::GET, ["datastores", ..]) => format!("{MLS}/workspaces/datastores/read"),
        (Method::GET, ["environments", ..]) => format!("{MLS}/workspaces/environments/read"),
        (Method::PUT, ["environments", _, "versions", _]) => {
            format!("{MLS}/workspaces/environments/write")
        }
        (Method::GET, ["onlineendpoints", ..]) => format!("{MLS}/workspaces/onlineEndpoints/read"),
        (Method::GET, ["connections", ..]) => format!("{MLS}/workspaces/connections/read"),
        (Method::POST, ["connections", _, "listsecrets"]) => {
            format!("{MLS}/workspaces/connections/listsecrets/action")
        }
        _ => return unknown_route(req),
    };
    let target = if segs.len() >= 2 {
        format!("{ws_scope}/{}/{}", segs[0], segs[1])
    } else {
        ws_scope.to_string()
    };
    if let Err(r) = authorize(world, caller, &target, &action) {
        return r;
    }
    let Some(ws) = world.workspace(sub, rg, ws_name).cloned() else {
        return arm_error(404, "ResourceNotFound", &format!("The Resource '{MLS}/workspaces/{ws_name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"));
    };
    let page_size = world.page_size;
    let not_found = |kind: &str, name: &str| {
        arm_error(404, "ResourceNotFound", &format!("The Resource '{MLS}/workspaces/{ws_name}/{kind}/{name}' under resource group '{rg}' was not found."))
    };
    // Connections and flow deployments live with the other prompt flow assets.
    if let Some(resp) = crate::prompt_flow::arm_route(&ws, &req.method, l, not_found) {
        return resp;
    }
    match (req.method.clone(), l) {
        (Method::GET, []) => json_resp(200, &ws.value),
        (Method::GET, ["computes"]) => page(
            app,
            req,
            ws.computes.iter().map(|c| c.value.clone()).collect(),
            page_size,
        ),
        (Method::GET, ["computes", _]) => match ws.compute(segs[1]) {
            Some(c) => json_resp(200, &c.value),
            None => not_found("computes", segs[1]),
        },
        (Method::PUT, ["computes", _]) => {
            create_compute(app, world, req, caller, &ws, segs[1], &version)
        }
        (Method::DELETE, ["computes", _]) => {
            let Some(action) = req.q("underlyingResourceAction") else {
                return arm_error(400, "BadRequest", "The query parameter 'underlyingResourceAction' is required (Delete or Detach).");
            };
            if !matches!(action, "Delete" | "Detach") {
                return arm_error(
                    400,
                    "BadRequest",
                    &format!(
                        "underlyingResourceAction '{action}' is not valid; use Delete or Detach."
                    ),
                );
            }
            if ws.compute(segs[1]).is_none() {
                return empty_resp(204);
            }
            let duration = world.scaled(60.0);
            let plan = crate::lro::Plan::new(world, duration);
            if let Some(r) = plan.synchronous_failure(world, req) {
                return r;
            }
            let w = world.workspace_mut(sub, rg, ws_name).expect("exists");
            let c = w.compute_mut(segs[1]).expect("checked");
            // A delete that does not succeed leaves the instance as it was, marked Failed.
            let before: &'static str = match c.state() {
                "Running" => "Running",
                "Stopped" => "Stopped",
                _ => "Unusable",
            };
            c.set_state("Deleting");
            c.value["properties"]["provisioningState"] = json!("Deleting");
            c.pending = Some(Pending {
                final_state: if plan.succeeds() { "Deleting" } else { before },
                operation: "Delete",
                at: plan.done_at,
                remove: plan.succeeds(),
                failed: !plan.succeeds(),
                provisioning_state: plan
                    .ending
                    .as_ref()
                    .map_or("Succeeded", |e| e.provisioning_state()),
            });
            let mut r = empty_resp(202);
            let start = crate::lro::Start {
                req,
                subscription: sub,
                location: &ws.location,
                version: &version,
            };
            crate::lro::start(app, world, &start, &plan, &mut r);
            r
        }
        (Method::POST, ["computes", _, op]) => compute_action(
            app,
            world,
            req,
            sub,
            rg,
            ws_name,
            &ws.location,
            segs[1],
            op,
            &version,
        ),
        (Method::GET, ["datastores"]) => {
            let mut items = ws.datastores.clone();
            if let Some(flag) = req.q("isDefault") {
                let Ok(flag) = flag.to_ascii_lowercase().parse::<bool>() else {
                    return arm_error(400, "InvalidQueryParameterValue", &format!("The value '{flag}' of query parameter 'isDefault' is not a valid boolean."));
                };
                items.retain(|d| d["properties"]["isDefault"].as_bool() == Some(flag));
            }
            let names: Vec<&str> = req
                .query
                .iter()
                .filter(|(k, _)| k == "names")
                .map(|(_, v)| v.as_str())
                .collect();
            if !names.is_empty() {
                items.retain(|d| {
                    names.iter().any(|n| {
                        d["name"]
                            .as_str()
                            .is_some_and(|x| x.eq_ignore_ascii_case(n))
                    })
                });
            }
            if let Some(text) = req.q("searchText") {
                let text = text.to_ascii_lowercase();
                items.retain(|d| {
                    d["name"]
                        .as_str()
                        .is_some_and(|x| x.to_ascii_lowercase().contains(&text))
                });
            }
            let size = match req.q("count") {
                Some(c) => match c.parse::<usize>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        return arm_error(
                            400,
                            "InvalidQueryParameterValue",
                            &format!(
                            "The value '{c}' of query parameter 'count' is not a positive integer."
                        ),
                        )
                    }
                },
                None => page_size.max(1),
            };
            page(app, req, items, size)
        }
        (Method::GET, ["datastores", _]) => match ws.datastores.iter().find(|d| {
            d["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(segs[1]))
        }) {
            Some(d) => json_resp(200, d),
            None => not_found("datastores", segs[1]),
        },
        (Method::GET, ["environments"]) => {
            let view = req.q("listViewType").unwrap_or("ActiveOnly");
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
            page(
                app,
                req,
                ws.env_containers
                    .iter()
                    .filter(|v| keep(v))
                    .cloned()
                    .collect(),
                page_size,
            )
        }
        (Method::GET, ["environments", _]) => match ws.env_containers.iter().find(|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(segs[1]))
        }) {
            Some(c) => json_resp(200, c),
            None => not_found("environments", segs[1]),
        },
        (Method::GET, ["environments", _, "versions"]) => {
            if !ws.env_containers.iter().any(|c| {
                c["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(segs[1]))
            }) {
                return not_found("environments", segs[1]);
            }
            let mut items: Vec<Value> = ws
                .env_versions
                .iter()
                .filter(|v| v.container.eq_ignore_ascii_case(segs[1]))
                .map(|v| v.value.clone())
                .collect();
            items.reverse();
            if let Some(top) = req.q("$top") {
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
            page(app, req, items, page_size)
        }
        (Method::GET, ["environments", _, "versions", _]) => match ws
            .env_versions
            .iter()
            .find(|v| v.container.eq_ignore_ascii_case(segs[1]) && v.version == segs[3])
        {
            Some(v) => json_resp(200, &v.value),
            None => not_found("environments", &format!("{}/versions/{}", segs[1], segs[3])),
        },
        (Method::PUT, ["environments", _, "versions", _]) => {
            put_env_version(world, req, caller, sub, rg, ws_name, segs[1], segs[3])
        }
        (Method::GET, ["onlineendpoints"]) => page(app, req, ws.endpoints.clone(), page_size),
        (Method::GET, ["onlineendpoints", _]) => match ws.endpoints.iter().find(|e| {
            e["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(segs[1]))
        }) {
            Some(e) => json_resp(200, e),
            None => not_found("onlineEndpoints", segs[1]),
        },
        _ => unknown_route(req),
    }
}

fn valid_compute_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=24).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[b.len() - 1] != b'-'
}

fn create_compute(
    app: &App,
    world: &mut World,
    req: &Req,
    caller: &Caller,
    ws: &crate::state::Workspace,
    name: &str,
    version: &str,
) -> Resp {
    if !valid_compute_name(name) {
        return arm_error(400, "InvalidResourceName", &format!("Compute name '{name}' is invalid. It can include letters, digits and dashes. It must start with a letter, end with a letter or digit, and be between 3 and 24 characters in length."));
    }
    let body = match parse_json(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if !body.is_object() {
        return bad_content("the body must be a JSON object (ComputeResource).");
    }
    let props = &body["properties"];
    if !props.is_object() {
        return bad_content("'properties' is required and must be an object.");
    }
    let Some(compute_type) = props["computeType"].as_str() else {
        return bad_content("'properties.computeType' is required and must be a string.");
    };
    if compute_type != "ComputeInstance" {
        return arm_error(400, "BadRequest", &format!("computeType '{compute_type}' cannot be created here; only ComputeInstance is supported."));
    }
    if ws.compute(name).is_some() {
        return arm_error(409, "Conflict", &format!("Compute '{name}' already exists in workspace '{}'. Updating a compute instance is not supported; use the customServices operation to change its applications.", ws.name));
    }
    let ci = &props["properties"];
    if !ci.is_null() && !ci.is_object() {
        return bad_content("'properties.properties' must be an object.");
    }
    if let Some(vm) = ci.get("vmSize") {
        if !vm.is_string() {
            return bad_content("'properties.properties.vmSize' must be a string.");
        }
    }
    let services = match ci.get("customServices") {
        None | Some(Value::Null) => vec![],
        Some(v) => match validate_custom_services(v) {
            Ok(s) => s,
            Err(r) => return r,
        },
    };
    let assigned_oid = ci["personalComputeInstanceSettings"]["assignedUser"]["objectId"]
        .as_str()
        .unwrap_or(&caller.oid)
        .to_string();
    let Some(user) = world.user_by_oid(&assigned_oid).cloned() else {
        return arm_error(
            400,
            "BadRequest",
            &format!("The assigned user '{assigned_oid}' was not found in the directory."),
        );
    };
    let seed = crate::scenario::ComputeInstanceSeed {
        name: name.to_string(),
        assigned_to: user.user_name.clone(),
        state: Some("Creating".into()),
        vm_size: ci["vmSize"].as_str().map(str::to_string),
        custom_services: services,
        fail_runtime_start: false,
        runtime_failure: None,
    };
    let tenant = world
        .subscription(&ws.subscription_id)
        .map(|s| s.tenant_id.clone())
        .unwrap_or_default();
    let mut compute = match world.build_compute(ws, &seed, &tenant) {
        Ok(c) => c,
        Err(e) => return arm_error(400, "BadRequest", &e.to_string()),
    };
    let duration = world.scaled(180.0);
    let plan = crate::lro::Plan::new(world, duration);
    compute.value["properties"]["provisioningState"] = json!("Creating");
    compute.value["properties"]["description"] = body["properties"]["description"].clone();
    if compute.value["properties"]["description"].is_null() {
        compute.value["properties"]["description"] = json!("");
    }
    let ending = plan.ending.clone();
    match &ending {
        // Ended in the first answer: the resource is already Failed (or Canceled).
        Some(e) if plan.ends_at_once() => {
            compute.set_state("CreateFailed");
            compute.value["properties"]["provisioningState"] = json!(e.provisioning_state());
            compute.value["properties"]["provisioningErrors"] = json!([{"error": e.error_body()}]);
        }
        _ => {
            compute.pending = Some(Pending {
                final_state: if ending.is_none() {
                    "Running"
                } else {
                    "CreateFailed"
                },
                operation: "Create",
                at: plan.done_at,
                remove: false,
                failed: ending.is_some(),
                provisioning_state: ending
                    .as_ref()
                    .map_or("Succeeded", |e| e.provisioning_state()),
            })
        }
    }
    let value = compute.value.clone();
    world
        .workspace_mut(&ws.subscription_id, &ws.resource_group, &ws.name)
        .expect("exists")
        .computes
        .push(compute);
    let mut r = json_resp(201, &value);
    let start = crate::lro::Start {
        req,
        subscription: &ws.subscription_id,
        location: &ws.location,
        version,
    };
    crate::lro::start(app, world, &start, &plan, &mut r);
    r
}

/// Checks a `customServices` array against the CustomService schema's types.
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

#[allow(clippy::too_many_arguments)]
fn compute_action(
    app: &App,
    world: &mut World,
    req: &Req,
    sub: &str,
    rg: &str,
    ws_name: &str,
    location: &str,
    name: &str,
    op: &str,
    version: &str,
) -> Resp {
    if op == "customservices" && !custom_services_supported(version) {
        return arm_error(400, "NoRegisteredProviderFound", &format!("The operation customServices is not available in api-version '{version}'. Use 2024-04-01-preview (or a newer preview) or 2025-06-01 and later."));
    }
    let body = if op == "customservices" || op == "updateidleshutdownsetting" {
        match parse_json(req) {
            Ok(b) => Some(b),
            Err(r) => return r,
        }
    } else {
        None
    };
    let scaled = |secs: f64| world.scaled(secs);
    let (start_at, stop_at, restart_at) = (scaled(120.0), scaled(60.0), scaled(90.0));
    let apply_apps = scaled(10.0);
    let ws = world.workspace_mut(sub, rg, ws_name).expect("exists");
    let Some(c) = ws.compute_mut(name) else {
        return arm_error(404, "ResourceNotFound", &format!("The Resource '{MLS}/workspaces/{ws_name}/computes/{name}' under resource group '{rg}' was not found."));
    };
    if c.pending.is_some() {
        return arm_error(409, "Conflict", &format!("Compute instance '{name}' is busy ({}); try again when the current operation finishes.", c.state()));
    }
    let state = c.state().to_string();
    let (transient, final_state, operation, after, required): (
        &str,
        &'static str,
        &'static str,
        std::time::Duration,
        &[&str],
    ) = match op {
        "start" => ("Starting", "Running", "Start", start_at, &["Stopped"]),
        "stop" => ("Stopping", "Stopped", "Stop", stop_at, &["Running"]),
        "restart" => (
            "Restarting",
            "Running",
            "Restart",
            restart_at,
            &["Running", "Stopped"],
        ),
        "customservices" => {
            let services = match validate_custom_services(body.as_ref().expect("parsed")) {
                Ok(s) => s,
                Err(r) => return r,
            };
            c.set_custom_services(services);
            c.value["properties"]["modifiedOn"] = json!(now_rfc3339());
            // The swagger declares a plain 200; the instance still needs a moment to apply the
            // apps, so the answer also carries LRO headers that clients may follow.
            let mut r = empty_resp(200);
            let plan = crate::lro::Plan {
                done_at: Instant::now() + apply_apps,
                ending: None,
            };
            let start = crate::lro::Start {
                req,
                subscription: sub,
                location,
                version,
            };
            crate::lro::start(app, world, &start, &plan, &mut r);
            return r;
        }
        "updateidleshutdownsetting" => {
            let b = body.expect("parsed");
            let Some(idle) = b.get("idleTimeBeforeShutdown").and_then(Value::as_str) else {
                return bad_content(
                    "'idleTimeBeforeShutdown' is required and must be an ISO 8601 duration string.",
                );
            };
            c.value["properties"]["properties"]["idleTimeBeforeShutdown"] = json!(idle);
            return empty_resp(200);
        }
        _ => return unknown_route(req),
    };
    if !required.contains(&state.as_str()) {
        let code = match op {
            "start" => "StartComputeInstanceOnlyAllowedInStoppedState",
            "stop" => "StopComputeInstanceOnlyAllowedInRunningState",
            _ => "RestartComputeInstanceNotAllowedInCurrentState",
        };
        return arm_error(
            409,
            code,
            &format!("Cannot {op} compute instance '{name}' while it is {state}."),
        );
    }
    let plan = crate::lro::Plan::new(world, after);
    if let Some(r) = plan.synchronous_failure(world, req) {
        return r;
    }
    // An action that does not succeed leaves the instance as it was before.
    let final_state: &'static str = match (plan.succeeds(), op) {
        (true, _) => final_state,
        (false, "start") => "Stopped",
        (false, _) => "Running",
    };
    let c = world
        .workspace_mut(sub, rg, ws_name)
        .and_then(|w| w.compute_mut(name))
        .expect("checked");
    c.set_state(transient);
    c.value["properties"]["properties"]["lastOperation"] = json!({"operationName": operation, "operationTime": now_rfc3339(), "operationStatus": "InProgress", "operationTrigger": "User"});
    c.pending = Some(Pending {
        final_state,
        operation,
        at: plan.done_at,
        remove: false,
        failed: !plan.succeeds(),
        provisioning_state: "Succeeded",
    });
    let mut r = empty_resp(202);
    let start = crate::lro::Start {
        req,
        subscription: sub,
        location,
        version,
    };
    crate::lro::start(app, world, &start, &plan, &mut r);
    r
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
        });
        201
    };
    let container_id = format!("{}/environments/{env}", ws.id());
    let count = ws
        .env_versions
        .iter()
        .filter(|v| v.container.eq_ignore_ascii_case(env))
        .count();
    match ws.env_containers.iter_mut().find(|c| c["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(env))) {
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

fn authorization(
    app: &App,
    req: &Req,
    caller: &Caller,
    scope: &str,
    segs: &[&str],
    l: &[&str],
) -> Resp {
    let mut world = app.world();
    if let Some(sub) = scope
        .split('/')
        .nth(2)
        .filter(|_| scope.to_ascii_lowercase().starts_with("/subscriptions/"))
    {
        if let Err(r) = check_subscription(app, &world, caller, sub) {
            return r;
        }
    }
    let page_size = world.page_size;
    match (req.method.clone(), l) {
        (Method::GET, ["roledefinitions"]) => {
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
            page(app, req, roles, page_size.max(50))
        }
        (Method::GET, ["roledefinitions", _]) => {
            match role_by_name_or_id(segs[1]).filter(|r| r.id.eq_ignore_ascii_case(segs[1])) {
                Some(role) => json_resp(200, &role_definition_json(role, scope)),
                None => arm_error(
                    404,
                    "RoleDefinitionDoesNotExist",
                    &format!(
                        "The specified role definition with ID '{}' does not exist.",
                        segs[1]
                    ),
                ),
            }
        }
        (Method::GET, ["permissions"]) => {
            let value: Vec<Value> = world
                .effective_assignments(&caller.oid, scope)
                .iter()
                .filter_map(|ra| role_by_name_or_id(&ra.role_definition_guid))
                .map(permission_entry)
                .collect();
            json_resp(200, &json!({"value": value}))
        }
        (Method::GET, ["roleassignments"]) => {
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
            page(app, req, values, page_size)
        }
        (method, ["roleassignments", _]) => {
            let name = segs[1];
            if uuid::Uuid::parse_str(name).is_err() {
                return arm_error(400, "InvalidRoleAssignmentId", &format!("The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."));
            }
            match method {
                Method::GET => match world.role_assignments.iter().find(|ra| {
                    ra.name.eq_ignore_ascii_case(name) && ra.scope.eq_ignore_ascii_case(scope)
                }) {
                    Some(ra) => json_resp(200, &role_assignment_json(ra)),
                    None => arm_error(
                        404,
                        "RoleAssignmentNotFound",
                        &format!("The role assignment '{name}' is not found."),
                    ),
                },
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
        _ => unknown_route(req),
    }
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
