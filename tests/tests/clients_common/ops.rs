//! Set-up the operation tests share: services for the emulator's user, quick watches, and the
//! workspaces of the seeded scenarios.

use std::time::Duration;

use pfrm_core::azure::WorkspaceRef;
use pfrm_core::ops::runtimes::WatchSettings;
use pfrm_core::ops::Operations;
use pfrm_core::services::Services;

use super::{Env, SUBSCRIPTION};

/// Services over the emulator's pipeline (short retry waits), sharing `operations`.
pub fn services(env: &Env, operations: Operations) -> Services {
    Services::new(env.cloud.clone(), env.credential.clone(), operations)
        .unwrap()
        .with_pipeline(env.pipeline.clone())
}

/// Watches that poll often and give up after a minute.
pub fn fast() -> WatchSettings {
    WatchSettings {
        poll_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(60),
    }
}

/// A workspace of the seeded subscription's `rg-ml` group.
pub fn workspace_id(name: &str) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", name).arm_id()
}
