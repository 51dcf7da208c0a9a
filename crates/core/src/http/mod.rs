//! The one HTTP pipeline every Azure call goes through.
//!
//! Clients build an [`ApiRequest`] as a plain value and hand it to [`Pipeline::send`], which adds
//! the bearer token for the request's [`Audience`], a client request id and the User-Agent,
//! retries transient failures (honouring `Retry-After`), refreshes the token once on 401, and turns
//! every failure into one classified [`Error`]. Long-running operations and paged lists are built
//! on top in [`lro`] and [`pager`].

mod classify;
pub mod lro;
pub mod pager;
mod retry;
pub mod wait;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{TokenCredential, TokenRequestOptions};
use azure_core::http::ClientMethodOptions;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;
use uuid::Uuid;

pub(crate) use classify::challenge_claims;
pub use classify::{
    certificate_error, claims_challenge, classify_response, redact_secrets, ServiceError,
};
pub use reqwest::Method;
pub use retry::{parse_retry_after, retry_after_from, RetryPolicy, MAX_RETRY_AFTER};

pub use crate::cloud::Audience;
use crate::cloud::CloudConfig;
use crate::error::{Error, ErrorCode, Result};

/// Request header carrying pfrm's id for one logical request (the same on every retry).
pub const CLIENT_REQUEST_ID: &str = "x-ms-client-request-id";

/// The User-Agent sent on every request.
pub fn user_agent() -> String {
    format!("pfrm/{}", env!("CARGO_PKG_VERSION"))
}

/// How long pfrm waits for Azure. Every wait ends: a server that accepts the connection and
/// then says nothing gives a [`ErrorCode::Timeout`] error (CLI exit 9) after at most
/// [`Deadlines::read_call`] for a read and [`Deadlines::write_call`] for a write, retries and
/// their waits included. The defaults are documented in `crates/cli/README.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Opening the connection (TCP and TLS).
    pub connect: Duration,
    /// Silence from the server: before the first byte of its answer, or between two reads.
    pub idle: Duration,
    /// One attempt, from sending the request to the last byte of the answer.
    pub attempt: Duration,
    /// One call that only reads (GET, HEAD, OPTIONS), every attempt and wait between included.
    pub read_call: Duration,
    /// One call that writes (PUT, POST, PATCH, DELETE), every attempt and wait included.
    pub write_call: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            connect: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            attempt: Duration::from_secs(90),
            read_call: Duration::from_secs(60),
            write_call: Duration::from_secs(150),
        }
    }
}

impl Deadlines {
    /// The deadline of one call with `method`.
    pub fn for_call(&self, method: &Method) -> Duration {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            self.read_call
        } else {
            self.write_call
        }
    }
}

/// A hint the pipeline puts into [`TokenRequestOptions`]'s context when it asks the credential
/// again after a 401: the cached token was rejected, so the credential should bypass its cache,
/// and, when the service sent a claims challenge, request a token satisfying those claims.
///
/// Credentials read it with `options.method_options.context.value::<TokenRefreshHint>()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRefreshHint {
    /// Always true when the hint is present: do not return the cached token.
    pub force_refresh: bool,
    /// Decoded claims challenge JSON from `WWW-Authenticate`, if the service sent one.
    pub claims: Option<String>,
}

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

/// Sends [`ApiRequest`]s: auth, retries, correlation ids and error classification. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<PipelineInner>,
}

struct PipelineInner {
    client: reqwest::Client,
    cloud: CloudConfig,
    credential: Option<Arc<dyn TokenCredential>>,
    retry: RetryPolicy,
    deadlines: Deadlines,
    redirects: Redirects,
}

