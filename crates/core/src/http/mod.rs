//! The one HTTP pipeline every Azure call goes through.
//!
//! Clients build an [`ApiRequest`] as a plain value and hand it to [`Pipeline::send`], which adds
//! the bearer token for the request's [`Audience`], a client request id and the User-Agent,
//! retries transient failures (honouring `Retry-After`), refreshes the token once on 401, and turns
//! every failure into one classified [`crate::Error`]. Long-running operations and paged lists are
//! built on top in [`lro`] and [`pager`].
//!
//! The modules, each one concern: `request` (the request and response as values), `deadlines`
//! (how long a call may take), `client` (the HTTPS client: TLS roots, proxy, redirect rule),
//! `pipeline` (sending: token, attempts, retries), `retry` (what is retried and when),
//! `classify` (what a failed answer means), `failures` (what a call that got no answer means),
//! [`lro`], [`pager`] and [`wait`].

mod classify;
mod client;
mod deadlines;
mod failures;
pub mod lro;
pub mod pager;
mod pipeline;
mod request;
mod retry;
pub mod wait;

pub use classify::{
    certificate_error, claims_challenge, classify_response, redact_secrets, ServiceError,
};
pub(crate) use classify::{challenge_claims, challenge_parameter};
pub(crate) use client::https_client_for_cloud;
pub use deadlines::Deadlines;
pub use pipeline::{Pipeline, TokenRefreshHint};
pub use request::{ApiRequest, ApiResponse};
pub use reqwest::Method;
pub use retry::{parse_retry_after, retry_after_from, RetryPolicy, MAX_RETRY_AFTER};

pub use crate::cloud::Audience;

/// Request header carrying pfrm's id for one logical request (the same on every retry).
pub const CLIENT_REQUEST_ID: &str = "x-ms-client-request-id";

/// The User-Agent sent on every request.
pub fn user_agent() -> String {
    format!("pfrm/{}", env!("CARGO_PKG_VERSION"))
}
