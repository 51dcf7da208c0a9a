//! The sandbox as the core sees it: another cloud (a local Azure the host starts, trusted
//! through its own CA) and another credential, with waits paced for its fast emulated time.
//! The core never starts it: the host hands the [`Session`](super::Session) a
//! [`SandboxOpener`], so the core knows no emulator.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};

use crate::cloud::CloudConfig;
use crate::error::Error;
use crate::ops::permissions::GrantSettings;
use crate::ops::runtimes::WatchSettings;

/// Starts the sandbox's local Azure and signs its user in.
#[async_trait]
pub trait SandboxOpener: Send + Sync {
    async fn open(&self) -> Result<OpenedSandbox, Error>;
}

/// A running sandbox: where it answers, who acts in it, and what keeps it running.
pub struct OpenedSandbox {
    /// Its endpoints, shown to the user under this name.
    pub cloud: CloudConfig,
    pub credential: Arc<dyn TokenCredential>,
    /// Kept for as long as the sandbox is in use (its servers stop when this is dropped).
    pub keep_alive: Box<dyn Any + Send + Sync>,
}

/// The name the sandbox's cloud is shown under.
pub const SANDBOX_CLOUD_NAME: &str = "Sandbox";

/// How long operations wait in the sandbox, whose emulated time runs many times faster than
/// Azure's: runtimes are polled often enough to see them move within seconds, and a new role is
/// re-checked often enough to see it apply. The limits stay generous so a busy machine does
/// not end a wait early.
pub fn sandbox_pacing() -> (WatchSettings, GrantSettings) {
    let poll = Duration::from_millis(750);
    (
        WatchSettings {
            poll_interval: poll,
            timeout: Duration::from_secs(10 * 60),
        },
        GrantSettings {
            poll_interval: poll,
            propagation_timeout: Duration::from_secs(2 * 60),
            principal_retry_timeout: Duration::from_secs(10),
            principal_retry_initial_delay: Duration::from_millis(200),
            principal_retry_max_delay: Duration::from_secs(1),
        },
    )
}

/// Mints a token for a user and a space-separated scope list, or says why it could not.
pub type MintToken = dyn Fn(&str, &str) -> Result<String, String> + Send + Sync;

/// A user of a local identity platform that mints tokens on request (the sandbox's): no
/// sign-in, no refresh token, each token valid for a few minutes.
pub struct MintedCredential {
    user: String,
    mint: Box<MintToken>,
}

impl MintedCredential {
    pub fn new(
        user: impl Into<String>,
        mint: impl Fn(&str, &str) -> Result<String, String> + Send + Sync + 'static,
    ) -> MintedCredential {
        MintedCredential {
            user: user.into(),
            mint: Box::new(mint),
        }
    }
}

impl std::fmt::Debug for MintedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MintedCredential({})", self.user)
    }
}

#[async_trait]
impl TokenCredential for MintedCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let token = (self.mint)(&self.user, &scopes.join(" ")).map_err(|why| {
            azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                format!("the sandbox could not issue a token: {why}"),
            )
        })?;
        let lifetime = azure_core::time::Duration::minutes(5);
        Ok(AccessToken::new(
            token,
            azure_core::time::OffsetDateTime::now_utc() + lifetime,
        ))
    }
}
