//! A request and its answer as plain values: clients build requests without sending them, so
//! tests can compare them and the pipeline alone decides how they go out.

use std::fmt;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::{Audience, Method};
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;

/// One HTTP request as a plain value.
#[derive(Clone, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    pub url: Url,
    /// Query pairs appended to `url` (which may already carry some, e.g. a `nextLink`).
    pub query: Vec<(String, String)>,
    /// Extra headers. `Authorization`, the client request id and User-Agent are added by the pipeline.
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    /// A form body (`application/x-www-form-urlencoded`), sent instead of [`Self::body`] when
    /// not empty. Values are secrets: a token exchange carries tokens in its form.
    pub form: Vec<(String, Secret)>,
    /// A token the caller obtained itself (a container registry's own access token), sent as
    /// `Authorization: Bearer` in place of one for [`Self::audience`], and never refreshed.
    pub bearer: Option<Secret>,
    /// Which token to attach; [`Audience::None`] sends no `Authorization` header.
    pub audience: Audience,
    /// What the request does, in words for error messages ("list the workspaces").
    pub operation: String,
    /// Non-2xx statuses the caller handles itself (e.g. 304 for cached tag lists).
    pub accept_status: Vec<u16>,
    /// Whether the pipeline may send it again after a transient failure (see
    /// [`Self::not_repeatable`]).
    pub repeatable: bool,
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers may carry secrets supplied by a caller; print names only.
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("query", &self.query)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field(
                "form",
                &self.form.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .field("bearer", &self.bearer.is_some())
            .field("audience", &self.audience)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl ApiRequest {
    pub fn new(method: Method, url: Url, audience: Audience, operation: impl Into<String>) -> Self {
        ApiRequest {
            method,
            url,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            form: Vec::new(),
            bearer: None,
            audience,
            operation: operation.into(),
            accept_status: Vec::new(),
            repeatable: true,
        }
    }

    pub fn get(url: Url, audience: Audience, operation: impl Into<String>) -> Self {
        Self::new(Method::GET, url, audience, operation)
    }

    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Adds one field to the form body (see [`Self::form`]).
    pub fn form_field(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.form.push((name.into(), value.into()));
        self
    }

    /// Sends `token` as the bearer (see [`Self::bearer`]).
    pub fn bearer(mut self, token: Secret) -> Self {
        self.bearer = Some(token);
        self
    }

    pub fn accept(mut self, status: u16) -> Self {
        self.accept_status.push(status);
        self
    }

    /// A write that must not be repeated blindly, whatever its method (the flow service's runtime
    /// create and update start work on every call). The pipeline sends it again only when the
    /// server cannot have acted on it: the connection could not be made (nothing was sent), or
    /// the service answered 429 or 503 (it turned the request away; its `Retry-After` is
    /// honoured). After a reset, a cut-off answer, a timeout or a 500/502/504 it is not sent
    /// again: the error says the outcome is unknown ([`crate::Error::outcome_unknown`]) and the
    /// caller reads what is true.
    pub fn not_repeatable(mut self) -> Self {
        self.repeatable = false;
        self
    }

    /// The URL with [`Self::query`] applied, as it goes on the wire.
    pub fn full_url(&self) -> Url {
        let mut url = self.url.clone();
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        url
    }
}

/// A response whose status was 2xx or one the request accepted.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The `x-ms-client-request-id` pfrm sent.
    pub client_request_id: String,
    /// The URL that was finally called (after query parameters were applied).
    pub url: Url,
}

impl ApiResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Parses the body as JSON into `T`; names the operation when the shape is unexpected.
    pub fn json<T: DeserializeOwned>(&self, operation: &str) -> Result<T> {
        let body: &[u8] = if self.body.is_empty() {
            b"null"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|error| {
            Error::new(
                ErrorCode::Service,
                format!("Azure answered '{operation}' with data pfrm could not read: {error}."),
            )
            .with_remedy("Try again; if it keeps failing, report it with the log file.")
            .with_detail("status", self.status)
            .with_detail("clientRequestId", self.client_request_id.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_exchange_request_shows_no_token_when_printed() {
        let request = ApiRequest::new(
            Method::POST,
            Url::parse("https://contoso.azurecr.io/oauth2/exchange").unwrap(),
            Audience::None,
            "sign in to the registry",
        )
        .form_field("grant_type", "access_token")
        .form_field("access_token", "eyJ0eXAi.canary-aad.sig")
        .bearer(Secret::new("canary-acr-access"));
        let printed = format!("{request:?}");
        assert!(printed.contains("access_token"), "{printed}");
        assert!(!printed.contains("canary"), "{printed}");
    }
}