impl fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("cloud", &self.inner.cloud.name)
            .field("authenticated", &self.inner.credential.is_some())
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// A pipeline for `cloud` that authenticates with `credential` (ARM, the flow service,
    /// Graph). It follows redirects only within the same origin.
    pub fn new(cloud: &CloudConfig, credential: Arc<dyn TokenCredential>) -> Result<Self> {
        Self::build(
            cloud,
            Some(credential),
            RetryPolicy::default(),
            Deadlines::default(),
            Redirects::SameOrigin,
        )
    }

    /// A pipeline without credential, for anonymous services (the container registry, which
    /// may redirect to another HTTPS host).
    pub fn anonymous(cloud: &CloudConfig) -> Result<Self> {
        Self::build(
            cloud,
            None,
            RetryPolicy::default(),
            Deadlines::default(),
            Redirects::HttpsOnly,
        )
    }

    /// The same pipeline with another retry policy (tests use short delays).
    pub fn with_retry_policy(self, retry: RetryPolicy) -> Self {
        let inner = &self.inner;
        Pipeline {
            inner: Arc::new(PipelineInner {
                client: inner.client.clone(),
                cloud: inner.cloud.clone(),
                credential: inner.credential.clone(),
                retry,
                deadlines: inner.deadlines,
                redirects: inner.redirects,
            }),
        }
    }

    /// The same pipeline with other deadlines (tests use short ones).
    pub fn with_deadlines(self, deadlines: Deadlines) -> Result<Self> {
        let inner = &self.inner;
        Self::build(
            &inner.cloud,
            inner.credential.clone(),
            inner.retry.clone(),
            deadlines,
            inner.redirects,
        )
    }

    fn build(
        cloud: &CloudConfig,
        credential: Option<Arc<dyn TokenCredential>>,
        retry: RetryPolicy,
        deadlines: Deadlines,
        redirects: Redirects,
    ) -> Result<Self> {
        let client = build_client(cloud, &deadlines, redirects.policy())?;
        Ok(Pipeline {
            inner: Arc::new(PipelineInner {
                client,
                cloud: cloud.clone(),
                credential,
                retry,
                deadlines,
                redirects,
            }),
        })
    }

    pub fn deadlines(&self) -> &Deadlines {
        &self.inner.deadlines
    }

    pub fn cloud(&self) -> &CloudConfig {
        &self.inner.cloud
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends `request` and returns its JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, request: &ApiRequest) -> Result<T> {
        self.send(request).await?.json(&request.operation)
    }

    /// Sends `request` through the pipeline. See the module docs for what it adds. The whole
    /// call, retries included, ends within [`Deadlines::for_call`].
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse> {
        let client_request_id = Uuid::new_v4().to_string();
        let url = request.full_url();
        let retry = &self.inner.retry;
        let deadlines = &self.inner.deadlines;
        let call_deadline = deadlines.for_call(&request.method);
        let ends_at = tokio::time::Instant::now() + call_deadline;
        let mut attempt: u32 = 0;
        let mut refresh_hint: Option<TokenRefreshHint> = None;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let token = self
                .token_for(&request.audience, refresh_hint.take())
                .await?;
            let remaining = ends_at.saturating_duration_since(tokio::time::Instant::now());
            let outcome = match tokio::time::timeout(
                remaining.min(deadlines.attempt),
                self.send_once(request, &url, &client_request_id, token.as_deref()),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(_) => Err(Failure::Deadline),
            };
            // Waits before a retry never run past the call's deadline: when the wait would,
            // the last failure is reported now.
            let fits = |delay: Duration| tokio::time::Instant::now() + delay < ends_at;
            match outcome {
                Err(failure) => {
                    // A refused certificate is refused again on every attempt: fail at once.
                    if let Failure::Http(error) = &failure {
                        if let Some(refused) = classify::certificate_error(
                            url.host_str().unwrap_or("the service"),
                            &request.operation,
                            error,
                        ) {
                            return Err(refused.with_detail("clientRequestId", client_request_id));
                        }
                    }
                    // A request that never reached the server can always be sent again; one
                    // that may have been processed only when repeating it is harmless.
                    let safe_to_repeat = failure.is_connect()
                        || (request.repeatable && retry::is_idempotent(&request.method));
                    let delay = retry.backoff(attempt, None);
                    if safe_to_repeat && attempt < retry.max_attempts && fits(delay) {
                        tracing::debug!(
                            operation = %request.operation,
                            attempt,
                            ?delay,
                            "connection failed, retrying: {failure}"
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(match failure {
                        Failure::Http(error) if !error.is_timeout() || error.is_connect() => {
                            network_error(request, &url, &client_request_id, &error)
                        }
                        // The request may have gone out and been carried out before time ran
                        // out: callers of writes read what is true.
                        _ => timeout_error(request, &url, &client_request_id, call_deadline)
                            .with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true),
                    });
                }
                Ok((status, headers, body)) => {
                    let accepted =
                        (200..300).contains(&status) || request.accept_status.contains(&status);
                    if accepted {
                        return Ok(ApiResponse {
                            status,
                            headers,
                            body,
                            client_request_id,
                            url,
                        });
                    }
                    if (300..400).contains(&status) {
                        return Err(redirect_error(request, &url, &headers, &client_request_id));
                    }
                    if status == 401 && token.is_some() && !refreshed {
                        refreshed = true;
                        let claims = classify::challenge_claims(&headers);
                        tracing::debug!(operation = %request.operation, "401, refreshing the token once");
                        refresh_hint = Some(TokenRefreshHint {
                            force_refresh: true,
                            claims,
                        });
                        continue;
                    }
                    // A write that must not be repeated is sent again only when the service
                    // said it did not act on it.
                    let worth_repeating = if request.repeatable {
                        retry::is_retryable_status(status, &request.method)
                    } else {
                        retry::says_not_acted(status)
                    };
                    if worth_repeating && attempt < retry.max_attempts {
                        let retry_after = retry::retry_after_from(&headers);
                        let delay = retry.backoff(attempt, retry_after);
                        if fits(delay) {
                            tracing::debug!(
                                operation = %request.operation,
                                status,
                                attempt,
                                ?delay,
                                "transient failure, retrying"
                            );
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                    }
                    let error = classify_response(
                        &request.operation,
                        status,
                        &headers,
                        &body,
                        &client_request_id,
                    );
                    // After these the server may have acted before failing.
                    return Err(if matches!(status, 500 | 502 | 504) {
                        error.with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true)
                    } else {
                        error
                    });
                }
            }
        }
    }

    async fn send_once(
        &self,
        request: &ApiRequest,
        url: &Url,
        client_request_id: &str,
        token: Option<&str>,
    ) -> std::result::Result<(u16, HeaderMap, Vec<u8>), Failure> {
        let mut builder = self
            .inner
            .client
            .request(request.method.clone(), url.clone())
            .header(CLIENT_REQUEST_ID, client_request_id)
            .header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in &request.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                builder = builder.header(name, value);
            }
        }
        if let Some(token) = token {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid"));
            value.set_sensitive(true);
            builder = builder.header(reqwest::header::AUTHORIZATION, value);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        } else if matches!(request.method, Method::POST | Method::PUT | Method::PATCH) {
            builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        let response = builder.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok((status, headers, body))
    }

    async fn token_for(
        &self,
        audience: &Audience,
        hint: Option<TokenRefreshHint>,
    ) -> Result<Option<String>> {
        let Some(scope) = self.inner.cloud.scope_for(audience) else {
            return Ok(None);
        };
        let Some(credential) = &self.inner.credential else {
            return Err(Error::new(
                ErrorCode::SignInRequired,
                "This request needs a signed-in account, but no one is signed in.",
            )
            .with_remedy("Sign in and try again."));
        };
        let claims = hint.as_ref().and_then(|hint| hint.claims.clone());
        let options = hint.map(|hint| TokenRequestOptions {
            method_options: ClientMethodOptions {
                context: azure_core::http::Context::new().with_value(hint),
            },
        });
        match credential.get_token(&[scope.as_str()], options).await {
            Ok(token) => Ok(Some(token.token.secret().to_owned())),
            Err(error) => {
                let mut error = credential_error(&scope, error);
                if let Some(claims) = claims {
                    error = error.with_detail(classify::CLAIMS_DETAIL, claims);
                }
                Err(error)
            }
        }
    }
}

