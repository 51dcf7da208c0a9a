//! How a request reaches its handler: each emulated service is an axum [`Router`] of small
//! handlers, one module per route family. The listener (`server`) has already read the request
//! and applied fault injection; here it is matched against the service's routes.
//!
//! Azure matches the fixed words of ARM and flow service paths without regard to case
//! (`resourceGroups`, `resourcegroups`), while names (`{workspace}`, `{compute}`) keep the case
//! the client sent. axum's router is case-sensitive, so those services route on a lower-cased
//! copy of the path and handlers read names through [`Params`], which takes them from the path
//! as sent. Empty segments (`//`, a trailing `/`) are ignored, as Azure does.

use crate::http::{empty_resp, Req, Resp};
use crate::server::Service;
use crate::App;
use axum::extract::{FromRequestParts, MatchedPath};
use axum::Router;
use http_body_util::BodyExt;
use hyper::http::request::Parts;
use hyper::http::{Extensions, Uri};
use hyper::{Request, Response};
use std::sync::Arc;
use tower::ServiceExt;

/// Whether a service's fixed path words match without regard to case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Sensitive,
    Insensitive,
}

/// The service's routes, built once per listener.
pub fn router(service: Service, app: Arc<App>) -> Router {
    let routes = match service {
        Service::Authority => crate::identity::router(),
        Service::Arm => crate::arm::router(),
        Service::Flow => crate::flow::router(),
        Service::Registry => crate::registry::router(),
        Service::Graph => crate::graph::router(),
        Service::Control => crate::control::router(),
    };
    routes.with_state(app)
}

/// Answers `req` with the service's own checks around the routed handler.
pub async fn handle(service: Service, app: &Arc<App>, router: &Router, req: Req) -> Resp {
    match service {
        Service::Authority => crate::identity::handle(router, req).await,
        Service::Arm => crate::arm::handle(app, router, req).await,
        Service::Flow => crate::flow::handle(router, req).await,
        Service::Registry => crate::registry::handle(router, req).await,
        Service::Graph => crate::graph::handle(app, router, req).await,
        Service::Control => crate::control::handle(router, req).await,
    }
}

/// The non-empty segments of a path, as sent.
pub fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The path segments as sent, in step with the routed path (see [`Params`]).
#[derive(Clone)]
struct Sent(Arc<Vec<String>>);

/// Routes `req` by `segments` (the path, or the part of it a service routes on) through
/// `router`, with `extensions` (what the service's own checks found) available to handlers.
pub async fn call(
    router: &Router,
    req: Req,
    segments: Vec<String>,
    case: Case,
    extensions: Extensions,
) -> Resp {
    let routed: Vec<String> = match case {
        Case::Sensitive => segments.clone(),
        Case::Insensitive => segments.iter().map(|s| s.to_ascii_lowercase()).collect(),
    };
    let uri = format!("/{}", routed.join("/"))
        .parse::<Uri>()
        .unwrap_or_else(|_| Uri::from_static("/-"));
    let mut request = Request::new(axum::body::Body::empty());
    *request.method_mut() = req.method.clone();
    *request.uri_mut() = uri;
    *request.headers_mut() = req.headers.clone();
    request.extensions_mut().extend(extensions);
    request.extensions_mut().insert(Sent(Arc::new(segments)));
    request.extensions_mut().insert(req);
    let response = match router.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    // Handlers answer whole bodies; fault injection may later cut this one short.
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    Response::from_parts(parts, crate::http::body(bytes))
}

impl<S: Send + Sync> FromRequestParts<S> for Req {
    type Rejection = Resp;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Req>()
            .cloned()
            .ok_or_else(|| empty_resp(500))
    }
}

/// The named segments of the matched route, in the case the client sent them. A `{*rest}`
/// segment takes the rest of the path, joined with `/`.
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Names given by hand (a fallback, which has no matched route).
    pub fn named(pairs: &[(&str, String)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

impl std::ops::Index<&str> for Params {
    type Output = str;
    fn index(&self, name: &str) -> &str {
        self.get(name)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Resp;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let sent = parts.extensions.get::<Sent>().cloned();
        let template = parts.extensions.get::<MatchedPath>().cloned();
        let (Some(Sent(sent)), Some(template)) = (sent, template) else {
            return Ok(Params(vec![]));
        };
        let mut params = vec![];
        for (i, word) in template
            .as_str()
            .split('/')
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            if let Some(name) = word.strip_prefix("{*").and_then(|w| w.strip_suffix('}')) {
                params.push((
                    name.to_string(),
                    sent.get(i..).unwrap_or_default().join("/"),
                ));
                break;
            }
            if let Some(name) = word.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                params.push((name.to_string(), sent.get(i).cloned().unwrap_or_default()));
            }
        }
        Ok(Params(params))
    }
}

/// The segments of the path as sent (for a fallback, which has no matched route).
pub fn sent_segments(parts_extensions: &Extensions) -> Vec<String> {
    parts_extensions
        .get::<Sent>()
        .map(|s| s.0.as_ref().clone())
        .unwrap_or_default()
}

/// The path as sent, segment by segment (a handler's view of [`sent_segments`]).
pub struct Segments(pub Vec<String>);

impl<S: Send + Sync> FromRequestParts<S> for Segments {
    type Rejection = Resp;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Segments(sent_segments(&parts.extensions)))
    }
}
