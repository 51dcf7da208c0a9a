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
pub mod discovery;
#[cfg(test)]
mod fake_authority;
pub mod id_token;
pub mod loopback;
pub mod oauth;
pub mod pkce;
pub mod refresh_lock;
pub mod session;
pub mod store;

pub use accounts::{AccountManager, AccountSummary, SignInMethod, SignInState, SignInStatus};
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
    crate::http::https_client_for_cloud(
        cloud,
        std::time::Duration::from_secs(60),
        // A token endpoint never redirects; following one could send a code elsewhere.
        reqwest::redirect::Policy::none(),
    )
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
            raw_id_token: None,
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

    /// A redirect from the identity platform is answered, not followed: following it would send
    /// the request (an authorization code, a refresh token) to wherever it points.
    #[tokio::test]
    async fn the_identity_client_does_not_follow_redirects() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let elsewhere_url = format!("http://{}/stolen", elsewhere.local_addr().unwrap());
        let token_endpoint = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let token_url = format!("http://{}/token", token_endpoint.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut stream, _) = token_endpoint.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request).await.unwrap();
            let response = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {elsewhere_url}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(response.as_bytes()).await.unwrap();
        });

        let client = super::identity_http_client(&crate::cloud::CloudConfig::public()).unwrap();
        let response = tokio::time::timeout(
            Duration::from_secs(10),
            client.post(&token_url).body("refresh_token=canary").send(),
        )
        .await
        .expect("no answer: the client followed the redirect to a server that never answers")
        .unwrap();

        assert_eq!(response.status(), 307);
        let reached_elsewhere =
            tokio::time::timeout(Duration::from_millis(200), elsewhere.accept()).await;
        assert!(
            reached_elsewhere.is_err(),
            "the client followed the redirect"
        );
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
