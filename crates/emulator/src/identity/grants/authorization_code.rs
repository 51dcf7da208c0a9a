//! The authorization code grant: a code from the sign-in page, single use, redeemed by the same
//! client at the same redirect URI with the PKCE verifier.

use super::super::tokens::respond_tokens;
use super::super::{aad_error, TenantRef};
use crate::http::{form_get, Resp};
use crate::state::World;
use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::time::Instant;

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

pub fn redeem(
    app: &App,
    world: &mut World,
    form: &[(String, String)],
    client_id: &str,
    _tenant_ref: TenantRef,
) -> Resp {
    let code = form_get(form, "code").unwrap_or_default().to_string();
    if world.auth.redeemed_codes.contains(&code) {
        return aad_error(app, 400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    }
    let Some(grant) = world.auth.codes.remove(&code) else {
        return aad_error(
            app,
            400,
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid: the authorization code is unknown.",
        );
    };
    world.auth.redeemed_codes.insert(code);
    if grant.expires < Instant::now() {
        return aad_error(app, 400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    }
    if grant.client_id != client_id {
        return aad_error(
            app,
            400,
            "invalid_grant",
            70000,
            "The provided authorization code was issued to another client.",
        );
    }
    if form_get(form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return aad_error(app, 400, "invalid_grant", 500112, "The reply address does not match the reply address provided when requesting Authorization code.");
    }
    let verifier = form_get(form, "code_verifier").unwrap_or_default();
    if verifier.is_empty() || s256(verifier) != grant.code_challenge {
        return aad_error(app, 400, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
    }
    let scope = form_get(form, "scope")
        .map(str::to_string)
        .unwrap_or(grant.scope.clone());
    let Some(user) = world.user_by_oid(&grant.user_object_id).cloned() else {
        return aad_error(
            app,
            400,
            "invalid_grant",
            50034,
            "The user account does not exist.",
        );
    };
    respond_tokens(
        app,
        world,
        &user,
        &grant.tenant_id,
        client_id,
        &scope,
        grant.nonce.as_deref(),
    )
}
