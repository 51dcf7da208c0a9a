//! Domain types the UI and the CLI show. They serialise in camelCase and have generated
//! TypeScript twins (see `crate::bindings`); the `azure` clients' wire types convert into them.

mod account;
mod compute;
mod image;
mod roles;
mod runtime;
mod workspace;

pub use account::{Subscription, Tenant};
pub use compute::{
    AppEndpoint, ComputeInstanceState, ComputeInstanceSummary, CustomApp, LastOperation, UserRef,
};
pub use image::{ImageTag, ImageVersion};
pub use roles::RoleAssignment;
pub use runtime::{RuntimeDetails, RuntimeOwner, RuntimeStatus, RuntimeSummary};
pub use workspace::{WorkspaceFlags, WorkspaceKind, WorkspaceSummary};