/// Why one attempt got no answer.
#[derive(Debug)]
enum Failure {
    Http(reqwest::Error),
    /// The attempt's or the call's deadline passed first.
    Deadline,
}

impl Failure {
    fn is_connect(&self) -> bool {
        matches!(self, Failure::Http(error) if error.is_connect())
    }
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        Failure::Http(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Http(error) => f.write_str(&redact_secrets(&error.without_url_text())),
            Failure::Deadline => f.write_str("no answer in time"),
        }
    }
}

/// Which redirects a client follows. None ever goes from HTTPS to plain HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirects {
    /// Only to the same scheme, host and port (ARM, the flow service, Graph): a token-bearing
    /// request is never steered to another service.
    SameOrigin,
    /// To any HTTPS URL (the anonymous container registry).
    HttpsOnly,
}

/// At most this many redirects in one chain.
const MAX_REDIRECTS: usize = 5;

impl Redirects {
    pub(crate) fn policy(self) -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(move |attempt| {
            let next = attempt.url();
            let Some(previous) = attempt.previous().last() else {
                return attempt.stop();
            };
            let downgrade = previous.scheme() == "https" && next.scheme() != "https";
            let other_origin = self == Redirects::SameOrigin && previous.origin() != next.origin();
            if downgrade || other_origin || attempt.previous().len() > MAX_REDIRECTS {
                // The 3xx answer comes back to the pipeline, which reports it.
                attempt.stop()
            } else {
                attempt.follow()
            }
        })
    }
}

/// Builds a reqwest client with `deadlines` (connect, idle; the attempt and call deadlines are
/// enforced by the pipeline).
fn build_client(
    cloud: &CloudConfig,
    deadlines: &Deadlines,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    client_builder(
        cloud,
        deadlines.connect,
        deadlines.idle,
        deadlines.attempt,
        redirects,
    )
}

/// Builds a reqwest client: rustls, system proxy (HTTPS_PROXY/NO_PROXY), and the cloud's own
/// CA when it has one. The CA is added to this client only, so it is trusted for this cloud's
/// requests and nowhere else. Connect and idle waits use the [`Deadlines`] defaults.
pub(crate) fn https_client_for_cloud(
    cloud: &CloudConfig,
    request_timeout: Duration,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    let defaults = Deadlines::default();
    client_builder(
        cloud,
        defaults.connect,
        defaults.idle.min(request_timeout),
        request_timeout,
        redirects,
    )
}

