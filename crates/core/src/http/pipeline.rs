//! [`Pipeline`]: sends one [`ApiRequest`] with its token, correlation id and User-Agent, within
//! its deadline, retrying only what is safe to repeat, and turns every failure into one error.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{TokenCredential, TokenRequestOptions};
use azure_core::http::ClientMethodOptions;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use url::Url;
use uuid::Uuid;

use super::client::{build_client, Redirects};
use super::failures::{credential_error, network_error, redirect_error, timeout_error, Failure};
use super::{
    classify, classify_response, retry, ApiRequest, ApiResponse, Audience, Deadlines, Method,
    RetryPolicy, CLIENT_REQUEST_ID,
};
use crate::cloud::CloudConfig;
use crate::error::{Error, ErrorCode, Result};

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
            let token = match &request.bearer {
                Some(bearer) => Some(bearer.expose().to_owned()),
                None => {
                    self.token_for(&request.audience, refresh_hint.take())
                        .await?
                }
            };
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
                    if status == 401 && token.is_some() && request.bearer.is_none() && !refreshed {
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
            .header(CLIENT_REQUEST_ID, client_request_id);
        // JSON unless the request names what it accepts (a registry's manifest types).
        if !request
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"))
        {
            builder = builder.header(reqwest::header::ACCEPT, "application/json");
        }
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
        if !request.form.is_empty() {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in &request.form {
                form.append_pair(name, value.expose());
            }
            builder = builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(form.finish());
        } else if let Some(body) = &request.body {
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

    /// An access token for `audience`, for a service that takes it in a form rather than a
    /// header (a container registry's token exchange). It stays a [`Secret`].
    pub async fn access_token(&self, audience: &Audience) -> Result<crate::secret::Secret> {
        match self.token_for(audience, None).await? {
            Some(token) => Ok(crate::secret::Secret::new(token)),
            None => Err(Error::internal("an access token was asked for no audience")),
        }
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
