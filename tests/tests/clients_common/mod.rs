//! Shared set-up for the client tests: the emulator, a custom cloud read from its ready file,
//! and a credential that gets tokens for a seeded user from the emulator's authority.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::http::{Pipeline, RetryPolicy, TokenRefreshHint};
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};

pub mod ops;

pub const ALICE: &str = "alice@contoso.com";
pub const ALICE_OID: &str = "a11ce000-0000-4000-8000-000000000001";
pub const SUBSCRIPTION: &str = "3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01";

pub fn workspace() -> WorkspaceRef {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace")
}

/// Tokens for one seeded user, minted by the emulator's authority for the requested scope (the
/// sign-in flows themselves are tested elsewhere; here the clients are under test).
pub struct EmulatorCredential {
    emulator: Arc<Emulator>,
    user: String,
    pub issued: AtomicUsize,
    /// When set, the last token is returned until the pipeline asks for a fresh one (as a cache
    /// with a skewed clock would), so the service's 401 for an expired token is exercised.
    pub cache_until_refresh: bool,
    cached: Mutex<HashMap<String, String>>,
}

impl EmulatorCredential {
    pub fn new(emulator: Arc<Emulator>, user: &str, cache_until_refresh: bool) -> Self {
        EmulatorCredential {
            emulator,
            user: user.into(),
            issued: AtomicUsize::new(0),
            cache_until_refresh,
            cached: Mutex::new(HashMap::new()),
        }
    }
}

impl std::fmt::Debug for EmulatorCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorCredential")
            .field("user", &self.user)
            .finish()
    }
}

#[async_trait::async_trait]
impl TokenCredential for EmulatorCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let forced = options
            .as_ref()
            .and_then(|o| o.method_options.context.value::<TokenRefreshHint>())
            .is_some_and(|hint| hint.force_refresh);
        let expires_on =
            azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::minutes(50);
        if self.cache_until_refresh && !forced {
            if let Some(token) = self.cached.lock().unwrap().get(&scopes.join(" ")).cloned() {
                return Ok(AccessToken::new(token, expires_on));
            }
        }
        self.issued.fetch_add(1, Ordering::SeqCst);
        let token = self
            .emulator
            .issue_access_token(&self.user, &scopes.join(" "))
            .map_err(|error| {
                azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Credential,
                    error.to_string(),
                )
            })?;
        self.cached
            .lock()
            .unwrap()
            .insert(scopes.join(" "), token.clone());
        Ok(AccessToken::new(token, expires_on))
    }
}

/// The emulator over `options`' world, and the custom cloud its ready file describes.
pub async fn start_emulator(options: EmulatorOptions) -> (Arc<Emulator>, CloudConfig) {
    let emulator = Arc::new(Emulator::start(options).await.expect("emulator starts"));
    let ready = serde_json::to_string(emulator.ready_info()).unwrap();
    let cloud = CloudConfig::from_custom_json(&ready).expect("the ready file is a cloud");
    (emulator, cloud)
}

pub struct Env {
    pub emulator: Arc<Emulator>,
    pub cloud: CloudConfig,
    pub credential: Arc<EmulatorCredential>,
    pub pipeline: Pipeline,
}

impl Env {
    /// The `first-time` scenario, signed in as Alice, with emulated time sped up.
    pub async fn start() -> Env {
        Self::start_scenario("first-time").await
    }

    pub async fn start_scenario(name: &str) -> Env {
        Self::start_scenario_as(name, ALICE).await
    }

    /// The scenario `name`, signed in as `user`.
    pub async fn start_scenario_as(name: &str, user: &str) -> Env {
        Self::start_scaled(name, user, 200.0).await
    }

    /// The scenario `name`, signed in as `user`, with emulated time `time_scale` times faster.
    pub async fn start_scaled(name: &str, user: &str, time_scale: f64) -> Env {
        Self::start_world(Scenario::by_name(name).unwrap(), user, time_scale).await
    }

    /// A world given in full (a named scenario changed by the test), signed in as `user`.
    pub async fn start_world(scenario: Scenario, user: &str, time_scale: f64) -> Env {
        let (emulator, cloud) = start_emulator(EmulatorOptions {
            scenario,
            time_scale,
            ..EmulatorOptions::default()
        })
        .await;
        let credential = Arc::new(EmulatorCredential::new(emulator.clone(), user, true));
        let pipeline = Pipeline::new(&cloud, credential.clone())
            .unwrap()
            .with_retry_policy(RetryPolicy {
                max_attempts: 4,
                initial_delay: std::time::Duration::from_millis(20),
                max_delay: std::time::Duration::from_secs(2),
            });
        Env {
            emulator,
            cloud,
            credential,
            pipeline,
        }
    }
}
