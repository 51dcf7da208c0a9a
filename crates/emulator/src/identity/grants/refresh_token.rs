//! The refresh token grant: refresh tokens rotate (the one redeemed is dead afterwards) and
//! redeem any known resource in the tenants the user belongs to.

use super::super::tokens::{respond_tokens, TokenFor};
use super::super::TenantRef;
use super::Redeem;
use crate::http::Resp;
use crate::state::World;
use std::time::Instant;

pub fn redeem(call: &Redeem, world: &mut World) -> Resp {
    let rt = call.field("refresh_token").unwrap_or_default().to_string();
    if let Some(reason) = world.auth.dead_refresh.get(&rt).copied() {
        return if reason == "revoked" {
            call.invalid_grant(50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.")
        } else {
            call.invalid_grant(70000, "The provided grant is invalid or malformed: the refresh token was already used (refresh tokens rotate).")
        };
    }
    let Some(grant) = world.auth.refresh.get(&rt).cloned() else {
        return call.invalid_grant(
            9002313,
            "Invalid request. Request is malformed or invalid: unknown refresh token.",
        );
    };
    if grant.expires < Instant::now() {
        return call.invalid_grant(700082, "The refresh token has expired due to inactivity.");
    }
    if let Err(r) = call.issued_to_caller(&grant.client_id, "The refresh token") {
        return r;
    }
    let user = match call.user(world, &grant.user_object_id) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let tenant_id = match &call.tenant_ref {
        TenantRef::Specific(t) => {
            if !user.in_tenant(t) {
                return call.invalid_grant(
                    50020,
                    &format!(
                        "User account '{}' from identity provider does not exist in tenant '{t}'.",
                        user.user_name
                    ),
                );
            }
            t.clone()
        }
        TenantRef::Any => grant.tenant_id.clone(),
    };
    let mut scope = call
        .field("scope")
        .map(str::to_string)
        .unwrap_or(grant.scope.clone());
    if !scope
        .split_whitespace()
        .any(|w| w.eq_ignore_ascii_case("offline_access"))
    {
        scope.push_str(" offline_access");
    }
    let token = TokenFor {
        user: &user,
        tenant_id: &tenant_id,
        client_id: call.client_id,
        scope: &scope,
        nonce: None,
    };
    let resp = respond_tokens(call.app, world, &token);
    if resp.status() == 200 {
        world.auth.refresh.remove(&rt);
        world.auth.dead_refresh.insert(rt, "rotated");
    }
    resp
}
