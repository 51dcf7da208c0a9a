//! The workspaces' Azure Container Registries, each under `/acr/{loginServer}` of the registry
//! listener (the ready file's `acrEndpoint`): the images their environments name, behind the
//! Azure AD → ACR token exchange of Azure/acr `docs/AAD-OAuth.md`.
//!
//! - `GET|HEAD /v2/...` without a registry token: `401` with
//!   `WWW-Authenticate: Bearer realm="…/oauth2/token",service="{loginServer}",scope="repository:{repo}:pull"`.
//! - `POST /oauth2/exchange` (form `grant_type=access_token`, `service`, `tenant`, `access_token`,
//!   an Azure AD token for ARM): `{"refresh_token": …}`.
//! - `POST /oauth2/token` (form `grant_type=refresh_token`, `service`, `scope`, `refresh_token`):
//!   `{"access_token": …}` granting of `scope` what the caller's roles on the registry allow
//!   (`Microsoft.ContainerRegistry/registries/pull/read`: AcrPull, Reader, Contributor, Owner).
//! - `GET|HEAD /v2/{repo}/manifests/{reference}` with that token: `200` when some environment
//!   names the image and it was pushed, `404 MANIFEST_UNKNOWN` otherwise.

use crate::http::{empty_resp, form_get, json_resp, set_header, Req, Resp};
use crate::identity::{validate_token, ARM_AUDIENCES};
use crate::routing::Params;
use crate::state::World;
use crate::App;
use axum::extract::State;
use hyper::Method;
use serde_json::{json, Value};
use std::sync::Arc;

/// The issuer ACR puts in its own tokens.
const ISSUER: &str = "Azure Container Registry";
/// What ACR's tokens last (it says about an hour for access tokens, three for refresh tokens).
const ACCESS_SECONDS: u64 = 60 * 60;
const REFRESH_SECONDS: u64 = 3 * 60 * 60;
/// The action a pull needs on the registry.
pub const PULL_ACTION: &str = "Microsoft.ContainerRegistry/registries/pull/read";

fn registry_error(status: u16, code: &str, message: &str, detail: Value) -> Resp {
    let mut r = json_resp(
        status,
        &json!({"errors": [{"code": code, "message": message, "detail": detail}]}),
    );
    set_header(&mut r, "Docker-Distribution-Api-Version", "registry/2.0");
    r
}

/// The registry whose login server is `server`: its ARM id and its subscription's tenant.
fn registry_of(world: &World, server: &str) -> Option<(String, String)> {
    world.workspaces.iter().find_map(|ws| {
        let registry = crate::prerequisites::registry(ws)?;
        let login = registry["properties"]["loginServer"].as_str()?;
        if !login.eq_ignore_ascii_case(server) {
            return None;
        }
        let tenant = world
            .subscription(&ws.subscription_id)
            .map(|s| s.tenant_id.clone())
            .unwrap_or_default();
        Some((registry["id"].as_str()?.to_owned(), tenant))
    })
}

