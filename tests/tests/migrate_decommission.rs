//! Decommission end to end against the emulator's returning workspace: the plan keeps what a
//! staying flow uses, a removal takes exactly the ticked items and leaves everything shared in
//! place, a wrong typed name removes nothing, and a run killed half-way is finished from the
//! journal.

mod clients_common;

use std::collections::BTreeSet;
use std::time::Duration;

use clients_common::{Env, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::migration::decommission::{
    apply, plan_decommission, DecommissionPlan, DecommissionRequest, OutcomeState,
};
use pfrm_core::migration::inventory::{take_inventory, Inventory, ItemKind};
use pfrm_core::ops::resume::resume_operations;
use pfrm_core::ops::runtimes::WatchSettings;
use pfrm_core::ops::{Journal, OperationKind, OperationState, Operations};
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;

fn services(env: &Env, operations: Operations) -> Services {
    Services::new(env.cloud.clone(), env.credential.clone(), operations)
        .unwrap()
        .with_pipeline(env.pipeline.clone())
}

fn ml_workspace() -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace").arm_id()
}

fn fast() -> WatchSettings {
    WatchSettings {
        poll_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(30),
    }
}

/// Every inventory row as `kind:name`, to compare before and after.
fn rows(inventory: &Inventory) -> BTreeSet<String> {
    inventory
        .items
        .iter()
        .map(|i| format!("{:?}:{}", i.kind, i.name))
        .collect()
}

fn plan_ids(plan: &DecommissionPlan) -> Vec<&str> {
    plan.items.iter().map(|i| i.id.as_str()).collect()
}

fn kept_names(plan: &DecommissionPlan) -> Vec<String> {
    plan.kept
        .iter()
        .map(|k| format!("{:?}:{}", k.kind, k.name))
        .collect()
}

#[tokio::test]
async fn the_plan_keeps_what_a_staying_flow_uses() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    // Every flow moved except chat-with-docs (runtime rt-custom on ci-alice, aoai_connection).
    let moved: Vec<String> = [
        "web-classification",
        "support-router",
        "research-fanout",
        "eval-groundedness",
        "custom-tools",
    ]
    .map(String::from)
    .to_vec();
    let plan = plan_decommission(&services, &ml_workspace(), Some(&moved))
        .await
        .unwrap();
    assert!(plan.problems.is_empty(), "{:#?}", plan.problems);
    assert_eq!(plan.staying_flows, ["chat-with-docs"]);
    let ids = plan_ids(&plan);
    assert!(ids.contains(&"runtime:rt-default"), "{ids:?}");
    assert!(!ids.contains(&"runtime:rt-custom"), "{ids:?}");
    assert!(!ids.contains(&"computeInstance:ci-alice"), "{ids:?}");
    assert!(!ids.contains(&"connection:aoai_connection"), "{ids:?}");
    assert!(
        ids.contains(&"connection:legacy_bing_connection"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"onlineDeployment:pf-endpoint/blue"),
        "{ids:?}"
    );
    let kept = kept_names(&plan);
    assert!(kept.contains(&"Runtime:rt-custom".to_owned()), "{kept:?}");
    assert!(
        kept.contains(&"ComputeInstance:ci-alice".to_owned()),
        "{kept:?}"
    );
    assert!(
        kept.contains(&"Connection:aoai_connection".to_owned()),
        "{kept:?}"
    );
    let reason = &plan
        .kept
        .iter()
        .find(|k| k.name == "rt-custom")
        .unwrap()
        .reason;
    assert!(reason.contains("chat-with-docs"), "{reason}");
    // The endpoint goes only with both its deployments.
    let endpoint = plan
        .items
        .iter()
        .find(|i| i.id == "onlineEndpoint:pf-endpoint")
        .unwrap();
    assert_eq!(
        endpoint.needs,
        [
            "onlineDeployment:pf-endpoint/blue",
            "onlineDeployment:pf-endpoint/green"
        ]
    );
    // What runs is shown with its size: the serverless session, the deployment with 2 VMs.
    let session = plan
        .items
        .iter()
        .find(|i| i.kind == ItemKind::ComputeSession && i.name == "support-router session")
        .unwrap();
    assert_eq!(
        session.cost,
        pfrm_core::migration::inventory::CostState::Running
    );
    assert_eq!(session.size.as_deref(), Some("Standard_E4ds_v4"));
    assert!(plan.running >= 2, "{}", plan.running);
    // Compute instances and connections are never ticked for the user.
    assert!(plan
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::ComputeInstance | ItemKind::Connection))
        .all(|i| !i.suggested));
}

