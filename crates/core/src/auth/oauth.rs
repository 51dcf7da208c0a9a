//! The identity platform's token endpoint (OAuth 2.0 / OpenID Connect, v2.0 endpoints).
//!
//! [`TokenEndpoint`] is the seam between the sign-in flows and the network: the flows and the
//! refresh logic are written against the trait, [`HttpTokenEndpoint`] is the real one.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
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

#[derive(Deserialize)]
struct RawToken {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
}

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
            return Err(TokenError::Other(
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
                .with_detail("status", status.as_u16()),
            ));
        }
        serde_json::from_slice(&body).map_err(|_| {
            TokenError::Other(Error::new(
                ErrorCode::Service,
                "The sign-in service sent an answer pfrm could not read.",
            ))
        })
    }

    fn token_set(value: serde_json::Value) -> Result<TokenSet, TokenError> {
        let raw: RawToken = serde_json::from_value(value).map_err(|_| {
            TokenError::Other(Error::new(
                ErrorCode::Service,
                "The sign-in service sent a token answer without an access token.",
            ))
        })?;
        let lifetime = seconds(raw.expires_in.as_ref(), 3600);
        Ok(TokenSet {
            access_token: Secret::new(raw.access_token),
            expires_on: OffsetDateTime::now_utc() + Duration::from_secs(lifetime),
            refresh_token: raw.refresh_token.map(Secret::new),
            raw_id_token: raw.id_token.map(Secret::new),
            id_token: None,
        })
    }
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
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.authority.client_id.as_str()),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier.expose()),
            ("scope", scope.as_str()),
        ];
        Self::token_set(self.post(self.authority.token_url(tenant), &form).await?)
    }

    async fn refresh(
        &self,
        tenant: &str,
        refresh_token: &Secret,
        scopes: &[String],
    ) -> Result<TokenSet, TokenError> {
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.authority.client_id.as_str()),
            ("refresh_token", refresh_token.expose()),
            ("scope", scope.as_str()),
        ];
        Self::token_set(self.post(self.authority.token_url(tenant), &form).await?)
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
        Self::token_set(self.post(self.authority.token_url(tenant), &form).await?)
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
