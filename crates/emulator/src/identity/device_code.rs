//! The device code flow's front half: `devicecode` hands out a code, and the `devicelogin` page
//! (or the control API) approves or denies it. Polling is the device code grant.

use super::pages::{device_page, html_page};
use super::scopes::resolve_scope;
use super::{aad_error, known_client, known_tenant, random_token};
use crate::http::{form_get, json_resp, text_resp, Req, Resp};
use crate::routing::Params;
use crate::state::{DeviceGrant, DeviceState, World};
use crate::App;
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

pub async fn start(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    device_code(&app, &p["tenant"], &req)
}

pub async fn page() -> Resp {
    text_resp(200, "text/html; charset=utf-8", device_page(None, ""))
}

pub async fn decide(State(app): State<Arc<App>>, req: Req) -> Resp {
    device_login(&app, &req)
}

fn device_code(app: &App, tenant: &str, req: &Req) -> Resp {
    let form = req.form();
    let client_id = form_get(&form, "client_id")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut world = app.world();
    if let Err(r) = known_client(app, &world, &client_id, tenant)
        .and_then(|()| known_tenant(app, &world, tenant).map(drop))
    {
        return r;
    }
    let scope = form_get(&form, "scope").unwrap_or_default().to_string();
    if let Err(e) = resolve_scope(&scope, tenant) {
        return aad_error(app, 400, e.error, e.code, &e.message);
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let user_code: String = (0..9)
        .map(|_| ALPHABET[rand::random::<u8>() as usize % ALPHABET.len()] as char)
        .collect();
    let device = format!("DAQ.emu.{}", random_token(48));
    let lifetime = world.device_code_lifetime;
    let interval = world.device_code_interval;
    let expires = Instant::now() + world.scaled(lifetime as f64);
    let scaled_interval = world.scaled(interval as f64);
    world.auth.devices.insert(
        device.clone(),
        DeviceGrant {
            client_id,
            tenant: tenant.to_string(),
            scope,
            user_code: user_code.clone(),
            state: DeviceState::Pending,
            expires,
            last_poll: None,
            interval: scaled_interval,
        },
    );
    let uri = format!("{}/devicelogin", app.info.authority_host);
    json_resp(
        200,
        &json!({
            "user_code": user_code,
            "device_code": device,
            "verification_uri": uri,
            "expires_in": lifetime,
            "interval": interval,
            "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
        }),
    )
}

/// Approves or denies a pending device code; the error is a user-facing sentence.
pub fn decide_device_code(
    world: &mut World,
    user_code: &str,
    user_name: Option<&str>,
    approve: bool,
) -> Result<(), String> {
    let wanted: String = user_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let user =
        match user_name {
            Some(name) => Some(world.user_by_name(name).cloned().ok_or_else(|| {
                format!("We couldn't find an account with the username '{name}'.")
            })?),
            None => None,
        };
    let grant = world
        .auth
        .devices
        .values_mut()
        .find(|g| g.user_code == wanted && g.state == DeviceState::Pending)
        .ok_or_else(|| "That code didn't work. Check the code and try again.".to_string())?;
    if approve {
        let user = user.ok_or_else(|| "Enter the account to sign in with.".to_string())?;
        grant.state = DeviceState::Approved {
            user_object_id: user.object_id,
        };
    } else {
        grant.state = DeviceState::Denied;
    }
    Ok(())
}

fn device_login(app: &App, req: &Req) -> Resp {
    let form = req.form();
    let code = form_get(&form, "user_code").unwrap_or_default().to_string();
    let approve = form_get(&form, "action") != Some("deny");
    let user = form_get(&form, "username").filter(|u| !u.is_empty());
    let mut world = app.world();
    match decide_device_code(&mut world, &code, user, approve) {
        Ok(()) => text_resp(
            200,
            "text/html; charset=utf-8",
            html_page(
                "Done",
                if approve {
                    "<h1 id=\"done\">You have signed in. You may now close this window.</h1>"
                } else {
                    "<h1 id=\"done\">Sign-in cancelled. You may now close this window.</h1>"
                },
            ),
        ),
        Err(message) => text_resp(
            200,
            "text/html; charset=utf-8",
            device_page(Some(&message), &code),
        ),
    }
}
