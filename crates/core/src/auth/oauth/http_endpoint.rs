//! [`HttpTokenEndpoint`]: the token endpoint over HTTPS. Code redemption and refresh are the
//! `oauth2` crate's requests sent through pfrm's identity client; the device code requests are
//! pfrm's own (see the module above for why).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthorizationCode, ClientId, EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use url::Url;

use super::{Authority, DeviceCodeStart, TokenEndpoint, TokenError, TokenSet};
use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// The real token endpoint over HTTPS.
#[derive(Debug, Clone)]
pub struct HttpTokenEndpoint {
    authority: Authority,
    http: reqwest::Client,
}

/// What OpenID Connect adds to an OAuth 2.0 token answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OidcFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl ExtraTokenFields for OidcFields {}

type TokenAnswer = StandardTokenResponse<OidcFields, BasicTokenType>;

/// An `oauth2` client that knows the token endpoint only: all the requests it makes here.
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A failure [`HttpTokenEndpoint::send`] already described as pfrm's own error.
#[derive(Debug)]
struct Transport(Error);

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Transport {}

#[derive(Deserialize)]
struct RawError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    claims: Option<String>,
}

#[derive(Deserialize)]
struct RawDeviceCode {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    interval: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<String>,
}

/// Servers send numbers either as JSON numbers or as strings.
fn seconds(value: Option<&serde_json::Value>, default: u64) -> u64 {
    match value {
        Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(default),
        Some(serde_json::Value::String(s)) => s.parse().unwrap_or(default),
        _ => default,
    }
}

impl HttpTokenEndpoint {
    pub fn new(authority: Authority, http: reqwest::Client) -> Self {
        HttpTokenEndpoint { authority, http }
    }

    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    async fn post(&self, url: Url, form: &[(&str, &str)]) -> Result<serde_json::Value, TokenError> {
        let response = self
            .http
            .post(url.clone())
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .map_err(|error| TokenError::Other(network_error(&url, &error)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| TokenError::Other(network_error(&url, &error)))?;
        if let Ok(raw) = serde_json::from_slice::<RawError>(&body) {
            if !status.is_success() || !raw.error.is_empty() {
                return Err(TokenError::OAuth {
                    error: raw.error,
                    description: raw.error_description.unwrap_or_default(),
                    claims: raw.claims,
                });
            }
        }
        if !status.is_success() {
            return Err(TokenError::Other(status_error(status)));
        }
        serde_json::from_slice(&body).map_err(|_| TokenError::Other(unreadable()))
    }

    fn oauth_client(&self, tenant: &str) -> OAuthClient {
        oauth2::Client::new(ClientId::new(self.authority.client_id.clone()))
            .set_token_uri(TokenUrl::from_url(self.authority.token_url(tenant)))
    }

    /// Sends one of `oauth2`'s requests with pfrm's identity client. An answer that is neither a
    /// success nor an OAuth error (a proxy's or load balancer's page) is refused here, with its
    /// status, so that a 503 stays retryable.
    async fn send(&self, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, Transport> {
        let url = Url::parse(&request.uri().to_string())
            .map_err(|_| Transport(Error::internal("an unparsable token endpoint URL")))?;
        let request = reqwest::Request::try_from(request)
            .map_err(|error| Transport(network_error(&url, &error)))?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|error| Transport(network_error(&url, &error)))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|error| Transport(network_error(&url, &error)))?;
        if !status.is_success() && serde_json::from_slice::<RawError>(&body).is_err() {
            return Err(Transport(status_error(status)));
        }
        let mut answer = oauth2::http::Response::builder().status(status.as_u16());
        for (name, value) in &headers {
            answer = answer.header(name, value);
        }
        answer
            .body(body.to_vec())
            .map_err(|_| Transport(unreadable()))
    }
}

/// [`HttpTokenEndpoint::send`] as `oauth2`'s HTTP client (a named type: a closure's future
/// would not be `Send` for every borrow, as `async_trait` needs).
struct IdentityClient<'a>(&'a HttpTokenEndpoint);

impl<'c> oauth2::AsyncHttpClient<'c> for IdentityClient<'_> {
    type Error = Transport;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, Transport>> + Send + 'c>,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.0.send(request))
    }
}

