//! `POST /{tenant}/oauth2/v2.0/token`: the checks every grant shares (form body, a known public
//! client, the tenant), then the grant's own module.

use super::grants::{authorization_code, device_code, refresh_token};
use super::{aad_error, resolve_tenant};
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
    if !world.clients.contains_key(&client_id) {
        return aad_error(app, 400, "unauthorized_client", 700016, &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."));
    }
    if form_get(&form, "client_secret").is_some() {
        return aad_error(app, 401, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }
    let tenant_ref = match resolve_tenant(&world, tenant) {
        Some(t) => t,
        None => {
            return aad_error(
                app,
                400,
                "invalid_request",
                90002,
                &format!("Tenant '{tenant}' not found."),
            )
        }
    };
    let grant_type = form_get(&form, "grant_type").unwrap_or_default();
    match grant_type {
        "authorization_code" => {
            authorization_code::redeem(app, &mut world, &form, &client_id, tenant_ref)
        }
        "refresh_token" => refresh_token::redeem(app, &mut world, &form, &client_id, tenant_ref),
        "urn:ietf:params:oauth:grant-type:device_code" => {
            device_code::redeem(app, &mut world, &form, &client_id, tenant_ref)
        }
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
