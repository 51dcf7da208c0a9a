//! The authorization code grant: a code from the sign-in page, single use, redeemed by the same
//! client at the same redirect URI with the PKCE verifier.

use super::super::tokens::{respond_tokens, TokenFor};
use super::Redeem;
use crate::http::Resp;
use crate::state::World;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::time::Instant;

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

pub fn redeem(call: &Redeem, world: &mut World) -> Resp {
    let code = call.field("code").unwrap_or_default().to_string();
    if world.auth.redeemed_codes.contains(&code) {
        return call.invalid_grant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    }
    let Some(grant) = world.auth.codes.remove(&code) else {
        return call.invalid_grant(
            9002313,
            "Invalid request. Request is malformed or invalid: the authorization code is unknown.",
        );
    };
    world.auth.redeemed_codes.insert(code);
    if grant.expires < Instant::now() {
        return call.invalid_grant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    }
    if let Err(r) = call.issued_to_caller(&grant.client_id, "The provided authorization code") {
        return r;
    }
    if call.field("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return call.invalid_grant(500112, "The reply address does not match the reply address provided when requesting Authorization code.");
    }
    let verifier = call.field("code_verifier").unwrap_or_default();
    if verifier.is_empty() || s256(verifier) != grant.code_challenge {
        return call.invalid_grant(50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
    }
    let scope = call
        .field("scope")
        .map(str::to_string)
        .unwrap_or(grant.scope.clone());
    let user = match call.user(world, &grant.user_object_id) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let token = TokenFor {
        user: &user,
        tenant_id: &grant.tenant_id,
        client_id: call.client_id,
        scope: &scope,
        nonce: grant.nonce.as_deref(),
    };
    respond_tokens(call.app, world, &token)
}
