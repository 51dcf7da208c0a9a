//! The studio wizard's operations end to end against the emulator: workspace picker, preflight
//! for every scenario, the compute-instance choice, create (new app with the default or a custom
//! environment, existing app), start, delete, cancel, a failing start, and journal resume.

mod clients_common;

use std::time::Duration;

use clients_common::ops::{
    create_on_new_app, create_request, distinct_stages, fast, services, stop_instance, workspace_id,
};
use clients_common::{Env, ALICE_OID};
use pfrm_core::model::RuntimeSummary;
use pfrm_core::model::{ComputeInstanceState, RuntimeStatus};
use pfrm_core::ops::resume::resume_operations;
use pfrm_core::ops::runtimes::{self, CustomAppChoice, DeleteRuntimeRequest, WatchSettings};
use pfrm_core::ops::workspaces::{check_workspace, list_workspaces};
use pfrm_core::ops::{Journal, OperationKind, OperationState, Operations, Stage};
use pfrm_core::preflight::{CheckId, CheckStatus, FixAction};
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;

async fn runtimes_in_ml_workspace(services: &Services) -> Vec<RuntimeSummary> {
    runtimes::list_runtimes(services, &workspace_id("ml-workspace"))
        .await
        .unwrap()
}

#[tokio::test]
async fn first_time_user_sees_a_clean_checklist_and_their_instance() {
    let env = Env::start().await;
    let services = services(&env, Operations::default());

    let listing = list_workspaces(&services, 8).await.unwrap();
    assert_eq!(listing.workspaces.len(), 1);
    assert_eq!(listing.workspaces[0].name, "ml-workspace");
    assert_eq!(listing.workspaces[0].location, "eastus");
    assert!(listing.problems.is_empty());

    let check = check_workspace(&services, &workspace_id("ml-workspace"))
        .await
        .unwrap();
    assert!(!check.report.blocked, "{:#?}", check.report);
    // Every check passes, the region's quota too: a first-time data scientist typically holds
    // Reader on the subscription besides the workspace's roles, and that reads the quota.
    assert!(
        check.report.checks.iter().any(|c| c.id == CheckId::VmQuota),
        "{:#?}",
        check.report
    );
    for c in &check.report.checks {
        assert_eq!(c.status, CheckStatus::Passed, "{c:#?}");
    }

    let me = services.me().await.unwrap();
    assert_eq!(me.object_id, ALICE_OID);
    let choices =
        runtimes::list_my_compute_instances(&services, &workspace_id("ml-workspace"), None)
            .await
            .unwrap();
    assert_eq!(choices.len(), 1);
    assert_eq!(choices[0].instance.name, "ci-alice");
    assert!(choices[0].usable);
    assert!(runtimes_in_ml_workspace(&services).await.is_empty());
}

#[tokio::test]
async fn create_with_a_new_app_and_the_default_environment_runs_through_every_stage_then_delete() {
    let env = Env::start().await;
    let operations = Operations::default();
    let mut updates = operations.subscribe();
    let services = services(&env, operations.clone());

    let runtime = create_on_new_app(&services, "ml-workspace", "rt-alice", "ci-alice")
        .await
        .unwrap();
    assert_eq!(runtime.summary.status, RuntimeStatus::Running);
    assert_eq!(
        runtime.summary.compute_instance_name.as_deref(),
        Some("ci-alice")
    );
    assert!(runtime.summary.image_tag.is_some());

    let stages = distinct_stages(&mut updates);
    assert_eq!(stages.first(), Some(&Stage::Requested));
    assert!(stages.contains(&Stage::AddingCustomApp), "{stages:?}");
    assert!(stages.contains(&Stage::RuntimeStarting), "{stages:?}");
    assert_eq!(stages.last(), Some(&Stage::Done));
    assert_eq!(operations.list()[0].state, OperationState::Succeeded);

    // The runtime is listed, and its custom app now sits on the instance.
    let listed = runtimes_in_ml_workspace(&services).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, RuntimeStatus::Running);
    let app = listed[0]
        .custom_app_name
        .clone()
        .expect("a custom app name");
    let choices =
        runtimes::list_my_compute_instances(&services, &workspace_id("ml-workspace"), None)
            .await
            .unwrap();
    assert!(choices[0]
        .instance
        .custom_apps
        .iter()
        .any(|a| a.name == app));

    // A wrong confirmation deletes nothing.
    let refused = runtimes::delete_runtime(
        &services,
        DeleteRuntimeRequest {
            workspace_id: workspace_id("ml-workspace"),
            runtime_name: "rt-alice".into(),
            confirm_name: "rt-alic".into(),
            remove_custom_app: true,
        },
        fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert_eq!(runtimes_in_ml_workspace(&services).await.len(), 1);

    runtimes::delete_runtime(
        &services,
        DeleteRuntimeRequest {
            workspace_id: workspace_id("ml-workspace"),
            runtime_name: "rt-alice".into(),
            confirm_name: "rt-alice".into(),
            remove_custom_app: true,
        },
        fast(),
    )
    .await
    .unwrap();
    assert!(runtimes_in_ml_workspace(&services).await.is_empty());
    let choices =
        runtimes::list_my_compute_instances(&services, &workspace_id("ml-workspace"), None)
            .await
            .unwrap();
    assert!(!choices[0]
        .instance
        .custom_apps
        .iter()
        .any(|a| a.name == app));
}

