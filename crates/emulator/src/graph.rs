//! Microsoft Graph v1.0: the signed-in user and user lookup by id, UPN or mail.

use crate::http::{json_resp, set_header, Req, Resp};
use crate::identity::{validate_bearer, BearerError, GRAPH_AUDIENCE};
use crate::routing::{self, Case, Params};
use crate::state::User;
use crate::App;
use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};
use hyper::http::Extensions;
use serde_json::{json, Value};
use std::sync::Arc;

fn graph_error(status: u16, code: &str, message: &str, req: &Req) -> Resp {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut r = json_resp(
        status,
        &json!({"error": {"code": code, "message": message, "innerError": {
            "date": crate::state::now_rfc3339(), "request-id": request_id,
            "client-request-id": req.header("client-request-id").unwrap_or(&request_id)
        }}}),
    );
    set_header(&mut r, "request-id", &request_id);
    r
}

fn user_json(u: &User, base: &str) -> Value {
    json!({
        "@odata.context": format!("{base}/v1.0/$metadata#users/$entity"),
        "businessPhones": [], "displayName": u.display_name, "givenName": u.given_name,
        "jobTitle": u.job_title, "mail": u.mail, "mobilePhone": null, "officeLocation": null,
        "preferredLanguage": "en-US", "surname": u.surname, "userPrincipalName": u.user_name, "id": u.object_id
    })
}

fn select(mut v: Value, req: &Req) -> Value {
    if let Some(sel) = req.q("$select") {
        let keep: Vec<String> = sel.split(',').map(|s| s.trim().to_string()).collect();
        if let Some(obj) = v.as_object_mut() {
            obj.retain(|k, _| {
                k.starts_with("@odata") || keep.iter().any(|s| s.eq_ignore_ascii_case(k))
            });
        }
    }
    v
}

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/v1.0/me", get(me))
        .route("/v1.0/users/{key}", get(user))
        .route("/v1.0/users", get(users))
        .fallback(bad_request)
}

/// The caller's tenant and object id, from the token.
#[derive(Clone)]
struct Caller {
    tid: String,
    oid: String,
}

/// The token first, then the method (Graph's resources here are read-only), then the route.
pub async fn handle(app: &App, router: &Router, req: Req) -> Resp {
    let claims = match validate_bearer(
        app,
        &req,
        &[
            GRAPH_AUDIENCE,
            "https://graph.microsoft.com/",
            "00000003-0000-0000-c000-000000000000",
        ],
    ) {
        Ok(c) => c,
        Err(e) => {
            let (code, msg) = match e {
                BearerError::Missing => (
                    "InvalidAuthenticationToken",
                    "Access token is empty.".to_string(),
                ),
                BearerError::Expired => (
                    "InvalidAuthenticationToken",
                    "Lifetime validation failed, the token is expired.".to_string(),
                ),
                BearerError::Invalid(m) => (
                    "InvalidAuthenticationToken",
                    format!("Access token validation failure: {m}."),
                ),
                BearerError::Audience(a) => (
                    "InvalidAuthenticationToken",
                    format!("Access token validation failure. Invalid audience '{a}'."),
                ),
            };
            let mut r = graph_error(401, code, &msg, &req);
            set_header(&mut r, "WWW-Authenticate", &format!("Bearer realm=\"\", authorization_uri=\"{}/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"", app.info.authority_host));
            return r;
        }
    };
    let caller = Caller {
        tid: claims["tid"].as_str().unwrap_or_default().to_string(),
        oid: claims["oid"].as_str().unwrap_or_default().to_string(),
    };
    if req.method != hyper::Method::GET {
        return graph_error(
            405,
            "Request_BadRequest",
            "Only GET is supported on this resource.",
            &req,
        );
    }
    let mut extensions = Extensions::new();
    extensions.insert(caller);
    let segments = routing::segments(&req.path);
    routing::call(router, req, segments, Case::Sensitive, extensions).await
}

async fn bad_request(req: Req) -> Resp {
    graph_error(
        400,
        "Request_BadRequest",
        &format!("Invalid request: {}", req.path),
        &req,
    )
}

async fn me(State(app): State<Arc<App>>, Extension(caller): Extension<Caller>, req: Req) -> Resp {
    let base = &app.info.graph_endpoint;
    let oid = &caller.oid;
    match app.world().user_by_oid(oid) {
        Some(u) => json_resp(200, &select(user_json(u, base), &req)),
        None => graph_error(404, "Request_ResourceNotFound", &format!("Resource '{oid}' does not exist or one of its queried reference-property objects are not present."), &req),
    }
}

async fn user(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    p: Params,
    req: Req,
) -> Resp {
    let base = &app.info.graph_endpoint;
    let key = &p["key"];
    let world = app.world();
    let found = world.users.iter().find(|u| {
        u.in_tenant(&caller.tid)
            && (u.object_id.eq_ignore_ascii_case(key) || u.user_name.eq_ignore_ascii_case(key))
    });
    match found {
        Some(u) => json_resp(200, &select(user_json(u, base), &req)),
        None => graph_error(404, "Request_ResourceNotFound", &format!("Resource '{key}' does not exist or one of its queried reference-property objects are not present."), &req),
    }
}

async fn users(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    req: Req,
) -> Resp {
    let base = app.info.graph_endpoint.clone();
    let tid = caller.tid;
    let world = app.world();
    let filter = req.q("$filter").unwrap_or_default().trim().to_string();
    let mut users: Vec<&User> = world.users.iter().filter(|u| u.in_tenant(&tid)).collect();
    if !filter.is_empty() {
        let parse = |prefix: &str| {
            filter
                .strip_prefix(prefix)
                .and_then(|s| s.strip_suffix('\''))
                .map(|s| s.replace("''", "'"))
        };
        if let Some(mail) = parse("mail eq '") {
            users.retain(|u| {
                u.mail
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(&mail))
            });
        } else if let Some(upn) = parse("userPrincipalName eq '") {
            users.retain(|u| u.user_name.eq_ignore_ascii_case(&upn));
        } else if let Some(mail) = filter
            .strip_prefix("otherMails/any(m:m eq '")
            .and_then(|s| s.strip_suffix("')"))
        {
            let _ = mail;
            users.clear();
        } else {
            return graph_error(
                400,
                "Request_UnsupportedQuery",
                &format!("Unsupported query: {filter}"),
                &req,
            );
        }
    }
    let value: Vec<Value> = users
        .iter()
        .map(|u| {
            let mut v = select(user_json(u, &base), &req);
            if let Some(o) = v.as_object_mut() {
                o.remove("@odata.context");
            }
            v
        })
        .collect();
    json_resp(
        200,
        &json!({"@odata.context": format!("{base}/v1.0/$metadata#users"), "value": value}),
    )
}
