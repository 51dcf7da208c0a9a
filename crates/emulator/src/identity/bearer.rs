//! Bearer tokens as the resources (ARM, the flow service, Graph) check them.

use super::unix_now;
use crate::http::Req;
use crate::App;
use serde_json::Value;

pub const ARM_AUDIENCES: [&str; 4] = [
    "https://management.azure.com",
    "https://management.azure.com/",
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
];
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

/// Why a bearer token was refused by a resource.
pub enum BearerError {
    Missing,
    Invalid(String),
    Expired,
    Audience(String),
}

/// Validated claims of an access token for one of `audiences`.
pub fn validate_bearer(app: &App, req: &Req, audiences: &[&str]) -> Result<Value, BearerError> {
    let header = req.header("authorization").unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .unwrap_or_default();
    validate_token(app, token, audiences)
}

/// Validated claims of an access token presented some other way (a registry's token exchange
/// takes it in a form).
pub fn validate_token(app: &App, token: &str, audiences: &[&str]) -> Result<Value, BearerError> {
    if token.is_empty() {
        return Err(BearerError::Missing);
    }
    let claims = app.signer.verify(token).map_err(|e| match e {
        crate::jwt::TokenProblem::Malformed(m) => BearerError::Invalid(m),
        crate::jwt::TokenProblem::BadSignature => {
            BearerError::Invalid("the token signature is invalid".into())
        }
    })?;
    let exp = claims["exp"].as_u64().unwrap_or(0);
    if exp <= unix_now() {
        return Err(BearerError::Expired);
    }
    let iss = claims["iss"].as_str().unwrap_or_default();
    if !iss.starts_with(&app.info.authority_host) {
        return Err(BearerError::Invalid(
            "the token was not issued by this authority".into(),
        ));
    }
    let aud = claims["aud"].as_str().unwrap_or_default();
    if !audiences.iter().any(|a| a.eq_ignore_ascii_case(aud)) {
        return Err(BearerError::Audience(aud.to_string()));
    }
    Ok(claims)
}