/// Whether an environment of the world names `server/repo:reference` (or `@reference`) and its
/// image was pushed.
fn has_manifest(world: &World, server: &str, repo: &str, reference: &str) -> bool {
    let wanted_tag = format!("{server}/{repo}:{reference}").to_ascii_lowercase();
    let wanted_digest = format!("{server}/{repo}@{reference}").to_ascii_lowercase();
    world.workspaces.iter().any(|ws| {
        ws.env_versions.iter().any(|version| {
            version.image_pushed
                && version.value["properties"]["image"]
                    .as_str()
                    .is_some_and(|image| {
                        let image = image.to_ascii_lowercase();
                        image == wanted_tag || image == wanted_digest
                    })
        })
    })
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn unknown_registry(server: &str) -> Resp {
    registry_error(
        404,
        "NAME_UNKNOWN",
        &format!("registry {server} not found"),
        Value::Null,
    )
}

fn unauthorized(message: &str) -> Resp {
    registry_error(401, "UNAUTHORIZED", message, Value::Null)
}

/// What both token endpoints ask of their form first: the grant type they serve, and this
/// registry as the service.
fn form_for(form: &[(String, String)], grant_type: &str, server: &str) -> Result<(), Resp> {
    if form_get(form, "grant_type") != Some(grant_type) {
        return Err(registry_error(
            400,
            "UNSUPPORTED",
            &format!("grant_type must be {grant_type}"),
            Value::Null,
        ));
    }
    if !form_get(form, "service").is_some_and(|s| s.eq_ignore_ascii_case(server)) {
        return Err(registry_error(
            400,
            "DENIED",
            "service does not name this registry",
            Value::Null,
        ));
    }
    Ok(())
}

/// `POST /acr/{server}/oauth2/exchange`.
pub async fn exchange(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    let server = p["server"].to_ascii_lowercase();
    let Some((_, tenant)) = registry_of(&app.world(), &server) else {
        return unknown_registry(&server);
    };
    let form = req.form();
    if let Err(refused) = form_for(&form, "access_token", &server) {
        return refused;
    }
    let token = form_get(&form, "access_token").unwrap_or_default();
    let Ok(claims) = validate_token(&app, token, &ARM_AUDIENCES) else {
        return unauthorized(
            "the access token is invalid, expired or not for Azure Resource Manager",
        );
    };
    let tid = claims["tid"].as_str().unwrap_or_default();
    let tenant_given = form_get(&form, "tenant").unwrap_or(tid);
    if !tid.eq_ignore_ascii_case(&tenant) || !tenant_given.eq_ignore_ascii_case(tid) {
        return unauthorized("the access token is not from the registry's tenant");
    }
    let at = now();
    let refresh = app.signer.sign(&json!({
        "jti": uuid::Uuid::new_v4().to_string(),
        "sub": claims["preferred_username"].as_str().unwrap_or_default(),
        "oid": claims["oid"],
        "nbf": at, "iat": at, "exp": at + REFRESH_SECONDS,
        "iss": ISSUER,
        "aud": server,
        "version": "1.0",
        "grant_type": "refresh_token",
        "tenant": tid,
        "permissions": {"actions": ["*"], "notActions": []},
        "roles": []
    }));
    json_resp(200, &json!({ "refresh_token": refresh }))
}

/// An ACR token of `grant_type` for `server`: its claims, when it is one.
fn registry_claims(app: &App, token: &str, server: &str, grant_type: &str) -> Option<Value> {
    let claims = app.signer.verify(token).ok()?;
    (claims["iss"] == ISSUER
        && claims["aud"].as_str() == Some(server)
        && claims["grant_type"].as_str() == Some(grant_type)
        && claims["exp"].as_u64().unwrap_or(0) > now())
    .then_some(claims)
}

/// `POST /acr/{server}/oauth2/token`.
pub async fn token(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    let server = p["server"].to_ascii_lowercase();
    let Some((registry_id, _)) = registry_of(&app.world(), &server) else {
        return unknown_registry(&server);
    };
    let form = req.form();
    if let Err(refused) = form_for(&form, "refresh_token", &server) {
        return refused;
    }
    let refresh = form_get(&form, "refresh_token").unwrap_or_default();
    let Some(claims) = registry_claims(&app, refresh, &server, "refresh_token") else {
        return unauthorized("the refresh token is invalid or expired");
    };
    let oid = claims["oid"].as_str().unwrap_or_default();
    let may_pull = app.world().is_allowed(oid, &registry_id, PULL_ACTION);
    // Granted: what was asked, as far as the caller's roles allow (only pulls are served).
    let access: Vec<Value> = form
        .iter()
        .filter(|(name, _)| name == "scope")
        .filter_map(|(_, scope)| {
            let mut parts = scope.splitn(3, ':');
            let (kind, name, actions) = (parts.next()?, parts.next()?, parts.next()?);
            let granted: Vec<&str> = actions
                .split(',')
                .filter(|action| *action == "pull" && may_pull)
                .collect();
            (kind == "repository").then(|| json!({"type": kind, "name": name, "actions": granted}))
        })
        .collect();
    let at = now();
    let token = app.signer.sign(&json!({
        "jti": uuid::Uuid::new_v4().to_string(),
        "sub": claims["sub"],
        "oid": oid,
        "nbf": at, "iat": at, "exp": at + ACCESS_SECONDS,
        "iss": ISSUER,
        "aud": server,
        "version": "1.0",
        "grant_type": "access_token",
        "access": access,
        "roles": []
    }));
    json_resp(200, &json!({ "access_token": token }))
}

/// The challenge of a request without a token that may `pull` `repo` (or the base check).
fn challenge(app: &App, server: &str, repo: Option<&str>) -> Resp {
    let realm = format!("{}/acr/{server}/oauth2/token", app.info.registry_endpoint);
    let mut r = registry_error(
        401,
        "UNAUTHORIZED",
        "authentication required, visit https://aka.ms/acr/authorization for more information.",
        match repo {
            Some(repo) => json!([{"Type": "repository", "Name": repo, "Action": "pull"}]),
            None => Value::Null,
        },
    );
    let value = match repo {
        Some(repo) => format!(
            "Bearer realm=\"{realm}\",service=\"{server}\",scope=\"repository:{repo}:pull\""
        ),
        None => format!("Bearer realm=\"{realm}\",service=\"{server}\""),
    };
    set_header(&mut r, "WWW-Authenticate", &value);
    r
}

/// Whether the request's bearer is this registry's access token allowing `pull` on `repo`.
fn may_pull(app: &App, req: &Req, server: &str, repo: &str) -> bool {
    let header = req.header("authorization").unwrap_or_default();
    let Some(token) = header.strip_prefix("Bearer ") else {
        return false;
    };
    registry_claims(app, token.trim(), server, "access_token").is_some_and(|claims| {
        claims["access"].as_array().is_some_and(|access| {
            access.iter().any(|grant| {
                grant["type"] == "repository"
                    && grant["name"].as_str() == Some(repo)
                    && grant["actions"]
                        .as_array()
                        .is_some_and(|actions| actions.iter().any(|a| a == "pull"))
            })
        })
    })
}

/// `GET /acr/{server}/v2`: the API check, which also asks for a token.
pub async fn base(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    let server = p["server"].to_ascii_lowercase();
    if registry_of(&app.world(), &server).is_none() {
        return unknown_registry(&server);
    }
    let header = req.header("authorization").unwrap_or_default();
    let signed_in = header.strip_prefix("Bearer ").is_some_and(|token| {
        registry_claims(&app, token.trim(), &server, "access_token").is_some()
    });
    if !signed_in {
        return challenge(&app, &server, None);
    }
    let mut r = json_resp(200, &json!({}));
    set_header(&mut r, "Docker-Distribution-Api-Version", "registry/2.0");
    r
}

/// `GET|HEAD /acr/{server}/v2/{repo}/manifests/{reference}`.
pub async fn manifest(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    let server = p["server"].to_ascii_lowercase();
    if registry_of(&app.world(), &server).is_none() {
        return unknown_registry(&server);
    }
    let rest = &p["rest"];
    let Some((repo, reference)) = rest.rsplit_once("/manifests/") else {
        return registry_error(
            404,
            "NAME_UNKNOWN",
            "repository name not known to registry",
            Value::Null,
        );
    };
    if !may_pull(&app, &req, &server, repo) {
        return challenge(&app, &server, Some(repo));
    }
    if !has_manifest(&app.world(), &server, repo, reference) {
        return registry_error(
            404,
            "MANIFEST_UNKNOWN",
            &format!("manifest tagged by \"{reference}\" is not found"),
            json!({"Tag": reference}),
        );
    }
    let digest = format!(
        "sha256:{}",
        aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            format!("{server}/{repo}:{reference}").as_bytes()
        )
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
    );
    let body = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": digest},
        "layers": []
    });
    let mut r = if req.method == Method::HEAD {
        empty_resp(200)
    } else {
        json_resp(200, &body)
    };
    set_header(
        &mut r,
        "Content-Type",
        "application/vnd.docker.distribution.manifest.v2+json",
    );
    set_header(&mut r, "Docker-Content-Digest", &digest);
    set_header(&mut r, "Docker-Distribution-Api-Version", "registry/2.0");
    r
}
