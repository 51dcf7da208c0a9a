//! Prompt flow's retirement and the move to Microsoft Agent Framework.
//!
//! - [`retirement`]: the date, the days left, the frozen images, the clock tests can set;
//! - [`flow_yaml`]: reading a flow's `flow.dag.yaml`, unknown keys kept;
//! - [`mapping`]: the flow's DAG and its node-by-node mapping to Agent Framework concepts;
//! - [`scaffold`]: an Agent Framework Python project generated from the mapping;
//! - [`inventory`]: what prompt flow a team still has, across workspaces, with what it costs;
//! - [`decommission`]: what can go once flows have moved, removed without touching what is shared.

pub mod decommission;
pub mod flow_yaml;
pub mod inventory;
pub mod mapping;
pub mod retirement;
pub mod scaffold;
