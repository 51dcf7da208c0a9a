//! Prompt flow's retirement in the app: the notice's facts (date, days left, frozen images),
//! its weekly dismissal, and Microsoft's migration guide opened in the system browser.

use pfrm_core::migration::decommission::{
    self, DecommissionPlan, DecommissionReport, DecommissionRequest,
};
use pfrm_core::migration::inventory::export::{self, ExportFormat};
use pfrm_core::migration::inventory::{
    self as inventory, workspace_flow, Inventory, InventoryScope,
};
use pfrm_core::migration::mapping::FlowAudit;
use pfrm_core::migration::retirement::{RetirementStatus, MIGRATION_GUIDE_URL};
use pfrm_core::migration::scaffold::{self, ScaffoldResult};
use pfrm_core::{Error, ErrorCode};
use tauri::Manager;

use super::{Host, Reply};

/// The retirement as of today (the sandbox's emulated date when in the sandbox), with this
/// week's dismissal applied.
pub async fn retirement_status(host: &Host) -> Reply<RetirementStatus> {
    Ok(host.session().retirement_status().await)
}

/// Hides the notice until the end of this week.
pub async fn dismiss_retirement_notice(host: &Host) -> Reply<RetirementStatus> {
    host.session().dismiss_retirement_notice().await
}

/// Opens Microsoft's migration guide in the system browser. Only this one address can be
/// opened: the page passes no URL.
pub async fn open_migration_guide(host: &Host) -> Reply<()> {
    let remedy = format!("Open {MIGRATION_GUIDE_URL} in your browser.");
    host.open_in_browser(MIGRATION_GUIDE_URL, remedy)
}

/// The inventory of the chosen workspaces, or of every workspace the user can see (an
/// operation in the Activity panel, cancelled there).
pub async fn take_inventory(
    host: &Host,
    workspace_ids: Vec<String>,
    all_workspaces: bool,
) -> Reply<Inventory> {
    let scope = InventoryScope::new(workspace_ids, all_workspaces);
    inventory::take_stock(&host.services().await?, scope, inventory::DEFAULT_PARALLEL).await
}

/// Writes the inventory as `prompt-flow-inventory-DATE.EXT` in the Downloads folder (`… (2).EXT`
/// and on when the name is taken) and answers the path.
pub async fn save_inventory(
    host: &Host,
    inventory: Inventory,
    format: ExportFormat,
) -> Reply<String> {
    let folder = host.app.path().download_dir().map_err(|error| {
        Error::new(
            ErrorCode::Config,
            format!("The Downloads folder could not be found ({error})."),
        )
        .with_remedy("Export from the command line instead: pfrm inventory --out FILE.")
    })?;
    let path = export::save(&inventory, format, &folder)?;
    Ok(path.display().to_string())
}

/// A workspace flow's audit: the mapping table and the gaps, shown before its export.
pub async fn audit_flow(host: &Host, workspace_id: String, flow_id: String) -> Reply<FlowAudit> {
    workspace_flow::audit_workspace_flow(&host.services().await?, &workspace_id, &flow_id).await
}

/// "Export as Agent Framework project…": the flow's skeleton in `out_dir`, a folder the user
/// typed or chose in the system's chooser. A file or a folder that is not empty is refused
/// before the flow is read.
pub async fn export_flow_project(
    host: &Host,
    workspace_id: String,
    flow_id: String,
    out_dir: String,
) -> Reply<ScaffoldResult> {
    let out_dir = scaffold::chosen_out_dir(std::path::Path::new(&out_dir), None)?;
    let services = host.services().await?;
    workspace_flow::scaffold_workspace_flow(&services, &workspace_id, &flow_id, &out_dir).await
}

/// The workspace's decommission plan.
pub async fn decommission_plan(
    host: &Host,
    workspace_id: String,
    moved_flows: Option<Vec<String>>,
) -> Reply<DecommissionPlan> {
    let services = host.services().await?;
    decommission::plan_decommission(&services, &workspace_id, moved_flows.as_deref()).await
}

/// Removes the ticked items after the typed-name check; progress shows in Activity.
pub async fn decommission_apply(
    host: &Host,
    request: DecommissionRequest,
) -> Reply<DecommissionReport> {
    let (services, watch) = host.paced_services().await?;
    decommission::apply(&services, request, watch).await
}
