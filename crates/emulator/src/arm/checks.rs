//! What every ARM answer shares: the error envelope, bearer and api-version checks, RBAC,
//! the subscription's tenant, JSON bodies and paging.

use super::Caller;
use crate::http::{json_resp, set_header, Req, Resp};
use crate::identity::BearerError;
use crate::state::{now_rfc3339, World};
use crate::App;
use serde_json::{json, Value};

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

pub fn arm_error(status: u16, code: &str, message: &str) -> Resp {
    json_resp(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

pub fn bad_content(message: &str) -> Resp {
    arm_error(
        400,
        "InvalidRequestContent",
        &format!("The request content was invalid and could not be deserialized: {message}"),
    )
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

pub fn check_version(req: &Req, allowed: &[&str], what: &str) -> Result<String, Resp> {
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

pub fn forbidden(caller: &Caller, action: &str, scope: &str) -> Resp {
    arm_error(403, "AuthorizationFailed", &format!("The client '{}' with object id '{}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.", caller.upn, caller.oid))
}

pub fn authorize(world: &World, caller: &Caller, scope: &str, action: &str) -> Result<(), Resp> {
    if world.is_allowed(&caller.oid, scope, action) {
        Ok(())
    } else {
        Err(forbidden(caller, action, scope))
    }
}

pub fn check_subscription(
    app: &App,
    world: &World,
    caller: &Caller,
    sub: &str,
) -> Result<(), Resp> {
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

pub fn parse_json(req: &Req) -> Result<Value, Resp> {
    if req.body_too_large {
        return Err(arm_error(
            413,
            "RequestEntityTooLarge",
            &format!(
                "The request content size exceeds the maximum of {} bytes.",
                crate::http::MAX_BODY
            ),
        ));
    }
    if req.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad_content("the request content was empty."));
    }
    serde_json::from_slice(&req.body).map_err(|e| bad_content(&format!("'{e}'.")))
}

/// Pages `items` with an opaque `$skipToken` (accepting `$skip` too).
pub fn page(app: &App, req: &Req, items: Vec<Value>, size: usize) -> Resp {
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

pub fn unknown_route(req: &Req) -> Resp {
    arm_error(
        404,
        "InvalidResourceType",
        &format!(
            "The resource type could not be found for {} {}.",
            req.method, req.path
        ),
    )
}
