//! The prompt flow inventory end to end against the emulator: the returning user's workspace
//! (flows with definitions, sessions, a flow deployment, connections), a fleet of workspaces
//! counted right, a workspace part that fails without hiding the others, and a workspace flow
//! audited and scaffolded into a project that builds with the real Agent Framework and holds
//! no connection secret.

mod clients_common;

use std::collections::BTreeMap;
use std::path::Path;

use clients_common::{Env, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::migration::inventory::export::{self, ExportFormat};
use pfrm_core::migration::inventory::workspace_flow;
use pfrm_core::migration::inventory::{
    take_inventory, take_stock, CostState, Inventory, InventoryScope, ItemKind,
};
use pfrm_core::ops::{Journal, OperationKind, OperationState, Operations};
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;
use pfrm_emulator::{FaultAction, FaultRule};
use pfrm_tests::agent_framework_python;

fn services(env: &Env) -> Services {
    services_with(env, Operations::default())
}

fn services_with(env: &Env, operations: Operations) -> Services {
    Services::new(env.cloud.clone(), env.credential.clone(), operations)
        .unwrap()
        .with_pipeline(env.pipeline.clone())
}

fn ml_workspace() -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace").arm_id()
}

fn count(inventory: &Inventory, kind: &str) -> u32 {
    inventory.counts[kind]
}

fn item<'a>(
    inventory: &'a Inventory,
    kind: ItemKind,
    name: &str,
) -> &'a pfrm_core::migration::inventory::InventoryItem {
    inventory
        .items
        .iter()
        .find(|i| i.kind == kind && i.name == name)
        .unwrap_or_else(|| panic!("no {kind:?} {name} in {:#?}", inventory.items))
}

