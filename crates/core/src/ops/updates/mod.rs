//! Versions and updates: which runtime image version a runtime runs, whether a newer one exists
//! (from the container registry and from the prompt flow service's own `needUpgrade`), and
//! updating one runtime or every outdated runtime of several workspaces.
//!
//! A default-environment update is a PUT with `environment: null`; the service moves the runtime
//! to its newest default image and restarts the compute instance's custom application. The update
//! is an operation ([`crate::ops::OperationKind::UpdateRuntime`]) whose journal entry lets a
//! restarted app resume watching it, and it checks the tag the runtime ends on instead of
//! assuming it moved.
//!
//! A custom environment cannot be moved by the service: it must be rebuilt on the newest runtime
//! image first ([`custom_environment_guidance`] gives the `FROM` line), then the runtime is updated
//! to the rebuilt environment version's asset id.
//!
//! One module per concern: [`types`] (what crosses to the hosts), [`versions`] (reading tags and
//! environment ids), [`assessment`] (the rule: outdated or not, and which source says what),
//! [`fleet`] (checking one runtime or many workspaces), [`guidance`] (the custom-environment
//! path), [`update`] (one update) and [`update_all`] (the scheduler of "Update all").

mod assessment;
mod fleet;
mod guidance;
#[cfg(test)]
mod test_support;
mod types;
mod update;
mod update_all;
mod versions;

pub use crate::ops::runtime_watch::{verify_update, version_label};
pub use fleet::{check_runtime_version, check_workspaces, count_outdated};
pub use guidance::custom_environment_guidance;
pub use types::*;
pub use update::update_runtime;
pub use update_all::update_all_outdated;
pub use versions::{latest_runtime_tag, runtime_image};

/// Runtimes updated (and checked) at once unless the caller says otherwise.
pub const DEFAULT_MAX_PARALLEL: usize = 4;

/// How many times to look for the service to take up an update before watching it: right after
/// an asynchronous PUT the runtime may still read as running on its old image.
const UPDATE_START_GRACE_POLLS: u32 = 5;

/// How checks fetch what they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    /// Workspaces, and runtimes within a workspace, checked at once.
    pub max_parallel: usize,
    /// Ask the registry for pages of this many tags (`n`); `None` takes the registry's default.
    pub registry_page_size: Option<u32>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_parallel: DEFAULT_MAX_PARALLEL,
            registry_page_size: None,
        }
    }
}
