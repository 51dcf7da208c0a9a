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
//!
//! The modules: `tokens` (what a token request returns), `errors` (why one failed, and the one
//! "sign in again" error), `authority` (the identity platform's endpoints for a tenant),
//! `http_endpoint` (the real [`TokenEndpoint`]).

mod authority;
mod errors;
mod http_endpoint;
mod tokens;

use std::fmt;

use async_trait::async_trait;

use crate::secret::Secret;

pub use authority::Authority;
pub use errors::{sign_in_required, TokenError};
pub use http_endpoint::{network_error, HttpTokenEndpoint};
pub use tokens::{DeviceCodeStart, IdTokenClaims, TokenSet};

/// Scopes added to interactive requests so that we get a refresh token and an id token.
pub const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access"];

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