#[tokio::test]
async fn the_returning_workspace_is_counted_with_what_costs_money_and_no_secret() {
    let env = Env::start_scenario("returning").await;
    let inventory = take_inventory(&services(&env), &[ml_workspace()], 4).await;
    assert!(inventory.problems.is_empty(), "{:#?}", inventory.problems);
    assert_eq!(inventory.workspaces, ["ml-workspace"]);
    assert_eq!(count(&inventory, "flow"), 6);
    assert_eq!(count(&inventory, "runtime"), 2);
    assert_eq!(count(&inventory, "connection"), 9);
    assert_eq!(count(&inventory, "onlineEndpoint"), 1);
    assert_eq!(count(&inventory, "onlineDeployment"), 2);
    // Two live sessions (the evaluation flow's does not exist); one of them on serverless.
    assert_eq!(count(&inventory, "computeSession"), 2);
    assert_eq!(count(&inventory, "serverlessInstance"), 1);
    // ci-alice hosts both runtimes and a session; ci-carol hosts nothing of prompt flow's.
    assert_eq!(count(&inventory, "computeInstance"), 1);

    let classify = item(&inventory, ItemKind::Flow, "web-classification");
    assert_eq!(classify.category.as_deref(), Some("Default"));
    assert_eq!(classify.owner.as_deref(), Some("alice@contoso.com"));
    assert_eq!(
        classify.last_change.as_deref(),
        Some("2026-10-02T09:14:00Z")
    );
    assert_eq!(classify.runs_on.as_deref(), Some("runtime rt-default"));
    assert_eq!(classify.node_counts.values().sum::<u32>(), 5);
    // The summarising node uses variants; its default variant is an LLM node.
    assert_eq!(classify.node_counts.get("llm"), Some(&2));
    assert_eq!(classify.connections, ["open_ai_connection"]);
    let router = item(&inventory, ItemKind::Flow, "support-router");
    assert_eq!(
        router.runs_on.as_deref(),
        Some("compute session on serverless-alice-7d2e")
    );
    assert_eq!(router.node_counts.get("llm"), Some(&3));
    assert_eq!(router.node_counts.values().sum::<u32>(), 6);
    let custom = item(&inventory, ItemKind::Flow, "custom-tools");
    // Two nodes from the contoso_tools package, one built-in tool (content safety).
    assert_eq!(custom.node_counts.get("customTool"), Some(&2));
    assert_eq!(custom.node_counts.get("builtinTool"), Some(&1));
    assert_eq!(
        item(&inventory, ItemKind::Flow, "chat-with-docs")
            .category
            .as_deref(),
        Some("Chat")
    );

    // Cost: the serverless session runs (idle shutdown 60 min); the deployment with two
    // instances runs, the one scaled to zero does not.
    let session = item(
        &inventory,
        ItemKind::ComputeSession,
        "support-router session",
    );
    assert_eq!(session.cost, CostState::Running);
    assert_eq!(session.idle_shutdown_minutes, Some(60));
    assert_eq!(session.size.as_deref(), Some("Standard_E4ds_v4"));
    assert_eq!(
        item(
            &inventory,
            ItemKind::ServerlessInstance,
            "serverless-alice-7d2e"
        )
        .used_by,
        ["support-router"]
    );
    let blue = item(&inventory, ItemKind::OnlineDeployment, "blue");
    assert_eq!(blue.cost, CostState::Running);
    assert_eq!(blue.size.as_deref(), Some("Standard_DS3_v2 × 2"));
    assert_eq!(blue.used_by, ["web-classification"]);
    assert_eq!(
        item(&inventory, ItemKind::OnlineDeployment, "green").cost,
        CostState::Stopped
    );
    let instance = item(&inventory, ItemKind::ComputeInstance, "ci-alice");
    assert_eq!(instance.cost, CostState::Running);
    assert!(instance.used_by.contains(&"runtime rt-default".to_owned()));
    assert!(instance
        .used_by
        .contains(&"flow research-fanout".to_owned()));

    // Connections: who uses each; an unused one stands out.
    assert!(
        item(&inventory, ItemKind::Connection, "legacy_bing_connection")
            .used_by
            .is_empty()
    );
    assert_eq!(
        item(&inventory, ItemKind::Connection, "open_ai_connection").used_by,
        ["web-classification"]
    );
    let running = inventory
        .items
        .iter()
        .filter(|i| i.cost == CostState::Running)
        .count();
    assert_eq!(inventory.running as usize, running);

    // Every export carries every row and never a connection secret.
    for format in [
        ExportFormat::Json,
        ExportFormat::Csv,
        ExportFormat::Markdown,
    ] {
        let text = export::render(&inventory, format).unwrap();
        assert!(!text.contains("CANARY"), "{format:?} holds a secret");
        assert!(text.contains("legacy_bing_connection"), "{format:?}");
    }
    let csv = export::render(&inventory, ExportFormat::Csv).unwrap();
    assert_eq!(csv.lines().count(), inventory.items.len() + 1);
}

#[tokio::test]
async fn a_fleet_is_counted_workspace_by_workspace() {
    // 2 subscriptions × 3 workspaces × 2 runtimes; workspace (s, w) holds (s + w) % 3 + 1 flows.
    let env = Env::start_scenario("fleet:2:3:2").await;
    let services = services(&env);
    let listing = pfrm_core::ops::workspaces::list_workspaces(&services, 4)
        .await
        .unwrap();
    let ids: Vec<String> = listing.workspaces.iter().map(|w| w.id.clone()).collect();
    assert_eq!(ids.len(), 6);
    let started = std::time::Instant::now();
    let inventory = take_inventory(&services, &ids, 3).await;
    eprintln!(
        "fleet inventory of 6 workspaces took {:?}",
        started.elapsed()
    );
    assert!(inventory.problems.is_empty(), "{:#?}", inventory.problems);
    assert_eq!(inventory.workspaces.len(), 6);
    assert_eq!(count(&inventory, "runtime"), 12);
    assert_eq!(count(&inventory, "flow"), 12);
    let mut flows: BTreeMap<String, u32> = BTreeMap::new();
    for item in inventory.items.iter().filter(|i| i.kind == ItemKind::Flow) {
        *flows.entry(item.workspace_name.clone()).or_default() += 1;
    }
    for s in 0..2 {
        for w in 0..3 {
            assert_eq!(
                flows[&format!("ws-fleet-{}-{}", s + 1, w + 1)],
                (s + w) % 3 + 1,
                "flows of ws-fleet-{}-{}",
                s + 1,
                w + 1
            );
        }
    }
    // The same ids twice are read once.
    let twice: Vec<String> = ids.iter().chain(ids.iter()).cloned().collect();
    assert_eq!(
        take_inventory(&services, &twice, 3).await.items.len(),
        inventory.items.len()
    );
}

