//! Sign-in and credentials.
//!
//! Three ways to sign in, each ending in an `azure_core` [`TokenCredential`]:
//! - [`browser`]: authorization code + PKCE through the system browser and a loopback redirect;
//! - [`device_code`]: a code typed on another device;
//! - [`azure_cli`]: an existing `az login`.
//!
//! [`accounts::AccountManager`] keeps the signed-in accounts, their tenants and the active one;
//! [`store`] keeps refresh tokens in the OS keychain.

pub mod accounts;
pub mod azure_cli;
pub mod browser;
pub mod device_code;
pub mod loopback;
pub mod oauth;
pub mod pkce;
pub mod session;
pub mod store;

pub use accounts::{
    AccountManager, AccountSummary, SignInMethod, SignInState, SignInStatus, TenantSummary,
};
pub use device_code::DeviceCodePrompt;
pub use session::UserCredential;

use crate::error::{Error, ErrorCode};

/// `scopes` plus `openid profile offline_access`, without duplicates.
pub fn with_oidc_scopes(scopes: &[String]) -> Vec<String> {
    let mut all: Vec<String> = scopes.to_vec();
    for scope in oauth::OIDC_SCOPES {
        if !all.iter().any(|s| s == scope) {
            all.push((*scope).to_owned());
        }
    }
    all
}

/// Wraps our error so that it survives the trip through `azure_core` (the pipeline downcasts it).
pub fn to_azure_error(error: Error) -> azure_core::Error {
    azure_core::Error::new(azure_core::error::ErrorKind::Credential, error)
}

/// Recovers our error from an `azure_core` error produced by a pfrm credential.
pub fn from_azure_error(error: &azure_core::Error) -> Error {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Error>())
        .cloned()
        .unwrap_or_else(|| {
            Error::new(
                ErrorCode::SignInRequired,
                "pfrm could not get an access token.",
            )
            .with_remedy("Sign in again.")
            .with_detail("cause", crate::http::redact_secrets(&error.to_string()))
        })
}

/// The HTTPS client for the identity platform: the cloud's extra CA (if any), system proxy.
pub fn identity_http_client(cloud: &crate::cloud::CloudConfig) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .user_agent(crate::http::user_agent())
        .connect_timeout(std::time::Duration::from_secs(20))
        .timeout(std::time::Duration::from_secs(60))
        // A token endpoint never redirects; following one could send a code elsewhere.
        .redirect(reqwest::redirect::Policy::none());
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::oauth::{DeviceCodeStart, TokenSet};
    use super::pkce::Pkce;
    use crate::secret::Secret;

    #[test]
    fn debug_of_every_token_carrying_type_is_redacted() {
        let tokens = TokenSet {
            access_token: Secret::new("canary-access"),
            expires_on: time::OffsetDateTime::now_utc(),
            refresh_token: Some(Secret::new("canary-refresh")),
            id_token: None,
        };
        let start = DeviceCodeStart {
            device_code: Secret::new("canary-device"),
            user_code: "ABCD".into(),
            verification_uri: "https://login.example.test/device".into(),
            expires_in: Duration::from_secs(900),
            interval: Duration::from_secs(5),
            message: None,
        };
        let pkce = Pkce::generate();
        let text = format!("{tokens:?} {start:?} {pkce:?} {tokens:#?}");
        for canary in [
            "canary-access",
            "canary-refresh",
            "canary-device",
            pkce.verifier.expose(),
        ] {
            assert!(!text.contains(canary), "{canary} leaked: {text}");
        }
    }

    #[test]
    fn oidc_scopes_are_added_once() {
        let scopes = super::with_oidc_scopes(&["arm/.default".into(), "openid".into()]);
        assert_eq!(
            scopes,
            ["arm/.default", "openid", "profile", "offline_access"]
        );
    }
}
