//! The decommission plan of one workspace, read from its inventory: what can go once flows have
//! moved to Agent Framework, what each costs while running, and what stays because something
//! that is not going still uses it.
//!
//! What can go: compute sessions of moved flows; runtimes no staying flow runs on; prompt flow
//! custom applications whose runtimes all go; compute instances whose runtimes and sessions all
//! go; online deployments that serve a moved flow, and their endpoints; connections no staying
//! flow uses. Flows themselves are not removed: they are the record of what was migrated.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::migration::inventory::{kind_key, CostState, Inventory, InventoryItem, ItemKind};

/// One thing the user can tick for removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
// Every `Option` field is optional in TypeScript, as it is left out of the JSON when `None`.
#[ts(optional_fields)]
pub struct PlanItem {
    /// Stable within the workspace: `runtime:rt-1`, `computeInstance:ci-1`,
    /// `customApp:ci-1/app`, `computeSession:{flowId}`, `onlineDeployment:ep/blue`,
    /// `onlineEndpoint:ep`, `connection:name`. `pfrm decommission apply --only` takes these.
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    /// The state as Azure says it (`Running`, `Stopped`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Whether it costs money now. pfrm shows no price: prices depend on the region, the
    /// agreement and reservations, which it cannot read; the state and size say what is billed.
    pub cost: CostState,
    /// VM size, or instance type × count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_shutdown_minutes: Option<u32>,
    /// Where it sits (the instance of a custom application, the endpoint of a deployment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_on: Option<String>,
    /// Plan items that use this one: it goes only when they go too (or are gone already).
    pub needs: Vec<String>,
    /// Ticked by default. Compute instances (they may hold files and notebooks) and connections
    /// (other tools may use them) are left for the user to tick.
    pub suggested: bool,
    /// Why it can go, for people.
    pub reason: String,
}

/// Something prompt flow left that stays, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeptItem {
    pub kind: ItemKind,
    pub name: String,
    pub reason: String,
}

/// What can go in one workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecommissionPlan {
    pub workspace_id: String,
    /// Typed by the user to confirm the removal.
    pub workspace_name: String,
    pub taken_on: String,
    pub countdown: crate::migration::retirement::Countdown,
    /// Flows counted as moved (their session, runtime, deployments and connections may go).
    pub moved_flows: Vec<String>,
    /// Flows that stay: what they use is kept.
    pub staying_flows: Vec<String>,
    /// In removal order: sessions, runtimes, deployments, endpoints, custom applications,
    /// compute instances, connections.
    pub items: Vec<PlanItem>,
    pub kept: Vec<KeptItem>,
    /// Plan items that cost money now.
    pub running: u32,
    /// Parts of the workspace that could not be read; the plan may miss what they hold.
    pub problems: Vec<crate::migration::inventory::InventoryProblem>,
}

/// The id of an inventory row in the plan.
pub fn item_id(kind: ItemKind, name: &str) -> String {
    format!("{}:{name}", kind_key(kind))
}

/// The order items are removed in: users before what they use.
fn removal_rank(kind: ItemKind) -> u8 {
    match kind {
        ItemKind::ComputeSession => 0,
        ItemKind::Runtime => 1,
        ItemKind::OnlineDeployment => 2,
        ItemKind::OnlineEndpoint => 3,
        ItemKind::CustomApp => 4,
        ItemKind::ComputeInstance => 5,
        ItemKind::Connection => 6,
        ItemKind::Flow | ItemKind::ServerlessInstance => 7,
    }
}

