//! Microsoft identity platform v2.0: authorization code + PKCE with a real sign-in page,
//! refresh tokens that rotate, device code, discovery and JWKS. One module per endpoint family
//! and per grant type.

mod bearer;
mod device_code;
mod discovery;
mod grants;
mod pages;
mod scopes;
mod sign_in;
mod token;
mod tokens;

pub use bearer::{validate_bearer, validate_token, BearerError, ARM_AUDIENCES, GRAPH_AUDIENCE};
pub use device_code::decide_device_code;
pub use tokens::{issue_tokens, TokenFor};

use crate::http::{json_resp, Req, Resp};
use crate::routing::{self, Case};
use crate::state::World;
use crate::App;
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid),
        )
        .route("/discovery/v2.0/keys", get(discovery::keys))
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::keys))
        .route("/common/discovery/instance", get(discovery::instance))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(sign_in::authorize_page),
        )
        .route("/{tenant}/login", post(sign_in::login_form))
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device_code::start))
        .route(
            "/devicelogin",
            get(device_code::page).post(device_code::decide),
        )
        .route(
            "/{tenant}/devicelogin",
            get(device_code::page).post(device_code::decide),
        )
        .route("/{tenant}/oauth2/v2.0/logout", get(discovery::logout))
        .method_not_allowed_fallback(unknown)
        .fallback(unknown)
}

pub async fn handle(router: &Router, req: Req) -> Resp {
    let segments = routing::segments(&req.path);
    routing::call(router, req, segments, Case::Sensitive, Default::default()).await
}

async fn unknown(axum::extract::State(app): axum::extract::State<Arc<App>>, req: Req) -> Resp {
    aad_error(
        &app,
        404,
        "invalid_request",
        90027,
        &format!(
            "The endpoint {} {} does not exist on this authority.",
            req.method, req.path
        ),
    )
}

pub fn random_token(bytes: usize) -> String {
    let data: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    URL_SAFE_NO_PAD.encode(data)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An AADSTS error: `{error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri}`.
pub fn aad_error(app: &App, status: u16, error: &str, code: u32, description: &str) -> Resp {
    let trace = uuid::Uuid::new_v4().to_string();
    let correlation = uuid::Uuid::new_v4().to_string();
    let ts = crate::state::now_rfc3339();
    json_resp(
        status,
        &json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {ts}"),
            "error_codes": [code],
            "timestamp": ts,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": format!("{}/error?code={code}", app.info.authority_host),
        }),
    )
}

/// The `unauthorized_client` error unless `client_id` is a registered application.
fn known_client(app: &App, world: &World, client_id: &str, tenant: &str) -> Result<(), Resp> {
    if world.clients.contains_key(client_id) {
        return Ok(());
    }
    Err(aad_error(
        app,
        400,
        "unauthorized_client",
        700016,
        &format!(
            "Application with identifier '{client_id}' was not found in the directory '{tenant}'."
        ),
    ))
}

/// The tenant named in the path, or the `invalid_request` error for one that does not exist.
fn known_tenant(app: &App, world: &World, tenant: &str) -> Result<TenantRef, Resp> {
    resolve_tenant(world, tenant).ok_or_else(|| {
        aad_error(
            app,
            400,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        )
    })
}

pub enum TenantRef {
    Any,
    Specific(String),
}

pub fn resolve_tenant(world: &World, segment: &str) -> Option<TenantRef> {
    match segment.to_ascii_lowercase().as_str() {
        "common" | "organizations" => Some(TenantRef::Any),
        _ => world
            .tenants
            .iter()
            .find(|t| {
                t.tenant_id.eq_ignore_ascii_case(segment)
                    || t.default_domain.eq_ignore_ascii_case(segment)
            })
            .map(|t| TenantRef::Specific(t.tenant_id.clone())),
    }
}
