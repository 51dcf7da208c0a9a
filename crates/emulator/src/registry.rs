//! Container registry (Docker Registry HTTP API v2): anonymous tag listing with `n`/`last`
//! pagination, `Link` headers and ETags (MCR); and under `/acr/{loginServer}` the workspaces'
//! own registries, which require a token (see [`crate::acr`]).

use crate::http::{empty_resp, json_resp, set_header, Req, Resp};
use crate::routing::{self, Case, Params};
use crate::state::REGISTRY_REPO;
use crate::App;
use axum::extract::State;
use axum::routing::{any, get, post};
use axum::Router;
use hyper::Method;
use serde_json::json;
use std::sync::Arc;

const REPOS: [&str; 2] = [REGISTRY_REPO, "azureml/promptflow/promptflow-runtime"];

fn registry_error(status: u16, code: &str, message: &str) -> Resp {
    let mut r = json_resp(
        status,
        &json!({"errors": [{"code": code, "message": message, "detail": null}]}),
    );
    set_header(&mut r, "Docker-Distribution-Api-Version", "registry/2.0");
    r
}

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/v2", any(base))
        .route("/v2/{*rest}", any(tags))
        .route("/acr/{server}/oauth2/exchange", post(crate::acr::exchange))
        .route("/acr/{server}/oauth2/token", post(crate::acr::token))
        .route("/acr/{server}/v2", get(crate::acr::base))
        .route("/acr/{server}/v2/{*rest}", get(crate::acr::manifest))
        .fallback(unknown)
}

/// Only reads are served, and the token endpoints of the workspaces' registries.
pub async fn handle(router: &Router, req: Req) -> Resp {
    let token_endpoint = req.method == Method::POST
        && req.path.starts_with("/acr/")
        && (req.path.ends_with("/oauth2/exchange") || req.path.ends_with("/oauth2/token"));
    if req.method != Method::GET && req.method != Method::HEAD && !token_endpoint {
        return registry_error(405, "UNSUPPORTED", "The operation is unsupported.");
    }
    let segments = routing::segments(&req.path);
    routing::call(router, req, segments, Case::Sensitive, Default::default()).await
}

/// `GET /v2/`: the API version check.
async fn base() -> Resp {
    let mut r = json_resp(200, &json!({}));
    set_header(&mut r, "Docker-Distribution-Api-Version", "registry/2.0");
    r
}

async fn unknown() -> Resp {
    registry_error(404, "NAME_UNKNOWN", "repository name not known to registry")
}

/// `GET /v2/{repository}/tags/list` (the repository's name has slashes in it).
async fn tags(State(app): State<Arc<App>>, p: Params, req: Req) -> Resp {
    let Some(repo) = p["rest"].strip_suffix("/tags/list") else {
        return unknown().await;
    };
    if !REPOS.contains(&repo) {
        return registry_error(
            404,
            "NAME_UNKNOWN",
            &format!("repository name not known to registry: {repo}"),
        );
    }
    let world = app.world();
    let tags = world.registry_tags.clone();
    drop(world);
    let n = match req.q("n") {
        None => None,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                return registry_error(
                    400,
                    "PAGINATION_NUMBER_INVALID",
                    &format!("invalid number of results requested: {v}"),
                )
            }
        },
    };
    let last = req.q("last").unwrap_or_default();
    let after: Vec<&String> = tags
        .iter()
        .filter(|t| last.is_empty() || t.as_str() > last)
        .collect();
    let take = n.unwrap_or(after.len());
    let page: Vec<&String> = after.iter().take(take).copied().collect();
    let body = json!({"name": repo, "tags": page});
    let etag = format!(
        "\"sha256:{}\"",
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body.to_string().as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let mut r = if req
        .header("if-none-match")
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        empty_resp(304)
    } else {
        json_resp(200, &body)
    };
    set_header(&mut r, "ETag", &etag);
    set_header(&mut r, "Docker-Distribution-Api-Version", "registry/2.0");
    if after.len() > take {
        if let Some(last_tag) = page.last() {
            let link = format!(
                "</v2/{repo}/tags/list?n={take}&last={}>; rel=\"next\"",
                url::form_urlencoded::byte_serialize(last_tag.as_bytes()).collect::<String>()
            );
            set_header(&mut r, "Link", &link);
        }
    }
    r
}
