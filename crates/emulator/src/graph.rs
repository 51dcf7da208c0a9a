//! Microsoft Graph v1.0: the signed-in user and user lookup by id, UPN or mail.

use crate::http::{json_resp, set_header, Req, Resp};
use crate::identity::{validate_bearer, BearerError, GRAPH_AUDIENCE};
use crate::state::User;
use crate::App;
use serde_json::{json, Value};

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

pub fn answer(app: &App, req: Req) -> Resp {
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
    let tid = claims["tid"].as_str().unwrap_or_default().to_string();
    let oid = claims["oid"].as_str().unwrap_or_default().to_string();
    let base = app.info.graph_endpoint.clone();
    let world = app.world();
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    if req.method != hyper::Method::GET {
        return graph_error(
            405,
            "Request_BadRequest",
            "Only GET is supported on this resource.",
            &req,
        );
    }
    match segs.as_slice() {
        ["v1.0", "me"] => match world.user_by_oid(&oid) {
            Some(u) => json_resp(200, &select(user_json(u, &base), &req)),
            None => graph_error(404, "Request_ResourceNotFound", &format!("Resource '{oid}' does not exist or one of its queried reference-property objects are not present."), &req),
        },
        ["v1.0", "users", key] => {
            let key = key.to_string();
            let found = world.users.iter().find(|u| u.in_tenant(&tid) && (u.object_id.eq_ignore_ascii_case(&key) || u.user_name.eq_ignore_ascii_case(&key)));
            match found {
                Some(u) => json_resp(200, &select(user_json(u, &base), &req)),
                None => graph_error(404, "Request_ResourceNotFound", &format!("Resource '{key}' does not exist or one of its queried reference-property objects are not present."), &req),
            }
        }
        ["v1.0", "users"] => {
            let filter = req.q("$filter").unwrap_or_default().trim().to_string();
            let mut users: Vec<&User> = world.users.iter().filter(|u| u.in_tenant(&tid)).collect();
            if !filter.is_empty() {
                let parse = |prefix: &str| filter.strip_prefix(prefix).and_then(|s| s.strip_suffix('\'')).map(|s| s.replace("''", "'"));
                if let Some(mail) = parse("mail eq '") {
                    users.retain(|u| u.mail.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(&mail)));
                } else if let Some(upn) = parse("userPrincipalName eq '") {
                    users.retain(|u| u.user_name.eq_ignore_ascii_case(&upn));
                } else if let Some(mail) = filter.strip_prefix("otherMails/any(m:m eq '").and_then(|s| s.strip_suffix("')")) {
                    let _ = mail;
                    users.clear();
                } else {
                    return graph_error(400, "Request_UnsupportedQuery", &format!("Unsupported query: {filter}"), &req);
                }
            }
            let value: Vec<Value> = users.iter().map(|u| {
                let mut v = select(user_json(u, &base), &req);
                if let Some(o) = v.as_object_mut() { o.remove("@odata.context"); }
                v
            }).collect();
            json_resp(200, &json!({"@odata.context": format!("{base}/v1.0/$metadata#users"), "value": value}))
        }
        _ => graph_error(400, "Request_BadRequest", &format!("Invalid request: {}", req.path), &req),
    }
}

/// The service's routes.
pub fn router() -> axum::Router<std::sync::Arc<App>> {
    axum::Router::new().fallback(
        |axum::extract::State(app): axum::extract::State<std::sync::Arc<App>>, req: Req| async move {
            answer(&app, req)
        },
    )
}

pub async fn handle(router: &axum::Router, req: Req) -> Resp {
    let segments = crate::routing::segments(&req.path);
    crate::routing::call(
        router,
        req,
        segments,
        crate::routing::Case::Sensitive,
        Default::default(),
    )
    .await
}
