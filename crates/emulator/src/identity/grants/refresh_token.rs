//! The refresh token grant: refresh tokens rotate (the one redeemed is dead afterwards) and
//! redeem any known resource in the tenants the user belongs to.

use super::super::tokens::respond_tokens;
use super::super::{aad_error, TenantRef};
use crate::http::{form_get, Resp};
use crate::state::World;
use crate::App;
use std::time::Instant;

pub fn redeem(
    app: &App,
    world: &mut World,
    form: &[(String, String)],
    client_id: &str,
    tenant_ref: TenantRef,
) -> Resp {
    let rt = form_get(form, "refresh_token")
        .unwrap_or_default()
        .to_string();
    if let Some(reason) = world.auth.dead_refresh.get(&rt).copied() {
        return if reason == "revoked" {
            aad_error(app, 400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.")
        } else {
            aad_error(app, 400, "invalid_grant", 70000, "The provided grant is invalid or malformed: the refresh token was already used (refresh tokens rotate).")
        };
    }
    let Some(grant) = world.auth.refresh.get(&rt).cloned() else {
        return aad_error(
            app,
            400,
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid: unknown refresh token.",
        );
    };
    if grant.expires < Instant::now() {
        return aad_error(
            app,
            400,
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity.",
        );
    }
    if grant.client_id != client_id {
        return aad_error(
            app,
            400,
            "invalid_grant",
            70000,
            "The refresh token was issued to another client.",
        );
    }
    let Some(user) = world.user_by_oid(&grant.user_object_id).cloned() else {
        return aad_error(
            app,
            400,
            "invalid_grant",
            50034,
            "The user account does not exist.",
        );
    };
    let tenant_id = match tenant_ref {
        TenantRef::Specific(t) => {
            if !user.in_tenant(&t) {
                return aad_error(
                    app,
                    400,
                    "invalid_grant",
                    50020,
                    &format!(
                        "User account '{}' from identity provider does not exist in tenant '{t}'.",
                        user.user_name
                    ),
                );
            }
            t
        }
        TenantRef::Any => grant.tenant_id.clone(),
    };
    let mut scope = form_get(form, "scope")
        .map(str::to_string)
        .unwrap_or(grant.scope.clone());
    if !scope
        .split_whitespace()
        .any(|w| w.eq_ignore_ascii_case("offline_access"))
    {
        scope.push_str(" offline_access");
    }
    let resp = respond_tokens(app, world, &user, &tenant_id, client_id, &scope, None);
    if resp.status() == 200 {
        world.auth.refresh.remove(&rt);
        world.auth.dead_refresh.insert(rt, "rotated");
    }
    resp
}