/// "Every workspace" as the app and `pfrm inventory --all-workspaces` take it: one operation
/// (listed, its message counting the workspaces read, never journaled), a subscription that
/// cannot be listed named as a problem beside the others' rows, and Cancel ending it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workspace_is_one_operation_with_progress_problems_and_cancel() {
    let env = Env::start_scenario("fleet:2:3:2").await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join("operations.json")).journal;
    let operations = Operations::new(Some(journal.clone()));
    let services = services_with(&env, operations.clone());
    let mut updates = operations.subscribe();

    let inventory = take_stock(&services, InventoryScope::AllWorkspaces, 3)
        .await
        .unwrap();
    assert!(inventory.problems.is_empty(), "{:#?}", inventory.problems);
    assert_eq!(inventory.workspaces.len(), 6);
    assert_eq!(count(&inventory, "runtime"), 12);
    let listed = operations.list();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].kind, OperationKind::TakeInventory);
    assert_eq!(listed[0].title, "Take stock of every workspace");
    assert_eq!(listed[0].state, OperationState::Succeeded);
    let mut messages = Vec::new();
    while let Ok(snapshot) = updates.try_recv() {
        messages.extend(snapshot.message);
    }
    for read in 1..=6 {
        let message = format!("{read} of 6 workspaces read");
        assert!(messages.contains(&message), "{message} in {messages:?}");
    }

    // The second subscription's workspaces cannot be listed: the first's are still read, and
    // the problem names the subscription.
    let listing = pfrm_core::ops::workspaces::list_workspaces(&services, 4)
        .await
        .unwrap();
    let second = listing
        .subscriptions
        .iter()
        .map(|s| s.subscription_id.clone())
        .find(|id| id != &listing.workspaces[0].subscription_id)
        .unwrap();
    let refused = env.emulator.faults().add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some(format!(
            "/subscriptions/{second}/providers/Microsoft.MachineLearningServices/workspaces"
        )),
        action: FaultAction::Respond,
        status: Some(403),
        body: Some(
            serde_json::json!({"error": {"code": "AuthorizationFailed", "message": "No access."}}),
        ),
        ..FaultRule::default()
    });
    let inventory = take_stock(&services, InventoryScope::AllWorkspaces, 3)
        .await
        .unwrap();
    assert_eq!(inventory.workspaces.len(), 3);
    let parts: Vec<(String, String)> = inventory
        .problems
        .iter()
        .map(|p| (p.workspace_id.clone(), p.part.clone()))
        .collect();
    assert_eq!(
        parts,
        [(format!("/subscriptions/{second}"), "workspaces".to_owned())]
    );
    env.emulator.faults().remove(&refused);

    // Slow workspaces, and the user cancels: the inventory ends as cancelled, and nothing of it
    // was ever in the journal (it changes nothing, so there is nothing to resume).
    env.emulator.faults().add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some("/subscriptions/**/workspaces/*".into()),
        action: FaultAction::Delay,
        delay_ms: Some(5_000),
        ..FaultRule::default()
    });
    let ids: Vec<String> = listing.workspaces.iter().map(|w| w.id.clone()).collect();
    let taking = {
        let services = services.clone();
        tokio::spawn(async move { take_stock(&services, InventoryScope::Chosen(ids), 3).await })
    };
    let running = loop {
        if let Some(op) = operations
            .list()
            .into_iter()
            .find(|op| op.state == OperationState::Running)
        {
            break op;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(running.title, "Take stock of 6 workspaces");
    assert!(journal.entries().unwrap().is_empty(), "never journaled");
    operations.cancel(&running.id).unwrap();
    let error = tokio::time::timeout(std::time::Duration::from_secs(3), taking)
        .await
        .expect("cancel ends it at once")
        .unwrap()
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);
    assert_eq!(
        operations.get(&running.id).unwrap().state,
        OperationState::Cancelled
    );
}