/// `oauth2`'s outcome as pfrm's: the OAuth error code unchanged (so `invalid_grant` and
/// `interaction_required` mean what they always did), never the answer's body (it may hold a
/// token).
fn token_result(
    result: Result<TokenAnswer, RequestTokenError<Transport, BasicErrorResponse>>,
) -> Result<TokenSet, TokenError> {
    let answer = match result {
        Ok(answer) => answer,
        Err(RequestTokenError::ServerResponse(refused)) => {
            return Err(TokenError::OAuth {
                error: refused.error().to_string(),
                description: refused.error_description().cloned().unwrap_or_default(),
                claims: None,
            })
        }
        Err(RequestTokenError::Request(Transport(error))) => return Err(TokenError::Other(error)),
        Err(RequestTokenError::Parse(..) | RequestTokenError::Other(_)) => {
            return Err(TokenError::Other(unreadable()))
        }
    };
    let lifetime = answer.expires_in().unwrap_or(Duration::from_secs(3600));
    Ok(TokenSet {
        access_token: Secret::new(answer.access_token().secret().as_str()),
        expires_on: OffsetDateTime::now_utc() + lifetime,
        refresh_token: answer
            .refresh_token()
            .map(|token| Secret::new(token.secret().as_str())),
        raw_id_token: answer.extra_fields().id_token.clone().map(Secret::new),
        id_token: None,
    })
}

fn status_error(status: reqwest::StatusCode) -> Error {
    Error::new(
        if status.is_server_error() {
            ErrorCode::ServiceUnavailable
        } else {
            ErrorCode::Service
        },
        format!(
            "The sign-in service answered with HTTP {}.",
            status.as_u16()
        ),
    )
    .with_remedy("Try again in a moment.")
    .with_detail("status", status.as_u16())
}

fn unreadable() -> Error {
    Error::new(
        ErrorCode::Service,
        "The sign-in service sent an answer pfrm could not read.",
    )
    .with_remedy("Try again in a moment. If it keeps failing, check the cloud settings.")
}

/// A transport failure, described without the request body (which may hold a secret).
pub fn network_error(url: &Url, error: &reqwest::Error) -> Error {
    if let Some(refused) = crate::http::certificate_error(
        url.host_str().unwrap_or("?"),
        "reach the sign-in service",
        error,
    ) {
        return refused;
    }
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(cause) = source {
        if !chain.is_empty() {
            chain.push_str(": ");
        }
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::new(
        ErrorCode::Network,
        format!(
            "The sign-in service at {} could not be reached.",
            url.host_str().unwrap_or("?")
        ),
    )
    .with_remedy(
        "Check your network connection, proxy settings and the cloud settings, then try again.",
    )
    .with_detail("cause", chain)
}

#[async_trait]
impl TokenEndpoint for HttpTokenEndpoint {
    async fn redeem_code(
        &self,
        tenant: &str,
        code: &Secret,
        redirect_uri: &str,
        verifier: &Secret,
        scopes: &[String],
    ) -> Result<TokenSet, TokenError> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|_| TokenError::Other(Error::internal("the sign-in redirect is not a URL")))?;
        let client = self.oauth_client(tenant);
        let send = IdentityClient(self);
        let result = client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()))
            // Entra's v2 endpoint wants the scopes again when redeeming the code.
            .add_extra_param("scope", scopes.join(" "))
            .request_async(&send)
            .await;
        token_result(result)
    }

    async fn refresh(
        &self,
        tenant: &str,
        refresh_token: &Secret,
        scopes: &[String],
    ) -> Result<TokenSet, TokenError> {
        let client = self.oauth_client(tenant);
        let send = IdentityClient(self);
        let refresh_token = RefreshToken::new(refresh_token.expose().to_owned());
        let result = client
            .exchange_refresh_token(&refresh_token)
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .request_async(&send)
            .await;
        token_result(result)
    }

    async fn start_device_code(
        &self,
        tenant: &str,
        scopes: &[String],
    ) -> Result<DeviceCodeStart, TokenError> {
        let scope = scopes.join(" ");
        let form = [
            ("client_id", self.authority.client_id.as_str()),
            ("scope", scope.as_str()),
        ];
        let value = self
            .post(self.authority.device_code_url(tenant), &form)
            .await?;
        let raw: RawDeviceCode = serde_json::from_value(value).map_err(|_| {
            TokenError::Other(Error::new(
                ErrorCode::Service,
                "The sign-in service sent a device code answer pfrm could not read.",
            ))
        })?;
        Ok(DeviceCodeStart {
            device_code: Secret::new(raw.device_code),
            user_code: raw.user_code,
            verification_uri: raw.verification_uri,
            expires_in: Duration::from_secs(seconds(raw.expires_in.as_ref(), 900)),
            interval: Duration::from_secs(seconds(raw.interval.as_ref(), 5).max(1)),
            message: raw.message,
        })
    }

    async fn poll_device_code(
        &self,
        tenant: &str,
        device_code: &Secret,
    ) -> Result<TokenSet, TokenError> {
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", self.authority.client_id.as_str()),
            ("device_code", device_code.expose()),
        ];
        let answer = self.post(self.authority.token_url(tenant), &form).await?;
        token_result(
            serde_json::from_value(answer).map_err(|_| {
                RequestTokenError::Other("a token answer without an access token".into())
            }),
        )
    }
}
