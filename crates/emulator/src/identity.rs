//! Microsoft identity platform v2.0: authorization code + PKCE with a real sign-in page,
//! refresh tokens that rotate, device code, discovery and JWKS.

use crate::http::{empty_resp, form_get, json_resp, set_header, text_resp, Req, Resp};
use crate::state::{AuthCode, DeviceGrant, DeviceState, PendingSignIn, RefreshGrant, User, World};
use crate::App;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hyper::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const ARM_AUDIENCES: [&str; 4] = [
    "https://management.azure.com",
    "https://management.azure.com/",
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
];
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];

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

struct ScopeGrant {
    audience: String,
    scp: String,
    granted: String,
    openid: bool,
    offline: bool,
}

struct ScopeError {
    error: &'static str,
    code: u32,
    message: String,
}

fn resolve_scope(scope: &str, tenant: &str) -> Result<ScopeGrant, ScopeError> {
    let mut resource: Option<String> = None;
    let mut perms: Vec<String> = vec![];
    let words: Vec<&str> = scope.split_whitespace().collect();
    if words.is_empty() {
        return Err(ScopeError {
            error: "invalid_request",
            code: 900144,
            message: "The request body must contain the following parameter: 'scope'.".into(),
        });
    }
    for w in &words {
        if OIDC_SCOPES.contains(&w.to_ascii_lowercase().as_str()) {
            continue;
        }
        let (res, perm) = if w.contains("://") {
            match w.rfind('/') {
                Some(i) if i > w.find("://").unwrap_or(0) + 2 => {
                    (w[..i].to_string(), w[i + 1..].to_string())
                }
                _ => (w.to_string(), ".default".to_string()),
            }
        } else {
            (GRAPH_AUDIENCE.to_string(), w.to_string())
        };
        if let Some(existing) = &resource {
            if !existing.eq_ignore_ascii_case(&res) {
                return Err(ScopeError {
                    error: "invalid_scope",
                    code: 28000,
                    message: format!("Provided value for the input parameter scope '{scope}' is not valid because it contains more than one resource. Scope {existing} {res} is not valid."),
                });
            }
        }
        resource = Some(res);
        perms.push(perm);
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let openid = lower.iter().any(|w| w == "openid");
    let offline = lower.iter().any(|w| w == "offline_access");
    let resource = resource.unwrap_or_else(|| GRAPH_AUDIENCE.to_string());
    let known = ARM_AUDIENCES
        .iter()
        .any(|a| a.eq_ignore_ascii_case(&resource))
        || resource
            .trim_end_matches('/')
            .eq_ignore_ascii_case(GRAPH_AUDIENCE)
        || resource
            .trim_end_matches('/')
            .eq_ignore_ascii_case("https://ml.azure.com");
    if !known {
        return Err(ScopeError {
            error: "invalid_resource",
            code: 500011,
            message: format!("The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."),
        });
    }
    let is_graph = resource
        .trim_end_matches('/')
        .eq_ignore_ascii_case(GRAPH_AUDIENCE);
    let scp = if is_graph {
        let named: Vec<&str> = perms
            .iter()
            .map(String::as_str)
            .filter(|p| *p != ".default")
            .collect();
        if named.is_empty() {
            "User.Read User.ReadBasic.All openid profile email".to_string()
        } else {
            let mut s = named.join(" ");
            s.push_str(" openid profile email");
            s
        }
    } else {
        "user_impersonation".to_string()
    };
    let granted = if is_graph {
        scp.split(' ')
            .filter(|s| !OIDC_SCOPES.contains(s))
            .map(|s| format!("{GRAPH_AUDIENCE}/{s}"))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        format!("{}/user_impersonation", resource.trim_end_matches('/'))
    };
    Ok(ScopeGrant {
        audience: resource,
        scp,
        granted,
        openid,
        offline,
    })
}

enum TenantRef {
    Any,
    Specific(String),
}

fn resolve_tenant(world: &World, segment: &str) -> Option<TenantRef> {
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

/// Mints an access token (and the other parts of a token response) for `user`.
pub fn issue_tokens(
    app: &App,
    world: &mut World,
    user: &User,
    tenant_id: &str,
    client_id: &str,
    scope: &str,
    nonce: Option<&str>,
) -> Result<Value, (String, u32, String)> {
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

fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<style>body{{font-family:Segoe UI,Arial,sans-serif;background:#f2f2f2;margin:0}}\
main{{max-width:440px;margin:60px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}}\
h1{{font-size:24px;font-weight:600}}input[type=text]{{width:100%;padding:6px;font-size:15px;box-sizing:border-box}}\
button{{margin-top:16px;padding:6px 20px;font-size:15px}}.err{{color:#e81123}}.note{{color:#666;font-size:13px}}</style>\
</head><body><main><div class=\"note\">pfrm emulator (local sign-in, not Microsoft)</div>{body}</main></body></html>"
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn sign_in_page(tenant: &str, ctx: &str, hint: &str, error: Option<&str>) -> String {
    let err = error
        .map(|e| format!("<p class=\"err\" id=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    html_page(
        "Sign in to your account",
        &format!(
            "<h1>Sign in</h1>{err}<form method=\"post\" action=\"/{}/login\" id=\"signin\">\
<input type=\"hidden\" name=\"ctx\" value=\"{}\">\
<label for=\"username\">Email, phone, or Skype</label>\
<input type=\"text\" id=\"username\" name=\"username\" value=\"{}\" autocomplete=\"username\" autofocus>\
<div><button type=\"submit\" name=\"action\" value=\"signin\" id=\"signin-button\">Sign in</button> \
<button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel-button\">Cancel</button></div></form>",
            escape(tenant),
            escape(ctx),
            escape(hint)
        ),
    )
}

fn html_error(status: u16, code: u32, message: &str) -> Resp {
    text_resp(
        status,
        "text/html; charset=utf-8",
        html_page(
            "Sign in error",
            &format!(
                "<h1>Sorry, but we're having trouble signing you in.</h1><p class=\"err\" id=\"error\">AADSTS{code}: {}</p>",
                escape(message)
            ),
        ),
    )
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Resp {
    let mut url = match url::Url::parse(redirect_uri) {
        Ok(u) => u,
        Err(_) => return html_error(400, 50011, "The redirect URI is not a valid URL."),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
    }
    let mut r = empty_resp(302);
    set_header(&mut r, "Location", url.as_str());
    set_header(&mut r, "Cache-Control", "no-store, no-cache");
    r
}

pub async fn answer(app: &App, req: Req) -> Resp {
    let segs: Vec<String> = req
        .path
        .trim_matches('/')
        .split('/')
        .map(|s| s.to_string())
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match (&req.method, s.as_slice()) {
        (&Method::GET, [tenant, "v2.0", ".well-known", "openid-configuration"]) => {
            openid_configuration(app, tenant)
        }
        (&Method::GET, ["discovery", "v2.0", "keys"])
        | (&Method::GET, [_, "discovery", "v2.0", "keys"]) => json_resp(
            200,
            &app.signer
                .jwks(&format!("{}/{{tenantid}}/v2.0", app.info.authority_host)),
        ),
        (&Method::GET, ["common", "discovery", "instance"]) => instance_discovery(app, &req),
        (&Method::GET, [tenant, "oauth2", "v2.0", "authorize"]) => authorize(app, tenant, &req),
        (&Method::POST, [tenant, "login"]) => login(app, tenant, &req),
        (&Method::POST, [tenant, "oauth2", "v2.0", "token"]) => token(app, tenant, &req),
        (&Method::POST, [tenant, "oauth2", "v2.0", "devicecode"]) => device_code(app, tenant, &req),
        (&Method::GET, ["devicelogin"]) | (&Method::GET, [_, "devicelogin"]) => {
            text_resp(200, "text/html; charset=utf-8", device_page(None, ""))
        }
        (&Method::POST, ["devicelogin"]) | (&Method::POST, [_, "devicelogin"]) => {
            device_login(app, &req)
        }
        (&Method::GET, [_, "oauth2", "v2.0", "logout"]) => text_resp(
            200,
            "text/html; charset=utf-8",
            html_page("Signed out", "<h1>You signed out of your account</h1>"),
        ),
        _ => aad_error(
            app,
            404,
            "invalid_request",
            90027,
            &format!(
                "The endpoint {} {} does not exist on this authority.",
                req.method, req.path
            ),
        ),
    }
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

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

fn token(app: &App, tenant: &str, req: &Req) -> Resp {
    let content_type = req.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return aad_error(
            app,
            400,
            "invalid_request",
            900144,
            "The request body must be application/x-www-form-urlencoded.",
        );
    }
    let form = req.form();
    let client_id = form_get(&form, "client_id")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut world = app.world();
    if client_id.is_empty() {
        return aad_error(
            app,
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    }
    if !world.clients.contains_key(&client_id) {
        return aad_error(app, 400, "unauthorized_client", 700016, &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."));
    }
    if form_get(&form, "client_secret").is_some() {
        return aad_error(app, 401, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }
    let tenant_ref = match resolve_tenant(&world, tenant) {
        Some(t) => t,
        None => {
            return aad_error(
                app,
                400,
                "invalid_request",
                90002,
                &format!("Tenant '{tenant}' not found."),
            )
        }
    };
    let grant_type = form_get(&form, "grant_type").unwrap_or_default();
    match grant_type {
        "authorization_code" => {
            let code = form_get(&form, "code").unwrap_or_default().to_string();
            if world.auth.redeemed_codes.contains(&code) {
                return aad_error(app, 400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
            }
            let Some(grant) = world.auth.codes.remove(&code) else {
                return aad_error(app, 400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid: the authorization code is unknown.");
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
            if form_get(&form, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
                return aad_error(app, 400, "invalid_grant", 500112, "The reply address does not match the reply address provided when requesting Authorization code.");
            }
            let verifier = form_get(&form, "code_verifier").unwrap_or_default();
            if verifier.is_empty() || s256(verifier) != grant.code_challenge {
                return aad_error(app, 400, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
            }
            let scope = form_get(&form, "scope")
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
                &mut world,
                &user,
                &grant.tenant_id,
                &client_id,
                &scope,
                grant.nonce.as_deref(),
            )
        }
        "refresh_token" => {
            let rt = form_get(&form, "refresh_token")
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
                        return aad_error(app, 400, "invalid_grant", 50020, &format!("User account '{}' from identity provider does not exist in tenant '{t}'.", user.user_name));
                    }
                    t
                }
                TenantRef::Any => grant.tenant_id.clone(),
            };
            let mut scope = form_get(&form, "scope")
                .map(str::to_string)
                .unwrap_or(grant.scope.clone());
            if !scope
                .split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("offline_access"))
            {
                scope.push_str(" offline_access");
            }
            let resp = respond_tokens(app, &mut world, &user, &tenant_id, &client_id, &scope, None);
            if resp.status() == 200 {
                world.auth.refresh.remove(&rt);
                world.auth.dead_refresh.insert(rt, "rotated");
            }
            resp
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let code = form_get(&form, "device_code")
                .or_else(|| form_get(&form, "code"))
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
            if grant.client_id != client_id {
                return aad_error(
                    app,
                    400,
                    "invalid_grant",
                    70000,
                    "The device code was issued to another client.",
                );
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
                    let Some(user) = world.user_by_oid(&user_object_id).cloned() else {
                        return aad_error(
                            app,
                            400,
                            "invalid_grant",
                            50034,
                            "The user account does not exist.",
                        );
                    };
                    let tenant_id = match resolve_tenant(&world, &grant.tenant) {
                        Some(TenantRef::Specific(t)) => t,
                        _ => user.tenant_id.clone(),
                    };
                    respond_tokens(
                        app,
                        &mut world,
                        &user,
                        &tenant_id,
                        &client_id,
                        &grant.scope,
                        None,
                    )
                }
            }
        }
        "" => aad_error(
            app,
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
        ),
        other => aad_error(
            app,
            400,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}

fn respond_tokens(
    app: &App,
    world: &mut World,
    user: &User,
    tenant_id: &str,
    client_id: &str,
    scope: &str,
    nonce: Option<&str>,
) -> Resp {
    match issue_tokens(app, world, user, tenant_id, client_id, scope, nonce) {
        Ok(v) => {
            let mut r = json_resp(200, &v);
            set_header(&mut r, "Cache-Control", "no-store, no-cache");
            r
        }
        Err((error, code, message)) => aad_error(app, 400, &error, code, &message),
    }
}

fn device_code(app: &App, tenant: &str, req: &Req) -> Resp {
    let form = req.form();
    let client_id = form_get(&form, "client_id")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut world = app.world();
    if !world.clients.contains_key(&client_id) {
        return aad_error(app, 400, "unauthorized_client", 700016, &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'."));
    }
    if resolve_tenant(&world, tenant).is_none() {
        return aad_error(
            app,
            400,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
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

fn device_page(message: Option<&str>, code: &str) -> String {
    let msg = message
        .map(|m| format!("<p id=\"message\">{}</p>", escape(m)))
        .unwrap_or_default();
    html_page(
        "Enter code",
        &format!(
            "<h1>Enter code</h1>{msg}<form method=\"post\" action=\"/devicelogin\">\
<label for=\"user_code\">Code</label><input type=\"text\" id=\"user_code\" name=\"user_code\" value=\"{}\">\
<label for=\"username\">Account</label><input type=\"text\" id=\"username\" name=\"username\">\
<div><button type=\"submit\" name=\"action\" value=\"approve\">Continue</button> \
<button type=\"submit\" name=\"action\" value=\"deny\">Cancel</button></div></form>",
            escape(code)
        ),
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

/// Why a bearer token was refused by a resource.
pub enum BearerError {
    Missing,
    Invalid(String),
    Expired,
    Audience(String),
}

/// Validated claims of an access token for one of `audiences`.
pub fn validate_bearer(app: &App, req: &Req, audiences: &[&str]) -> Result<Value, BearerError> {
    let header = req.header("authorization").unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if token.is_empty() {
        return Err(BearerError::Missing);
    }
    let claims = app.signer.verify(token).map_err(|e| match e {
        crate::jwt::TokenProblem::Malformed(m) => BearerError::Invalid(m),
        crate::jwt::TokenProblem::BadSignature => {
            BearerError::Invalid("the token signature is invalid".into())
        }
    })?;
    let exp = claims["exp"].as_u64().unwrap_or(0);
    if exp <= unix_now() {
        return Err(BearerError::Expired);
    }
    let iss = claims["iss"].as_str().unwrap_or_default();
    if !iss.starts_with(&app.info.authority_host) {
        return Err(BearerError::Invalid(
            "the token was not issued by this authority".into(),
        ));
    }
    let aud = claims["aud"].as_str().unwrap_or_default();
    if !audiences.iter().any(|a| a.eq_ignore_ascii_case(aud)) {
        return Err(BearerError::Audience(aud.to_string()));
    }
    Ok(claims)
}

/// The service's routes.
pub fn router() -> axum::Router<std::sync::Arc<App>> {
    axum::Router::new().fallback(
        |axum::extract::State(app): axum::extract::State<std::sync::Arc<App>>, req: Req| async move {
            answer(&app, req).await
        },
    )
}

pub async fn handle(router: &axum::Router, req: Req) -> Resp {
    let segments = crate::routing::segments(&req.path);
    crate::routing::call(
        router,
        req,
        segments,
        crate::routing::Case::Sensitive,
        Default::default(),
    )
    .await
}
