//! Minting tokens: RS256 access tokens for the scope's resource, an ID token when `openid` is
//! asked, a refresh token when `offline_access` is.

use super::scopes::resolve_scope;
use super::{aad_error, random_token, unix_now};
use crate::http::{json_resp, set_header, Resp};
use crate::state::{RefreshGrant, User, World};
use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Whom a token response is for: the user, in a tenant, through a client, for a scope (and
/// the sign-in's nonce, echoed in the ID token).
pub struct TokenFor<'a> {
    pub user: &'a User,
    pub tenant_id: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    pub nonce: Option<&'a str>,
}

/// Mints an access token (and the other parts of a token response) for `user`.
pub fn issue_tokens(
    app: &App,
    world: &mut World,
    token: &TokenFor,
) -> Result<Value, (String, u32, String)> {
    let TokenFor {
        user,
        tenant_id,
        client_id,
        scope,
        nonce,
    } = *token;
    let grant =
        resolve_scope(scope, tenant_id).map_err(|e| (e.error.to_string(), e.code, e.message))?;
    let now = unix_now();
    let lifetime = world.token_lifetime.as_secs().max(1);
    let iss = format!("{}/{tenant_id}/v2.0", app.info.authority_host);
    let sub = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_OID,
        format!("{}|{client_id}", user.object_id).as_bytes(),
    )
    .to_string();
    let access = json!({
        "aud": grant.audience,
        "iss": iss,
        "iat": now, "nbf": now, "exp": now + lifetime,
        "tid": tenant_id,
        "oid": user.object_id,
        "sub": sub,
        "scp": grant.scp,
        "name": user.display_name,
        "preferred_username": user.user_name,
        "upn": user.user_name,
        "unique_name": user.user_name,
        "appid": client_id,
        "azp": client_id,
        "idtyp": "user",
        "ver": "2.0",
        "uti": random_token(16),
    });
    let mut response = json!({
        "token_type": "Bearer",
        "scope": grant.granted,
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": app.signer.sign(&access),
        "client_info": URL_SAFE_NO_PAD.encode(json!({"uid": user.object_id, "utid": tenant_id}).to_string()),
    });
    if grant.openid {
        let mut id = json!({
            "aud": client_id, "iss": iss, "iat": now, "nbf": now, "exp": now + 3600,
            "name": user.display_name, "preferred_username": user.user_name,
            "oid": user.object_id, "tid": tenant_id, "sub": sub, "ver": "2.0",
        });
        if let Some(n) = nonce {
            id["nonce"] = json!(n);
        }
        response["id_token"] = json!(app.signer.sign(&id));
    }
    if grant.offline {
        let rt = format!("0.emu.{}", random_token(48));
        world.auth.refresh.insert(
            rt.clone(),
            RefreshGrant {
                client_id: client_id.to_string(),
                user_object_id: user.object_id.clone(),
                tenant_id: tenant_id.to_string(),
                scope: scope.to_string(),
                expires: Instant::now() + Duration::from_secs(90 * 24 * 3600),
            },
        );
        response["refresh_token"] = json!(rt);
    }
    Ok(response)
}

pub fn respond_tokens(app: &App, world: &mut World, token: &TokenFor) -> Resp {
    match issue_tokens(app, world, token) {
        Ok(v) => {
            let mut r = json_resp(200, &v);
            set_header(&mut r, "Cache-Control", "no-store, no-cache");
            r
        }
        Err((error, code, message)) => aad_error(app, 400, &error, code, &message),
    }
}
