//! Runtimes: the list and details pages, the add-runtime wizard's choices, and the long
//! operations (start an instance, create, delete) with progress, cancel, timeout and journal.
//!
//! One module per concern: [`types`] (what crosses to the hosts), [`reads`] (the pages and the
//! wizard's choices), [`create`], [`instance`] (starting a compute instance), [`instance_checks`] (an instance's and an
//! environment image's deeper checks) and [`delete`].

mod create;
mod delete;
mod instance;
mod instance_checks;
mod reads;
mod types;

pub use create::create_runtime;
pub use delete::delete_runtime;
pub use instance::start_compute_instance;
pub use instance_checks::{
    check_environment_image, check_one_instance, environment_image_checks, environment_of,
};
pub use reads::{
    list_environments, list_my_compute_instances, list_others_compute_instances, list_runtimes,
    runtime_details, suggest_runtime_name, version_order,
};
pub use types::*;

pub(crate) use crate::ops::runtime_watch::RuntimeResume;
pub use crate::ops::runtime_watch::WatchSettings;

/// The target a runtime's operations carry, which is also the runtime's key for the hosts
/// ([`crate::model::RuntimeSummary::key`], [`crate::ops::updates::RuntimeVersionStatus::key`]).
pub(crate) fn runtime_target(workspace_id: &str, runtime_name: &str) -> String {
    crate::model::RuntimeSummary::key_of(workspace_id, runtime_name)
}