/// Builds the plan of the workspace `workspace_id` from `inventory`. `moved` names the flows
/// (by name or id) that have moved; `None` means all of them.
pub fn build(
    inventory: &Inventory,
    workspace_id: &str,
    workspace_name: &str,
    moved: Option<&[String]>,
) -> DecommissionPlan {
    let rows: Vec<&InventoryItem> = inventory
        .items
        .iter()
        .filter(|i| i.workspace_id.eq_ignore_ascii_case(workspace_id))
        .collect();
    let flows: Vec<&InventoryItem> = rows
        .iter()
        .copied()
        .filter(|i| i.kind == ItemKind::Flow)
        .collect();
    let is_moved = |flow: &InventoryItem| match moved {
        None => true,
        Some(names) => names.iter().any(|n| {
            n.eq_ignore_ascii_case(&flow.name) || flow.id.as_deref().is_some_and(|id| id == n)
        }),
    };
    let moved_flows: Vec<String> = flows
        .iter()
        .filter(|f| is_moved(f))
        .map(|f| f.name.clone())
        .collect();
    let staying: BTreeSet<String> = flows
        .iter()
        .filter(|f| !is_moved(f))
        .map(|f| f.name.to_lowercase())
        .collect();
    let stays = |flow: &str| staying.contains(&flow.to_lowercase());
    // The runtime each staying flow runs on.
    let staying_runtimes: BTreeMap<String, Vec<String>> = flows
        .iter()
        .filter(|f| !is_moved(f))
        .filter_map(|f| {
            f.runs_on
                .as_deref()
                .and_then(|r| r.strip_prefix("runtime "))
                .map(|r| (r.to_lowercase(), f.name.clone()))
        })
        .fold(BTreeMap::new(), |mut map, (runtime, flow)| {
            map.entry(runtime).or_insert_with(Vec::new).push(flow);
            map
        });

    let mut items = Vec::new();
    let mut kept = Vec::new();
    let mut keep = |row: &InventoryItem, reason: String| {
        kept.push(KeptItem {
            kind: row.kind,
            name: row.name.clone(),
            reason,
        })
    };
    let candidate =
        |row: &InventoryItem, id: String, needs: Vec<String>, reason: String| PlanItem {
            id,
            kind: row.kind,
            name: row.name.clone(),
            state: row.state.clone(),
            cost: row.cost,
            size: row.size.clone(),
            idle_shutdown_minutes: row.idle_shutdown_minutes,
            runs_on: row.runs_on.clone(),
            needs,
            suggested: !matches!(row.kind, ItemKind::ComputeInstance | ItemKind::Connection),
            reason,
        };

    // Sessions: the flow's own.
    let mut going_sessions: BTreeMap<String, String> = BTreeMap::new(); // flow → session id
    for row in rows.iter().filter(|r| r.kind == ItemKind::ComputeSession) {
        let flow = row.used_by.first().cloned().unwrap_or_default();
        let Some(flow_id) = row.id.clone() else {
            continue;
        };
        if stays(&flow) {
            keep(row, format!("The session of flow {flow}, which stays."));
            continue;
        }
        let id = item_id(row.kind, &flow_id);
        going_sessions.insert(flow.to_lowercase(), id.clone());
        items.push(candidate(
            row,
            id,
            vec![],
            format!("The compute session of {flow}, which has moved."),
        ));
    }

    // Runtimes: those no staying flow runs on.
    let mut going_runtimes = BTreeSet::new();
    for row in rows.iter().filter(|r| r.kind == ItemKind::Runtime) {
        if let Some(users) = staying_runtimes.get(&row.name.to_lowercase()) {
            keep(
                row,
                format!("Flow {} still runs on it.", users.join(", flow ")),
            );
            continue;
        }
        going_runtimes.insert(row.name.to_lowercase());
        items.push(candidate(
            row,
            item_id(row.kind, &row.name),
            vec![],
            "No flow that stays runs on it.".into(),
        ));
    }
    let runtime_users = |row: &InventoryItem| -> Vec<String> {
        row.used_by
            .iter()
            .filter_map(|u| u.strip_prefix("runtime "))
            .map(str::to_owned)
            .collect()
    };

    // Deployments serving moved flows, then endpoints whose flow deployments all go.
    let mut going_deployments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut staying_deployments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.kind == ItemKind::OnlineDeployment) {
        let endpoint = row.runs_on.clone().unwrap_or_default().to_lowercase();
        if let Some(flow) = row.used_by.iter().find(|f| stays(f)) {
            keep(row, format!("It serves flow {flow}, which stays."));
            staying_deployments
                .entry(endpoint)
                .or_default()
                .push(row.name.clone());
            continue;
        }
        let id = item_id(
            row.kind,
            &format!(
                "{}/{}",
                row.runs_on.as_deref().unwrap_or_default(),
                row.name
            ),
        );
        going_deployments
            .entry(endpoint)
            .or_default()
            .push(id.clone());
        let served = if row.used_by.is_empty() {
            "a prompt flow".to_owned()
        } else {
            format!("flow {}", row.used_by.join(", "))
        };
        items.push(candidate(
            row,
            id,
            vec![],
            format!("It serves {served}, which has moved."),
        ));
    }
    for row in rows.iter().filter(|r| r.kind == ItemKind::OnlineEndpoint) {
        let key = row.name.to_lowercase();
        if let Some(others) = staying_deployments.get(&key) {
            keep(row, format!("Its deployment {} stays.", others.join(", ")));
            continue;
        }
        let needs = going_deployments.get(&key).cloned().unwrap_or_default();
        items.push(candidate(
            row,
            item_id(row.kind, &row.name),
            needs,
            "All its prompt flow deployments go; pfrm checks before removing it that no other deployment is left on it.".into(),
        ));
    }

    // Custom applications whose runtimes all go.
    for row in rows.iter().filter(|r| r.kind == ItemKind::CustomApp) {
        let users = runtime_users(row);
        let staying_users: Vec<&str> = users
            .iter()
            .filter(|u| !going_runtimes.contains(&u.to_lowercase()))
            .map(String::as_str)
            .collect();
        if !staying_users.is_empty() {
            let names = staying_users.join(", runtime ");
            keep(row, format!("Runtime {names} stays on it."));
            continue;
        }
        let instance = row.runs_on.clone().unwrap_or_default();
        items.push(candidate(
            row,
            item_id(row.kind, &format!("{instance}/{}", row.name)),
            users
                .iter()
                .map(|u| item_id(ItemKind::Runtime, u))
                .collect(),
            format!(
                "A prompt flow runtime application on {instance} that no staying runtime uses."
            ),
        ));
    }

    // Compute instances whose runtimes and sessions all go.
    for row in rows.iter().filter(|r| r.kind == ItemKind::ComputeInstance) {
        let runtimes = runtime_users(row);
        let session_flows: Vec<String> = row
            .used_by
            .iter()
            .filter_map(|u| u.strip_prefix("flow "))
            .map(str::to_owned)
            .collect();
        let mut blockers: Vec<String> = runtimes
            .iter()
            .filter(|r| !going_runtimes.contains(&r.to_lowercase()))
            .map(|r| format!("runtime {r}"))
            .collect();
        blockers.extend(
            session_flows
                .iter()
                .filter(|f| stays(f))
                .map(|f| format!("the session of flow {f}")),
        );
        if !blockers.is_empty() {
            keep(row, format!("Still used by {}.", blockers.join(", ")));
            continue;
        }
        let mut needs: Vec<String> = runtimes
            .iter()
            .map(|r| item_id(ItemKind::Runtime, r))
            .collect();
        needs.extend(
            session_flows
                .iter()
                .filter_map(|f| going_sessions.get(&f.to_lowercase()).cloned()),
        );
        items.push(candidate(
            row,
            item_id(row.kind, &row.name),
            needs,
            "Only prompt flow runtimes and sessions that go use it. Removing it deletes the VM and anything stored on it.".into(),
        ));
    }

    // Connections no staying flow uses.
    for row in rows.iter().filter(|r| r.kind == ItemKind::Connection) {
        let staying_users: Vec<&str> = row
            .used_by
            .iter()
            .filter(|f| stays(f))
            .map(String::as_str)
            .collect();
        if !staying_users.is_empty() {
            let names = staying_users.join(", flow ");
            keep(row, format!("Flow {names} still uses it."));
            continue;
        }
        let reason = if row.used_by.is_empty() {
            "No flow uses it. Other tools in the workspace might: check before ticking it.".into()
        } else {
            format!(
                "Only flows that have moved use it ({}). Other tools in the workspace might: check before ticking it.",
                row.used_by.join(", ")
            )
        };
        items.push(candidate(row, item_id(row.kind, &row.name), vec![], reason));
    }

    items.sort_by_key(|i| (removal_rank(i.kind), i.name.to_lowercase()));
    kept.sort_by_key(|k| (k.kind, k.name.to_lowercase()));
    let running = u32::try_from(
        items
            .iter()
            .filter(|i| i.cost == CostState::Running)
            .count(),
    )
    .unwrap_or(u32::MAX);
    DecommissionPlan {
        workspace_id: workspace_id.to_owned(),
        workspace_name: workspace_name.to_owned(),
        taken_on: inventory.taken_on.clone(),
        countdown: inventory.countdown,
        moved_flows,
        staying_flows: flows
            .iter()
            .filter(|f| !is_moved(f))
            .map(|f| f.name.clone())
            .collect(),
        items,
        kept,
        running,
        problems: inventory
            .problems
            .iter()
            .filter(|p| p.workspace_id.eq_ignore_ascii_case(workspace_id))
            .cloned()
            .collect(),
    }
}
