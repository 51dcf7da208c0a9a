//! The sandbox's local Azure: the emulator started in-process on one of its worlds, its user
//! signed in through tokens it mints. Everything else about the sandbox (when it is chosen, how
//! its waits are paced, what it journals) is the core's `connection::Session`.

use std::sync::Arc;

use pfrm_core::cloud::CloudConfig;
use pfrm_core::connection::{MintedCredential, OpenedSandbox, SandboxOpener};
use pfrm_core::{Error, ErrorCode};
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};

/// The sandbox's default world: a first-time user with one workspace and one running compute
/// instance.
pub const DEFAULT_SANDBOX_SCENARIO: &str = "first-time";
/// Emulated time runs this much faster in the sandbox, so a runtime starts in seconds.
const SANDBOX_TIME_SCALE: f64 = 30.0;
/// Emulated seconds before a new role assignment counts in the sandbox, when its world does not
/// say: Azure takes minutes, so the sandbox shows the wait (a few real seconds) too.
const SANDBOX_ROLE_PROPAGATION_SECONDS: f64 = 120.0;

/// The sandbox's world: an emulator scenario (`first-time`, `returning`, `blocked`) and the
/// user to sign in as (the scenario's first user when unset). Other worlds than the default
/// let a newcomer see what the app shows, say, to someone who lacks a role.
#[derive(Debug, Clone)]
pub struct SandboxWorld {
    pub scenario: String,
    pub user: Option<String>,
}

impl Default for SandboxWorld {
    fn default() -> Self {
        SandboxWorld {
            scenario: DEFAULT_SANDBOX_SCENARIO.into(),
            user: None,
        }
    }
}

fn unavailable(error: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Internal,
        format!("The sandbox could not start: {error}"),
    )
    .with_remedy(
        "Restart the app; if it happens again, send the log file (Settings → Open logs folder).",
    )
}

#[async_trait::async_trait]
impl SandboxOpener for SandboxWorld {
    async fn open(&self) -> Result<OpenedSandbox, Error> {
        let mut scenario = Scenario::by_name(&self.scenario).map_err(unavailable)?;
        scenario
            .settings
            .role_assignment_propagation_seconds
            .get_or_insert(SANDBOX_ROLE_PROPAGATION_SECONDS);
        let emulator = Emulator::start(EmulatorOptions {
            scenario,
            time_scale: SANDBOX_TIME_SCALE,
            ..EmulatorOptions::default()
        })
        .await
        .map_err(unavailable)?;
        let ready = serde_json::to_string(emulator.ready_info()).map_err(unavailable)?;
        let cloud = CloudConfig::from_custom_json(&ready)?;
        let users = &emulator.ready_info().users;
        let user = match &self.user {
            Some(wanted) => users
                .iter()
                .find(|user| user.user_name.eq_ignore_ascii_case(wanted))
                .ok_or_else(|| unavailable(format!("its world has no user {wanted}")))?,
            None => users
                .first()
                .ok_or_else(|| unavailable("its world has no user"))?,
        }
        .user_name
        .clone();
        let emulator = Arc::new(emulator);
        let minter = emulator.clone();
        let credential = MintedCredential::new(user, move |user, scopes| {
            minter
                .issue_access_token(user, scopes)
                .map_err(|error| error.to_string())
        });
        Ok(OpenedSandbox {
            cloud,
            credential: Arc::new(credential),
            keep_alive: Box::new(emulator),
        })
    }
}