#[tokio::test]
async fn a_new_app_needs_the_restart_to_be_confirmed() {
    let env = Env::start().await;
    let services = services(&env, Operations::default());
    let mut request = create_request(
        "ml-workspace",
        "rt-alice",
        "ci-alice",
        CustomAppChoice::New { environment: None },
    );
    request.confirm_restart = false;
    let error = runtimes::create_runtime(&services, request, fast())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.remedy.unwrap().contains("confirm the restart"));
    assert!(services.operations.list().is_empty(), "nothing was started");
}

#[tokio::test]
async fn invalid_names_are_refused_before_any_request() {
    let env = Env::start().await;
    let services = services(&env, Operations::default());
    let before = env.emulator.faults().request_count("*", "*");
    let error = create_on_new_app(&services, "ml-workspace", "1-bad name", "ci-alice")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(env.emulator.faults().request_count("*", "*"), before);
}

#[tokio::test]
async fn custom_environments_and_existing_apps_in_the_returning_scenario() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    let workspace = workspace_id("ml-workspace");

    let environments = runtimes::list_environments(&services, &workspace)
        .await
        .unwrap();
    let custom: Vec<_> = environments
        .iter()
        .filter(|e| e.name == "pf-custom")
        .collect();
    assert_eq!(custom.len(), 2);
    assert_eq!(custom[0].version, "2", "newest version first");
    assert!(custom[0]
        .asset_id
        .starts_with("azureml://locations/eastus/workspaces/"));

    // New app with a custom environment.
    let runtime = runtimes::create_runtime(
        &services,
        create_request(
            "ml-workspace",
            "rt-custom-two",
            "ci-alice",
            CustomAppChoice::New {
                environment: Some(custom[0].asset_id.clone()),
            },
        ),
        fast(),
    )
    .await
    .unwrap();
    assert_eq!(runtime.summary.status, RuntimeStatus::Running);
    assert_eq!(
        runtime.summary.environment.as_deref(),
        Some(custom[0].asset_id.as_str())
    );

    // An existing app that runs a runtime image can back another runtime...
    let choices = runtimes::list_my_compute_instances(&services, &workspace, None)
        .await
        .unwrap();
    let alice = choices
        .iter()
        .find(|c| c.instance.name == "ci-alice")
        .unwrap();
    let existing = alice
        .runtime_apps
        .first()
        .expect("a runtime app on ci-alice")
        .name
        .clone();
    let runtime = runtimes::create_runtime(
        &services,
        create_request(
            "ml-workspace",
            "rt-existing",
            "ci-alice",
            CustomAppChoice::Existing {
                app_name: existing.clone(),
            },
        ),
        fast(),
    )
    .await
    .unwrap();
    assert_eq!(
        runtime.summary.custom_app_name.as_deref(),
        Some(existing.as_str())
    );

    // ...but an app that is not a runtime (RStudio) is refused with the service's reason.
    let error = runtimes::create_runtime(
        &services,
        create_request(
            "ml-workspace",
            "rt-rstudio",
            "ci-alice",
            CustomAppChoice::Existing {
                app_name: "rstudio".into(),
            },
        ),
        fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::Conflict, "{error:?}");
    assert!(error.remedy.is_some());

    // Only Alice's own instances are offered; Carol's is not.
    assert!(choices.iter().all(|c| c.instance.name != "ci-carol"));
}