#[tokio::test]
async fn a_decommission_removes_exactly_the_ticked_items_and_nothing_shared() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    let workspace = ml_workspace();
    let before = take_inventory(&services, std::slice::from_ref(&workspace), 4).await;
    let moved: Vec<String> = ["web-classification", "support-router", "research-fanout"]
        .map(String::from)
        .to_vec();
    let plan = plan_decommission(&services, &workspace, Some(&moved))
        .await
        .unwrap();
    let session_id = plan
        .items
        .iter()
        .find(|i| i.name == "support-router session")
        .unwrap()
        .id
        .clone();
    let ticked = vec![
        session_id,
        "runtime:rt-default".to_owned(),
        "onlineDeployment:pf-endpoint/blue".to_owned(),
        // Its other deployment (green) is not ticked: the endpoint must stay.
        "onlineEndpoint:pf-endpoint".to_owned(),
        "connection:legacy_bing_connection".to_owned(),
    ];

    // A wrong typed name removes nothing.
    let refused = apply(
        &services,
        DecommissionRequest {
            workspace_id: workspace.clone(),
            confirm_workspace: "ml-workspac".into(),
            selected: ticked.clone(),
            moved_flows: Some(moved.clone()),
        },
        fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(refused.remedy.is_some());
    assert_eq!(
        rows(&take_inventory(&services, std::slice::from_ref(&workspace), 4).await),
        rows(&before)
    );
    // A connection a staying flow uses cannot be ticked.
    let mut with_shared = ticked.clone();
    with_shared.push("connection:aoai_connection".into());
    let refused = apply(
        &services,
        DecommissionRequest {
            workspace_id: workspace.clone(),
            confirm_workspace: "ml-workspace".into(),
            selected: with_shared,
            moved_flows: Some(moved.clone()),
        },
        fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(
        refused.message.contains("chat-with-docs"),
        "{}",
        refused.message
    );

    let report = apply(
        &services,
        DecommissionRequest {
            workspace_id: workspace.clone(),
            confirm_workspace: "ml-workspace".into(),
            selected: ticked,
            moved_flows: Some(moved),
        },
        fast(),
    )
    .await
    .unwrap();
    assert!(!report.cancelled);
    let states: Vec<(String, OutcomeState)> = report
        .outcomes
        .iter()
        .map(|o| (o.id.clone(), o.state))
        .collect();
    assert_eq!(report.count(OutcomeState::Removed), 4, "{states:?}");
    assert_eq!(report.count(OutcomeState::Failed), 0, "{states:?}");
    let endpoint = report
        .outcomes
        .iter()
        .find(|o| o.id == "onlineEndpoint:pf-endpoint")
        .unwrap();
    assert_eq!(endpoint.state, OutcomeState::Kept, "{states:?}");

    // Exactly the four ticked items are gone; everything else is as it was.
    let after = take_inventory(&services, std::slice::from_ref(&workspace), 4).await;
    assert!(after.problems.is_empty(), "{:#?}", after.problems);
    let gone: BTreeSet<String> = rows(&before).difference(&rows(&after)).cloned().collect();
    let expected: BTreeSet<String> = [
        "ComputeSession:support-router session",
        "Runtime:rt-default",
        // The service removes the custom application it created for the runtime with it.
        "CustomApp:rt-default",
        "OnlineDeployment:blue",
        "Connection:legacy_bing_connection",
        // The serverless instance went with its only session.
        "ServerlessInstance:serverless-alice-7d2e",
    ]
    .map(String::from)
    .into();
    assert_eq!(gone, expected);
    assert!(rows(&after).is_subset(&rows(&before)));
    // The operation is in the Activity list, finished.
    let listed = services.operations.list();
    assert!(listed
        .iter()
        .any(|o| o.kind == OperationKind::Decommission && o.state == OperationState::Succeeded));
}

#[tokio::test]
async fn a_decommission_killed_half_way_is_finished_from_the_journal() {
    let env = Env::start_scenario("returning").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operations.json");
    let workspace = ml_workspace();
    let reference = WorkspaceRef::from_arm_id(&workspace).unwrap();

    // Every flow moved: ci-alice can go with both its runtimes and the session on it.
    let first = services(&env, Operations::new(Some(Journal::open(&path).journal)));
    let plan = plan_decommission(&first, &workspace, None).await.unwrap();
    let ticked: Vec<String> = plan
        .items
        .iter()
        .filter(|i| {
            i.kind != ItemKind::Connection
                && (i.kind != ItemKind::ComputeSession || i.runs_on.as_deref() == Some("ci-alice"))
        })
        .map(|i| i.id.clone())
        .collect();
    assert!(
        ticked.contains(&"computeInstance:ci-alice".to_owned()),
        "{ticked:?}"
    );

    // First process: killed while the instance is being deleted (emulated time runs slow).
    env.emulator.set_time_scale(20.0);
    let task = {
        let (first, workspace, ticked) = (first.clone(), workspace.clone(), ticked.clone());
        tokio::spawn(async move {
            apply(
                &first,
                DecommissionRequest {
                    workspace_id: workspace,
                    confirm_workspace: "ml-workspace".into(),
                    selected: ticked,
                    moved_flows: None,
                },
                fast(),
            )
            .await
        })
    };
    let faults = env.emulator.faults();
    while faults.request_count("DELETE", "**/computes/ci-alice") == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(
            !task.is_finished(),
            "the run ended before the instance delete"
        );
    }
    task.abort();
    let _ = task.await;
    env.emulator.set_time_scale(200.0);
    assert!(first.arm.get_compute(&reference, "ci-alice").await.is_ok());

    // Next process: the journal lists the decommission, and resuming finishes it.
    let opened = Journal::open(&path);
    assert_eq!(opened.pending.len(), 1, "{:?}", opened.pending);
    assert_eq!(opened.pending[0].kind, OperationKind::Decommission);
    let operations = Operations::new(Some(opened.journal.clone()));
    let second = services(&env, operations.clone());
    let results = resume_operations(&second, operations.pending().unwrap(), fast()).await;
    let outcome = results[0].outcome.clone().unwrap_or_else(|| {
        panic!("{:?}", results[0].error);
    });
    assert!(outcome.contains("0 failed"), "{outcome}");
    assert!(opened.journal.entries().unwrap().is_empty());
    // The delete sent by the first process was watched to its end, not sent again.
    assert_eq!(faults.request_count("DELETE", "**/computes/ci-alice"), 1);
    let error = second
        .arm
        .get_compute(&reference, "ci-alice")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    let after = take_inventory(&second, &[workspace], 4).await;
    let left: Vec<String> = after
        .items
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                ItemKind::Runtime | ItemKind::ComputeInstance | ItemKind::OnlineDeployment
            )
        })
        .map(|i| i.name.clone())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Connections were not ticked: all nine are still there.
    assert_eq!(after.counts["connection"], 9);
}
