//! The device code grant's polling: pending, too fast, expired, declined, then tokens.

use super::super::tokens::{respond_tokens, TokenFor};
use super::super::{aad_error, resolve_tenant, TenantRef};
use super::Redeem;
use crate::http::Resp;
use crate::state::{DeviceState, World};
use std::time::Instant;

pub fn redeem(call: &Redeem, world: &mut World) -> Resp {
    let app = call.app;
    let code = call
        .field("device_code")
        .or_else(|| call.field("code"))
        .unwrap_or_default()
        .to_string();
    let scaled_interval = {
        let w = &world;
        w.scaled(w.device_code_interval as f64)
    };
    let Some(grant) = world.auth.devices.get_mut(&code) else {
        return aad_error(
            app,
            400,
            "bad_verification_code",
            70019,
            "Verification code is unknown.",
        );
    };
    let now = Instant::now();
    if let Err(r) = call.issued_to_caller(&grant.client_id, "The device code") {
        return r;
    }
    if grant.expires < now {
        return aad_error(app, 400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. Device code expired.");
    }
    let too_fast = grant
        .last_poll
        .is_some_and(|t| now.duration_since(t) < scaled_interval.min(grant.interval));
    grant.last_poll = Some(now);
    match grant.state.clone() {
        DeviceState::Pending if too_fast => aad_error(
            app,
            400,
            "slow_down",
            70016,
            "Polling too fast: wait the announced interval between requests.",
        ),
        DeviceState::Pending => aad_error(
            app,
            400,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        DeviceState::Denied => {
            world.auth.devices.remove(&code);
            aad_error(
                app,
                400,
                "access_denied",
                70000,
                "The user declined the sign-in request.",
            )
        }
        DeviceState::Approved { user_object_id } => {
            let grant = world.auth.devices.remove(&code).expect("present");
            let user = match call.user(world, &user_object_id) {
                Ok(u) => u,
                Err(r) => return r,
            };
            let tenant_id = match resolve_tenant(world, &grant.tenant) {
                Some(TenantRef::Specific(t)) => t,
                _ => user.tenant_id.clone(),
            };
            let token = TokenFor {
                user: &user,
                tenant_id: &tenant_id,
                client_id: call.client_id,
                scope: &grant.scope,
                nonce: None,
            };
            respond_tokens(app, world, &token)
        }
    }
}