#[tokio::test]
async fn a_stopped_instance_is_offered_a_start_and_starts() {
    let env = Env::start().await;
    let services = services(&env, Operations::default());
    let workspace = workspace_id("ml-workspace");
    stop_instance(&services, "ml-workspace", "ci-alice").await;

    let choices = runtimes::list_my_compute_instances(&services, &workspace, None)
        .await
        .unwrap();
    let running = choices[0]
        .checks
        .iter()
        .find(|c| c.id == CheckId::InstanceRunning)
        .unwrap();
    assert_eq!(
        running.fix,
        Some(FixAction::StartComputeInstance {
            name: "ci-alice".into()
        })
    );
    // Create refuses while it is stopped.
    let error = create_on_new_app(&services, "ml-workspace", "rt-alice", "ci-alice")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Conflict);

    let instance = runtimes::start_compute_instance(&services, &workspace, "ci-alice", fast())
        .await
        .unwrap();
    assert_eq!(instance.state, ComputeInstanceState::Running);
    let op = &services.operations.list()[1];
    assert_eq!(op.kind, OperationKind::StartComputeInstance);
    assert_eq!(op.state, OperationState::Succeeded);
}

#[tokio::test]
async fn every_blocker_of_the_blocked_scenario_is_detected_with_its_remedy() {
    let env = Env::start_scenario("blocked").await;
    let services = services(&env, Operations::default());
    let failed = |report: &pfrm_core::preflight::PreflightReport, id| {
        report.get(id).map(|c| c.status) == Some(CheckStatus::Failed)
    };

    let isolated = check_workspace(&services, &workspace_id("ws-isolated"))
        .await
        .unwrap();
    assert!(isolated.report.blocked && failed(&isolated.report, CheckId::DataIsolationOff));

    let hub = check_workspace(&services, &workspace_id("hub-project"))
        .await
        .unwrap();
    assert!(hub.report.blocked && failed(&hub.report, CheckId::NotHubProject));

    let files = check_workspace(&services, &workspace_id("ws-filestore"))
        .await
        .unwrap();
    assert!(files.report.blocked && failed(&files.report, CheckId::DefaultDatastoreIsBlob));
    let datastore = files.report.get(CheckId::DefaultDatastoreIsBlob).unwrap();
    assert!(datastore.evidence.iter().any(|e| e.value == "AzureFile"));

    let private = check_workspace(&services, &workspace_id("ws-private"))
        .await
        .unwrap();
    assert!(!private.report.blocked, "network isolation is a notice");
    assert!(failed(&private.report, CheckId::NetworkIsolation));
    assert!(private
        .report
        .get(CheckId::NetworkIsolation)
        .unwrap()
        .link
        .is_some());

    let open = check_workspace(&services, &workspace_id("ws-open"))
        .await
        .unwrap();
    assert!(!open.report.blocked, "{:#?}", open.report);

    // Create is refused on a blocked workspace before anything is sent to the flow service.
    let error = create_on_new_app(&services, "ws-isolated", "rt-iso", "ci-alice-iso")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Conflict);
    assert_eq!(error.details.unwrap()["checkId"], "dataIsolationOff");
}

#[tokio::test]
async fn a_reader_lacks_the_role_and_is_told_to_ask_an_owner() {
    let env = Env::start_scenario_as("blocked", "bob@contoso.com").await;
    let services = services(&env, Operations::default());
    let check = check_workspace(&services, &workspace_id("ws-open"))
        .await
        .unwrap();
    let role = check.report.get(CheckId::DataScientistRole).unwrap();
    assert_eq!(role.status, CheckStatus::Failed);
    assert!(role.remedy.as_deref().unwrap().contains("Owner"));
    assert!(check.report.blocked);
}

