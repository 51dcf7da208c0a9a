//! `POST /{tenant}/oauth2/v2.0/token`: the checks every grant shares (form body, a known public
//! client, the tenant), then the grant's own module.

use super::grants::{authorization_code, device_code, refresh_token, Redeem};
use super::{aad_error, known_client, known_tenant};
use crate::http::{form_get, Req, Resp};
use crate::routing::Params;
use crate::App;
use axum::extract::State;
use std::sync::Arc;

pub async fn token(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    answer(&app, &p["tenant"], &req)
}

fn answer(app: &App, tenant: &str, req: &Req) -> Resp {
    let content_type = req.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return aad_error(
            app,
            400,
            "invalid_request",
            900144,
            "The request body must be application/x-www-form-urlencoded.",
        );
    }
    let form = req.form();
    let client_id = form_get(&form, "client_id")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut world = app.world();
    if client_id.is_empty() {
        return aad_error(
            app,
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    }
    if let Err(r) = known_client(app, &world, &client_id, tenant) {
        return r;
    }
    if form_get(&form, "client_secret").is_some() {
        return aad_error(app, 401, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }
    let tenant_ref = match known_tenant(app, &world, tenant) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let call = Redeem {
        app,
        form: &form,
        client_id: &client_id,
        tenant_ref,
    };
    match form_get(&form, "grant_type").unwrap_or_default() {
        "authorization_code" => authorization_code::redeem(&call, &mut world),
        "refresh_token" => refresh_token::redeem(&call, &mut world),
        "urn:ietf:params:oauth:grant-type:device_code" => device_code::redeem(&call, &mut world),
        "" => aad_error(
            app,
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
        ),
        other => aad_error(
            app,
            400,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}