fn client_builder(
    cloud: &CloudConfig,
    connect: Duration,
    idle: Duration,
    request_timeout: Duration,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(connect)
        .read_timeout(idle)
        .timeout(request_timeout)
        .redirect(redirects);
    if let Some(pem) = &cloud.extra_ca_pem {
        let certificates =
            reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|error| {
                Error::new(
                    ErrorCode::Config,
                    format!(
                        "The CA certificate of cloud '{}' could not be read: {error}.",
                        cloud.name
                    ),
                )
            })?;
        builder = builder.tls_certs_merge(certificates);
    }
    builder.build().map_err(|error| {
        Error::new(
            ErrorCode::Config,
            format!("The HTTPS client could not be set up: {error}."),
        )
        .with_remedy("Check the proxy settings (HTTPS_PROXY) and the cloud configuration.")
    })
}

fn timeout_error(
    request: &ApiRequest,
    url: &Url,
    client_request_id: &str,
    deadline: Duration,
) -> Error {
    let host = url.host_str().unwrap_or("the service");
    Error::new(
        ErrorCode::Timeout,
        format!(
            "pfrm could not {} because {host} did not answer within {} seconds.",
            request.operation,
            deadline.as_secs()
        ),
    )
    .with_remedy("The service may be slow or a proxy may be holding the connection. Try again in a few minutes; check your VPN or proxy (HTTPS_PROXY) if it keeps happening.")
    .with_detail("host", host)
    .with_detail("clientRequestId", client_request_id)
}

fn redirect_error(
    request: &ApiRequest,
    url: &Url,
    headers: &HeaderMap,
    client_request_id: &str,
) -> Error {
    let host = url.host_str().unwrap_or("the service");
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| url.join(location).ok());
    let target = location
        .as_ref()
        .map(|target| {
            format!(
                "{}://{}",
                target.scheme(),
                target.host_str().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "another address".to_owned());
    Error::new(
        ErrorCode::Network,
        format!(
            "pfrm could not {} because {host} redirected the request to {target}, which pfrm does not follow (only HTTPS on the same host is).",
            request.operation
        ),
    )
    .with_remedy("A proxy, captive portal or misconfigured endpoint may be answering instead of Azure. Check your network and the cloud configuration, then try again.")
    .with_detail("host", host)
    .with_detail("redirectedTo", target)
    .with_detail("clientRequestId", client_request_id)
}

fn network_error(
    request: &ApiRequest,
    url: &Url,
    client_request_id: &str,
    error: &reqwest::Error,
) -> Error {
    let host = url.host_str().unwrap_or("the service");
    let cause = if error.is_timeout() {
        "the request timed out".to_owned()
    } else if error.is_connect() {
        "the connection could not be made".to_owned()
    } else {
        // reqwest's Display includes the URL; keep only the kind of failure.
        redact_secrets(&error.without_url_text())
    };
    let error = if error.is_connect() {
        Error::new(
            ErrorCode::Network,
            format!(
                "pfrm could not {} because {host} could not be reached ({cause}).",
                request.operation
            ),
        )
    } else {
        // The request went out: the server may have carried it out before the answer was lost.
        Error::new(
            ErrorCode::Network,
            format!(
                "pfrm sent the request to {} to {host}, but its answer was lost ({cause}).",
                request.operation
            ),
        )
        .with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true)
    };
    error
        .with_remedy("Check your internet connection, VPN or proxy (HTTPS_PROXY), then try again.")
        .with_detail("host", host)
        .with_detail("clientRequestId", client_request_id)
}

trait WithoutUrlText {
    fn without_url_text(&self) -> String;
}

impl WithoutUrlText for reqwest::Error {
    fn without_url_text(&self) -> String {
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(self);
        let mut text = String::from("request failed");
        while let Some(cause) = source {
            text = cause.to_string();
            source = cause.source();
        }
        text
    }
}

fn credential_error(scope: &str, error: azure_core::Error) -> Error {
    if let Some(inner) = error.get_ref() {
        if let Some(ours) = inner.downcast_ref::<Error>() {
            return ours.clone();
        }
    }
    let code = match error.kind() {
        azure_core::error::ErrorKind::Io | azure_core::error::ErrorKind::Connection => {
            ErrorCode::Network
        }
        _ => ErrorCode::SignInRequired,
    };
    let remedy = if code == ErrorCode::Network {
        "Check your internet connection, VPN or proxy, then try again."
    } else {
        "Sign in again."
    };
    Error::new(
        code,
        format!(
            "pfrm could not get an access token for {}: {}.",
            scope.trim_end_matches("/.default"),
            redact_secrets(&error.to_string())
        ),
    )
    .with_remedy(remedy)
}