#[tokio::test]
async fn a_runtime_that_fails_to_start_surfaces_the_service_message() {
    let env = Env::start_scenario("blocked").await;
    let services = services(&env, Operations::default());
    let error = create_on_new_app(&services, "ws-open", "rt-doomed", "ci-alice-open")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Service, "{error:?}");
    assert!(error.message.contains("rt-doomed"));
    assert!(error.remedy.is_some());
    let snapshot = &services.operations.list()[0];
    assert_eq!(snapshot.state, OperationState::Failed);
}

#[tokio::test]
async fn cancelling_mid_create_ends_the_operation_as_cancelled() {
    let env = Env::start().await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    let mut updates = operations.subscribe();
    let slow = WatchSettings {
        poll_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(60),
    };
    let canceller = tokio::spawn(async move {
        while let Ok(snapshot) = updates.recv().await {
            if snapshot.stage == Stage::AddingCustomApp {
                operations.cancel(&snapshot.id).unwrap();
                return;
            }
        }
    });
    let error = runtimes::create_runtime(
        &services,
        create_request(
            "ml-workspace",
            "rt-alice",
            "ci-alice",
            CustomAppChoice::New { environment: None },
        ),
        slow,
    )
    .await
    .unwrap_err();
    // If the create failed before reaching that stage, the canceller must not hang the test.
    canceller.abort();
    assert_eq!(error.code, ErrorCode::Cancelled, "{error:?}");
    assert_eq!(
        services.operations.list()[0].state,
        OperationState::Cancelled
    );
}

#[tokio::test]
async fn an_app_restart_mid_create_resumes_watching_from_the_journal() {
    let env = Env::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operations.json");

    // First app run: the create is sent, then the app goes away mid-operation.
    let first = Journal::open(&path);
    let operations = Operations::new(Some(first.journal));
    let mut updates = operations.subscribe();
    let services_first = services(&env, operations);
    let task = tokio::spawn(async move {
        create_on_new_app(&services_first, "ml-workspace", "rt-alice", "ci-alice").await
    });
    while let Ok(snapshot) = updates.recv().await {
        if snapshot.stage == Stage::AddingCustomApp {
            break;
        }
    }
    task.abort();
    let _ = task.await;

    // Second app run: the journal still lists it; watching resumes under the same id.
    let second = Journal::open(&path);
    assert_eq!(second.pending.len(), 1);
    let id = second.pending[0].id.clone();
    let operations = Operations::new(Some(second.journal.clone()));
    let services = services(&env, operations.clone());
    let results = resume_operations(&services, second.pending, fast()).await;
    assert_eq!(results.len(), 1);
    assert!(results[0].error.is_none(), "{:?}", results[0].error);
    assert_eq!(
        results[0].outcome.as_deref(),
        Some("Runtime rt-alice is running.")
    );
    let runtime = runtimes::runtime_details(&services, &workspace_id("ml-workspace"), "rt-alice")
        .await
        .unwrap();
    assert_eq!(runtime.summary.status, RuntimeStatus::Running);
    let snapshot = operations.get(&id).unwrap();
    assert!(snapshot.resumed);
    assert_eq!(snapshot.state, OperationState::Succeeded);
    assert!(second.journal.entries().unwrap().is_empty());
}

#[tokio::test]
async fn after_the_retirement_date_creating_a_runtime_is_refused_and_nothing_is_sent() {
    use pfrm_core::migration::retirement::{Clock, RETIREMENT_DATE};
    let env = Env::start().await;
    let services = services(&env, Operations::default()).with_clock(Clock::fixed(RETIREMENT_DATE));
    let error = create_on_new_app(&services, "ml-workspace", "rt-after", "ci-alice")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Conflict);
    assert!(
        error.message.contains("retired on 2027-04-20"),
        "{}",
        error.message
    );
    assert!(error.remedy.unwrap().contains("Agent Framework"));
    assert!(
        services.operations.list().is_empty(),
        "no operation started"
    );
    let listed = runtimes_in_ml_workspace(&services).await;
    assert!(listed.is_empty(), "nothing was created: {listed:?}");

    // The day before, the same request goes through to the service.
    let day_before = RETIREMENT_DATE.previous_day().unwrap();
    let services = services.with_clock(Clock::fixed(day_before));
    let created = create_on_new_app(&services, "ml-workspace", "rt-before", "ci-alice")
        .await
        .unwrap();
    assert_eq!(created.summary.name, "rt-before");
}
