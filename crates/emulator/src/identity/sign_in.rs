//! The authorization code flow's front half: `authorize` checks the request and shows the
//! sign-in page; the page's form post (`login`) picks the user and redirects with a code.

use super::pages::{html_error, redirect_with, sign_in_page};
use super::scopes::resolve_scope;
use super::{random_token, resolve_tenant, TenantRef};
use crate::http::{form_get, set_header, text_resp, Req, Resp};
use crate::routing::Params;
use crate::state::{AuthCode, PendingSignIn};
use crate::App;
use axum::extract::State;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn authorize_page(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    authorize(&app, &p["tenant"], &req)
}

pub async fn login_form(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    login(&app, &p["tenant"], &req)
}

fn redirect_allowed(registered: &[String], redirect: &str) -> bool {
    let Ok(target) = url::Url::parse(redirect) else {
        return false;
    };
    registered.iter().any(|r| {
        let Ok(reg) = url::Url::parse(r) else {
            return false;
        };
        let loopback = matches!(
            reg.host_str(),
            Some("localhost") | Some("127.0.0.1") | Some("[::1]")
        );
        reg.scheme() == target.scheme()
            && reg.host_str() == target.host_str()
            && reg.path() == target.path()
            && (loopback || reg.port() == target.port())
            && target.fragment().is_none()
    })
}

fn authorize(app: &App, tenant: &str, req: &Req) -> Resp {
    let mut world = app.world();
    let client_id = req.q("client_id").unwrap_or_default().to_ascii_lowercase();
    let Some(registered) = world.clients.get(&client_id).cloned() else {
        return html_error(400, 700016, &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."));
    };
    let redirect_uri = req.q("redirect_uri").unwrap_or_default().to_string();
    if !redirect_allowed(&registered, &redirect_uri) {
        return html_error(400, 50011, &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."));
    }
    let state = req.q("state").map(str::to_string);
    let fail = |error: &str, code: u32, message: &str| {
        let desc = format!("AADSTS{code}: {message}");
        let mut params = vec![("error", error), ("error_description", desc.as_str())];
        if let Some(s) = &state {
            params.push(("state", s.as_str()));
        }
        redirect_with(&redirect_uri, &params)
    };
    if resolve_tenant(&world, tenant).is_none() {
        return fail(
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    }
    if req.q("response_type") != Some("code") {
        return fail("unsupported_response_type", 700054, "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'.");
    }
    let challenge = req.q("code_challenge").unwrap_or_default();
    if challenge.is_empty() {
        return fail("invalid_request", 9002325, "Proof Key for Code Exchange is required: send code_challenge and code_challenge_method=S256.");
    }
    if req.q("code_challenge_method") != Some("S256") {
        return fail(
            "invalid_request",
            501491,
            "Only code_challenge_method=S256 is supported.",
        );
    }
    if challenge.len() != 43 || URL_SAFE_NO_PAD.decode(challenge).is_err() {
        return fail(
            "invalid_request",
            501491,
            "Invalid size of Code_Challenge parameter.",
        );
    }
    let scope = req.q("scope").unwrap_or_default().to_string();
    if let Err(e) = resolve_scope(&scope, tenant) {
        return fail(e.error, e.code, &e.message);
    }
    if req.q("prompt") == Some("none") {
        return fail(
            "login_required",
            50058,
            "A silent sign-in request was sent but no user is signed in.",
        );
    }
    if let Some(mode) = req.q("response_mode") {
        if mode != "query" {
            return fail(
                "invalid_request",
                900144,
                "Only response_mode=query is supported by this authority.",
            );
        }
    }
    let ctx = random_token(24);
    world
        .auth
        .sign_ins
        .retain(|_, s| s.created.elapsed() < Duration::from_secs(600));
    world.auth.sign_ins.insert(
        ctx.clone(),
        PendingSignIn {
            tenant: tenant.to_string(),
            client_id,
            redirect_uri,
            state,
            scope,
            code_challenge: challenge.to_string(),
            nonce: req.q("nonce").map(str::to_string),
            login_hint: req.q("login_hint").map(str::to_string),
            created: Instant::now(),
        },
    );
    let hint = req.q("login_hint").unwrap_or_default().to_string();
    let mut r = text_resp(
        200,
        "text/html; charset=utf-8",
        sign_in_page(tenant, &ctx, &hint, None),
    );
    set_header(
        &mut r,
        "Set-Cookie",
        &format!("esctx={ctx}; Path=/; Secure; HttpOnly; SameSite=None"),
    );
    set_header(&mut r, "Cache-Control", "no-store, no-cache");
    r
}

fn login(app: &App, tenant: &str, req: &Req) -> Resp {
    let form = req.form();
    let ctx = form_get(&form, "ctx").unwrap_or_default().to_string();
    // A browser sends the cookie set with the page; when present it must belong to this sign-in.
    if let Some(cookie) = req.header("cookie") {
        let from_cookie = cookie
            .split(';')
            .filter_map(|c| c.trim().strip_prefix("esctx="))
            .next();
        if from_cookie.is_some_and(|c| c != ctx) {
            return html_error(400, 90014, "The sign-in session does not match this browser's session. Start the sign-in again.");
        }
    }
    let mut world = app.world();
    let Some(pending) = world.auth.sign_ins.get(&ctx).cloned() else {
        return html_error(400, 90014, "The sign-in session expired or is unknown. Start the sign-in again from the application.");
    };
    let state_param = pending.state.clone();
    let with_state = |mut params: Vec<(&'static str, String)>| {
        if let Some(s) = &state_param {
            params.push(("state", s.clone()));
        }
        params
    };
    if form_get(&form, "action") == Some("cancel") {
        world.auth.sign_ins.remove(&ctx);
        let params = with_state(vec![
            ("error", "access_denied".into()),
            (
                "error_description",
                "AADSTS65004: User declined to consent to access the app.".into(),
            ),
        ]);
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        return redirect_with(&pending.redirect_uri, &refs);
    }
    let username = form_get(&form, "username")
        .unwrap_or_default()
        .trim()
        .to_string();
    let Some(user) = world.user_by_name(&username).cloned() else {
        let msg = format!("AADSTS50034: We couldn't find an account with the username '{username}'. Try another account.");
        return text_resp(
            200,
            "text/html; charset=utf-8",
            sign_in_page(tenant, &ctx, &username, Some(&msg)),
        );
    };
    let tenant_id = match resolve_tenant(&world, &pending.tenant) {
        Some(TenantRef::Specific(t)) => {
            if !user.in_tenant(&t) {
                let msg = format!("AADSTS50020: User account '{username}' from identity provider does not exist in tenant '{t}' and cannot access the application in that tenant.");
                return text_resp(
                    200,
                    "text/html; charset=utf-8",
                    sign_in_page(tenant, &ctx, &username, Some(&msg)),
                );
            }
            t
        }
        _ => user.tenant_id.clone(),
    };
    world.auth.sign_ins.remove(&ctx);
    let code = format!("1.emu.{}", random_token(48));
    world.auth.codes.insert(
        code.clone(),
        AuthCode {
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            code_challenge: pending.code_challenge.clone(),
            scope: pending.scope.clone(),
            user_object_id: user.object_id.clone(),
            tenant_id,
            nonce: pending.nonce.clone(),
            expires: Instant::now() + Duration::from_secs(600),
        },
    );
    let _ = pending.login_hint;
    let params = with_state(vec![
        ("code", code),
        ("session_state", uuid::Uuid::new_v4().to_string()),
    ]);
    let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    redirect_with(&pending.redirect_uri, &refs)
}
