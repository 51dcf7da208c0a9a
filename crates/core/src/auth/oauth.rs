//! The identity platform's token endpoint (OAuth 2.0 / OpenID Connect, v2.0 endpoints).
//!
//! [`TokenEndpoint`] is the seam between the sign-in flows and the network: the flows and the
//! refresh logic are written against the trait, [`HttpTokenEndpoint`] is the real one.
//!
//! Which protocol code is a maintained crate's and which is pfrm's own, and why:
//! - Code redemption and refresh are the `oauth2` crate's token requests (request building,
//!   public-client `client_id` in the body, PKCE verifier, response and error parsing), sent
//!   through pfrm's own identity client (reqwest 0.13: pfrm's TLS roots, proxy, and no redirect
//!   following) by [`HttpTokenEndpoint::send`]. pfrm maps the outcome to its own secret types and
//!   errors, so `invalid_grant` still reaches the refresh lock's logic and an unreadable or 5xx
//!   answer stays a retryable service error.
//! - Device code stays hand-written: `oauth2`'s device flow runs its own polling loop (its own
//!   sleeps, backoff and timeout), while pfrm waits in one place only (`http::wait`, which the
//!   device code flow uses with RFC 8628's interval and `slow_down`), and the crate has no
//!   request for a single poll. Its start request would be the only part left to share, and it
//!   rejects answers whose `expires_in` is a string, as some servers send.
//! - ID tokens are checked by [`super::id_token`] with `jsonwebtoken`, not `openidconnect`'s
//!   verifier: Entra's multi-tenant discovery names the issuer as a template
//!   (`…/{tenantid}/v2.0`) filled from the token's `tid`, which that verifier's exact issuer
//!   match cannot express (it would have to be switched off and redone by hand anyway).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
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

use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// Scopes added to interactive requests so that we get a refresh token and an id token.
pub const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access"];

/// What a token request returned.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub expires_on: OffsetDateTime,
    pub refresh_token: Option<Secret>,
    /// The ID token as the server sent it; nothing in it is trusted until
    /// [`super::id_token::validate`] has checked it.
    pub raw_id_token: Option<Secret>,
    /// The identity claims of a validated ID token (set by the sign-in flows, never by the
    /// token endpoint itself).
    pub id_token: Option<IdTokenClaims>,
}

/// The claims of an id token that identify the user. None of them is secret; any may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct IdTokenClaims {
    pub oid: Option<String>,
    pub sub: Option<String>,
    pub tid: Option<String>,
    pub preferred_username: Option<String>,
    pub upn: Option<String>,
    pub name: Option<String>,
    pub nonce: Option<String>,
    pub iss: Option<String>,
}

impl IdTokenClaims {
    /// Reads the payload of a JWT without checking anything. Only for tokens from a local source
    /// pfrm already trusts (the Azure CLI); a sign-in's ID token goes through
    /// [`super::id_token::validate`].
    pub fn from_jwt(jwt: &str) -> Option<Self> {
        let payload = jwt.split('.').nth(1)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// A stable user id: the object id, or the subject when the server has no `oid`.
    pub fn user_id(&self) -> Option<&str> {
        self.oid.as_deref().or(self.sub.as_deref())
    }

    pub fn username(&self) -> Option<&str> {
        self.preferred_username.as_deref().or(self.upn.as_deref())
    }
}

/// The start of a device code sign-in.
#[derive(Debug, Clone)]
pub struct DeviceCodeStart {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
    pub interval: Duration,
    pub message: Option<String>,
}

/// Why a token request failed.
#[derive(Debug, Clone)]
pub enum TokenError {
    /// The server answered with an OAuth error (`invalid_grant`, `authorization_pending`, ...).
    OAuth {
        error: String,
        description: String,
        /// A claims challenge the server attached, if any.
        claims: Option<String>,
    },
    /// Anything else: network, TLS, an unreadable answer.
    Other(Error),
}

impl TokenError {
    pub fn oauth_code(&self) -> Option<&str> {
        match self {
            TokenError::OAuth { error, .. } => Some(error),
            TokenError::Other(_) => None,
        }
    }

    /// Whether the only way forward is an interactive sign-in.
    pub fn needs_interaction(&self) -> bool {
        matches!(
            self.oauth_code(),
            Some("invalid_grant" | "interaction_required" | "consent_required" | "login_required")
        )
    }

