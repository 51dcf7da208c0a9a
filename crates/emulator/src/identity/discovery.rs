//! Discovery: OpenID configuration, signing keys (JWKS), instance discovery, sign-out page.

use super::pages::html_page;
use super::{aad_error, resolve_tenant, TenantRef};
use crate::http::{json_resp, text_resp, Req, Resp};
use crate::routing::Params;
use crate::App;
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;

pub async fn openid(State(app): State<Arc<App>>, p: Params) -> Resp {
    openid_configuration(&app, &p["tenant"])
}

pub async fn keys(State(app): State<Arc<App>>) -> Resp {
    json_resp(
        200,
        &app.signer
            .jwks(&format!("{}/{{tenantid}}/v2.0", app.info.authority_host)),
    )
}

pub async fn instance(State(app): State<Arc<App>>, req: Req) -> Resp {
    instance_discovery(&app, &req)
}

pub async fn logout() -> Resp {
    text_resp(
        200,
        "text/html; charset=utf-8",
        html_page("Signed out", "<h1>You signed out of your account</h1>"),
    )
}

fn openid_configuration(app: &App, tenant: &str) -> Resp {
    let world = app.world();
    let tenant_ref = resolve_tenant(&world, tenant);
    let Some(tenant_ref) = tenant_ref else {
        return aad_error(app, 400, "invalid_tenant", 90002, &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."));
    };
    let a = &app.info.authority_host;
    let issuer = match tenant_ref {
        TenantRef::Any => format!("{a}/{{tenantid}}/v2.0"),
        TenantRef::Specific(t) => format!("{a}/{t}/v2.0"),
    };
    json_resp(
        200,
        &json!({
            "token_endpoint": format!("{a}/{tenant}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{a}/{tenant}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": issuer,
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": format!("{}/oidc/userinfo", app.info.graph_endpoint),
            "authorization_endpoint": format!("{a}/{tenant}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{a}/{tenant}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{a}/{tenant}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email", "oid"],
            "code_challenge_methods_supported": ["S256"],
            "tenant_region_scope": "NA",
            "cloud_instance_name": "pfrm-emulator",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": app.info.graph_endpoint.trim_start_matches("https://"),
        }),
    )
}

fn instance_discovery(app: &App, req: &Req) -> Resp {
    let a = &app.info.authority_host;
    let host = a.trim_start_matches("https://");
    let endpoint = req.q("authorization_endpoint").unwrap_or_default();
    let tenant = endpoint
        .trim_start_matches(a.as_str())
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("common")
        .to_string();
    json_resp(
        200,
        &json!({
            "tenant_discovery_endpoint": format!("{a}/{tenant}/v2.0/.well-known/openid-configuration"),
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}]
        }),
    )
}
