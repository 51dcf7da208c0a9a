//! A flow in a workspace, found by id or name, written as a local flow folder so the audit and
//! the scaffold read it like one from git.

use std::path::{Path, PathBuf};

use super::flow_graph;
use crate::error::{Error, ErrorCode, Result};
use crate::migration::flow_yaml::FlowDefinition;
use crate::migration::mapping::{self, FlowAudit};
use crate::migration::scaffold::{self, ScaffoldResult};
use crate::services::Services;

/// Finds `given` (a flow id, or a flow name unique in the workspace) and writes its folder
/// under `parent`; returns the folder.
pub async fn fetch_flow(
    services: &Services,
    workspace_id: &str,
    given: &str,
    parent: &Path,
) -> Result<PathBuf> {
    let workspace = services.workspace(workspace_id).await?;
    let flow_client = services.flow(&workspace)?;
    let flows = flow_client.list_flows().await?;
    let by_id = flows.iter().find(|f| f.flow_id.eq_ignore_ascii_case(given));
    let by_name: Vec<_> = flows
        .iter()
        .filter(|f| {
            f.flow_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(given))
        })
        .collect();
    let flow_id = match (by_id, by_name.as_slice()) {
        (Some(flow), _) => flow.flow_id.clone(),
        (None, [one]) => one.flow_id.clone(),
        (None, []) => {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!(
                    "There is no folder '{given}' here and no flow with that id or name in workspace '{}'.",
                    workspace.name
                ),
            )
            .with_remedy("Give a flow folder's path, or a flow id from `pfrm inventory`."))
        }
        (None, many) => {
            return Err(Error::invalid_input(format!(
                "{} flows in workspace '{}' are named '{given}'.",
                many.len(),
                workspace.name
            ))
            .with_remedy("Give the flow's id instead (`pfrm inventory` lists them).")
            .with_detail(
                "flowIds",
                many.iter().map(|f| f.flow_id.clone()).collect::<Vec<_>>(),
            ))
        }
    };
    let flow = flow_client.get_flow(&flow_id).await?;
    flow_graph::materialize(&flow, parent)
}

/// The audit of a workspace flow.
pub async fn audit_workspace_flow(
    services: &Services,
    workspace_id: &str,
    flow: &str,
) -> Result<FlowAudit> {
    let (_scratch, definition) = read_workspace_flow(services, workspace_id, flow).await?;
    mapping::audit(&definition)
}

/// "Export as Agent Framework project…": the skeleton of a workspace flow written to `out_dir`.
pub async fn scaffold_workspace_flow(
    services: &Services,
    workspace_id: &str,
    flow: &str,
    out_dir: &Path,
) -> Result<ScaffoldResult> {
    let (_scratch, definition) = read_workspace_flow(services, workspace_id, flow).await?;
    let audit = mapping::audit(&definition)?;
    let files = scaffold::generate(&definition, &audit)?;
    scaffold::write(out_dir, &files, &audit)
}

/// The workspace flow `flow` read from a scratch folder, returned with it: the scaffold reads
/// the flow's code and prompt files from that folder, so it must outlive the definition's use.
async fn read_workspace_flow(
    services: &Services,
    workspace_id: &str,
    flow: &str,
) -> Result<(tempfile::TempDir, FlowDefinition)> {
    let scratch = scratch_dir()?;
    let folder = fetch_flow(services, workspace_id, flow, scratch.path()).await?;
    let definition = FlowDefinition::read(&folder)?;
    Ok((scratch, definition))
}

fn scratch_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("pfrm-flow-")
        .tempdir()
        .map_err(|error| {
            Error::new(
                ErrorCode::Config,
                format!("A temporary folder for the flow could not be made: {error}"),
            )
            .with_remedy("Check that the temporary folder (TMPDIR) is writable.")
        })
}