    /// The user-facing error.
    pub fn into_error(self) -> Error {
        match self {
            TokenError::Other(error) => error,
            TokenError::OAuth {
                ref error,
                ref description,
                ..
            } if self.needs_interaction() => {
                sign_in_required("Your sign-in has expired or was revoked.")
                    .with_detail("oauthError", error.as_str())
                    .with_detail("description", first_line(description))
            }
            TokenError::OAuth {
                error, description, ..
            } => Error::new(
                ErrorCode::Service,
                format!("The sign-in service refused the request ({error})."),
            )
            .with_remedy("Try signing in again. If it keeps failing, check the cloud settings.")
            .with_detail("oauthError", error)
            .with_detail("description", first_line(&description)),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::OAuth { error, .. } => write!(f, "OAuth error {error}"),
            TokenError::Other(error) => write!(f, "{error}"),
        }
    }
}

/// The "sign in again" error every flow uses.
pub fn sign_in_required(message: &str) -> Error {
    Error::new(ErrorCode::SignInRequired, message).with_remedy(
        "Sign in again (in the app: account menu → Sign in; on the command line: `pfrm login`).",
    )
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

/// The token endpoint operations the flows need. `tenant` selects the authority path segment.
#[async_trait]
pub trait TokenEndpoint: Send + Sync + fmt::Debug {
    async fn redeem_code(
        &self,
        tenant: &str,
        code: &Secret,
        redirect_uri: &str,
        verifier: &Secret,
        scopes: &[String],
    ) -> Result<TokenSet, TokenError>;

    async fn refresh(
        &self,
        tenant: &str,
        refresh_token: &Secret,
        scopes: &[String],
    ) -> Result<TokenSet, TokenError>;

    async fn start_device_code(
        &self,
        tenant: &str,
        scopes: &[String],
    ) -> Result<DeviceCodeStart, TokenError>;

    async fn poll_device_code(
        &self,
        tenant: &str,
        device_code: &Secret,
    ) -> Result<TokenSet, TokenError>;
}

/// The authority host and the public client's id: all a flow needs to know about the cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// `https://login.microsoftonline.com` or a custom host. Always https.
    pub host: Url,
    pub client_id: String,
}

impl Authority {
    pub fn new(host: Url, client_id: impl Into<String>) -> Result<Self, Error> {
        if host.scheme() != "https" {
            return Err(Error::new(
                ErrorCode::Config,
                format!("The sign-in authority {host} does not use https."),
            )
            .with_remedy("Use an https authority host in the cloud settings."));
        }
        Ok(Authority {
            host,
            client_id: client_id.into(),
        })
    }

    fn endpoint(&self, tenant: &str, path: &str) -> Url {
        let mut url = self.host.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base}/{tenant}/oauth2/v2.0/{path}"));
        url.set_query(None);
        url
    }

    pub fn authorize_url(&self, tenant: &str) -> Url {
        self.endpoint(tenant, "authorize")
    }

    pub fn token_url(&self, tenant: &str) -> Url {
        self.endpoint(tenant, "token")
    }

    pub fn device_code_url(&self, tenant: &str) -> Url {
        self.endpoint(tenant, "devicecode")
    }

    /// Whether `url` is this authority's https authorize endpoint (checked before a browser opens it).
    pub fn is_own_authorize_url(&self, url: &Url, tenant: &str) -> bool {
        let expected = self.authorize_url(tenant);
        url.scheme() == "https"
            && url.host_str() == expected.host_str()
            && url.port_or_known_default() == expected.port_or_known_default()
            && url.path() == expected.path()
            && url.username().is_empty()
            && url.password().is_none()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn authority() -> Authority {
        Authority::new(
            Url::parse("https://login.example.test/").unwrap(),
            "client-1",
        )
        .unwrap()
    }

    #[test]
    fn endpoints_follow_the_v2_layout() {
        let authority = authority();
        assert_eq!(
            authority.token_url("organizations").as_str(),
            "https://login.example.test/organizations/oauth2/v2.0/token"
        );
        assert_eq!(
            authority.device_code_url("t1").as_str(),
            "https://login.example.test/t1/oauth2/v2.0/devicecode"
        );
    }

    #[test]
    fn http_authorities_are_refused() {
        let error =
            Authority::new(Url::parse("http://login.example.test").unwrap(), "c").unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
    }

    #[test]
    fn only_the_authoritys_own_https_authorize_url_is_accepted() {
        let authority = authority();
        let mut good = authority.authorize_url("t1");
        good.set_query(Some("client_id=client-1"));
        assert!(authority.is_own_authorize_url(&good, "t1"));
        for bad in [
            "http://login.example.test/t1/oauth2/v2.0/authorize",
            "https://evil.example.test/t1/oauth2/v2.0/authorize",
            "https://login.example.test:8443/t1/oauth2/v2.0/authorize",
            "https://login.example.test/t2/oauth2/v2.0/authorize",
            "https://user@login.example.test/t1/oauth2/v2.0/authorize",
            "file:///etc/passwd",
        ] {
            assert!(
                !authority.is_own_authorize_url(&Url::parse(bad).unwrap(), "t1"),
                "{bad}"
            );
        }
    }

    #[test]
    fn id_token_claims_are_read_from_the_payload() {
        let payload = URL_SAFE_NO_PAD.encode(
            br#"{"oid":"u1","tid":"t1","preferred_username":"alice@contoso.test","name":"Alice","nonce":"n1"}"#,
        );
        let claims = IdTokenClaims::from_jwt(&format!("e30.{payload}.sig")).unwrap();
        assert_eq!(claims.user_id(), Some("u1"));
        assert_eq!(claims.username(), Some("alice@contoso.test"));
        assert_eq!(claims.nonce.as_deref(), Some("n1"));
        assert!(IdTokenClaims::from_jwt("not-a-jwt").is_none());
    }

    #[test]
    fn invalid_grant_becomes_sign_in_required_without_a_loop() {
        let error = TokenError::OAuth {
            error: "invalid_grant".into(),
            description: "AADSTS70008: expired".into(),
            claims: None,
        };
        assert!(error.needs_interaction());
        assert_eq!(error.into_error().code, ErrorCode::SignInRequired);
        let other = TokenError::OAuth {
            error: "invalid_client".into(),
            description: String::new(),
            claims: None,
        };
        assert_eq!(other.into_error().code, ErrorCode::Service);
    }
}