#[tokio::test]
async fn a_part_that_cannot_be_read_is_a_problem_line_and_the_rest_is_still_counted() {
    let env = Env::start_scenario("returning").await;
    env.emulator.faults().add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some("/subscriptions/**/workspaces/ml-workspace/connections".into()),
        action: FaultAction::Respond,
        status: Some(403),
        body: Some(serde_json::json!({"error": {"code": "AuthorizationFailed", "message": "The client does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/connections/read'."}})),
        ..FaultRule::default()
    });
    let missing = WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "no-such-workspace").arm_id();
    let inventory = take_inventory(&services(&env), &[ml_workspace(), missing.clone()], 2).await;
    assert_eq!(count(&inventory, "connection"), 0);
    assert_eq!(count(&inventory, "flow"), 6, "flows are still listed");
    let parts: Vec<(&str, &str)> = inventory
        .problems
        .iter()
        .map(|p| (p.workspace_id.as_str(), p.part.as_str()))
        .collect();
    assert!(
        parts.contains(&(ml_workspace().as_str(), "connections")),
        "{parts:?}"
    );
    assert!(
        parts.contains(&(missing.as_str(), "workspace")),
        "{parts:?}"
    );
    let markdown = export::render(&inventory, ExportFormat::Markdown).unwrap();
    assert!(markdown.contains("## Not read"));
}

fn all_files(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(all_files(&path));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            found.push((path.display().to_string(), text));
        }
    }
    found
}

#[tokio::test]
async fn a_workspace_flow_scaffolds_into_a_project_that_builds_and_holds_no_secret() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env);
    // By name and by id, the same flow.
    let audit = workspace_flow::audit_workspace_flow(&services, &ml_workspace(), "support-router")
        .await
        .unwrap();
    assert_eq!(audit.name, "support-router");
    assert_eq!(audit.nodes.len(), 6);
    assert!(audit
        .connections
        .iter()
        .any(|c| c.name == "aoai_connection"));
    let missing = workspace_flow::audit_workspace_flow(&services, &ml_workspace(), "no-such-flow")
        .await
        .unwrap_err();
    assert_eq!(missing.code, pfrm_core::ErrorCode::NotFound);
    assert!(
        missing.message.contains("no flow with that id or name"),
        "{}",
        missing.message
    );

    let inventory = take_inventory(&services, &[ml_workspace()], 2).await;
    let dir = tempfile::tempdir().unwrap();
    let flows: Vec<_> = inventory
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Flow)
        .collect();
    for flow in &flows {
        let out = dir.path().join(&flow.name);
        let result = workspace_flow::scaffold_workspace_flow(
            &services,
            &ml_workspace(),
            flow.id.as_deref().unwrap(),
            &out,
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", flow.name));
        assert!(result.executors > 0, "{}", flow.name);
        for (path, text) in all_files(&out) {
            assert!(!text.contains("CANARY"), "{path} holds a connection secret");
        }
    }
    // The prompt carried over from the service's copy of the flow.
    let executors =
        std::fs::read_to_string(dir.path().join("web-classification/executors.py")).unwrap();
    assert!(executors.contains("Your task is to classify a given url"));

    let python = match agent_framework_python() {
        Ok(python) => python,
        Err(reason) => {
            eprintln!("SKIPPED: the skeletons were not built with agent-framework-core: {reason}");
            return;
        }
    };
    for flow in &flows {
        let out = dir.path().join(&flow.name);
        let output = std::process::Command::new(&python)
            .arg("-c")
            .arg("import sys; sys.path.insert(0, sys.argv[1]); from workflow import build_workflow; w = build_workflow(); print(len(w.executors))")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{} does not build: {}",
            flow.name,
            String::from_utf8_lossy(&output.stderr)
        );
        let built: usize = String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap();
        assert!(built >= 2, "{}: {built} executors", flow.name);
    }
}
