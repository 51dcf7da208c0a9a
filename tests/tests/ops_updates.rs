//! Versions and updates end to end against the emulator: the version check (disagreement with
//! the service's `needUpgrade`; registry paging and ETags are in `ops_updates_registry.rs`), the fleet check, updating with the default environment (verified),
//! the custom environment path, update all (a failure among successes, custom runtimes listed,
//! no second update of a runtime already updating), cancel, timeout, and journal resume.

mod clients_common;

use std::time::Duration;

use clients_common::ops::{distinct_stages, fast, services, update_request, workspace_id};
use clients_common::{Env, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::model::RuntimeStatus;
use pfrm_core::ops::resume::resume_operations;
use pfrm_core::ops::runtimes::{self, WatchSettings};
use pfrm_core::ops::updates::{
    self, AttentionReason, CheckOptions, UpdateAllOutcome, UpdateAllRequest, UpdateRuntimeRequest,
    VersionNote,
};
use pfrm_core::ops::workspaces::list_workspaces;
use pfrm_core::ops::{Journal, OperationKind, OperationState, Operations, Stage};
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;
use pfrm_emulator::{FaultAction, FaultRule};

const NEWEST: &str = "20251211.v12";

fn ml_workspace() -> String {
    workspace_id("ml-workspace")
}

fn fleet_workspace(w: usize) -> String {
    WorkspaceRef::new(
        "5f1e0000-0000-4000-8000-000000000001",
        "rg-fleet-1",
        format!("ws-fleet-1-{w}"),
    )
    .arm_id()
}

/// Update all of `ml-workspace`'s outdated runtimes, with the default parallelism.
fn update_all_in_ml_workspace() -> UpdateAllRequest {
    UpdateAllRequest {
        workspace_ids: vec![ml_workspace()],
        max_parallel: None,
    }
}

/// The service answers `needUpgrade` for `rt-default` with false, whatever the registry says.
fn service_says_rt_default_needs_no_upgrade(env: &Env) {
    env.emulator.faults().add(FaultRule {
        service: Some("flow".into()),
        method: Some("GET".into()),
        path: Some("/flow/api/**/FlowRuntimes/rt-default/needUpgrade".into()),
        action: FaultAction::Respond,
        status: Some(200),
        body: Some(serde_json::json!(false)),
        ..Default::default()
    });
}

/// What the Update dialog offers for `rt-custom` (on a custom environment) in `ml-workspace`.
async fn rt_custom_guidance(services: &Services) -> updates::CustomEnvironmentGuidance {
    updates::custom_environment_guidance(
        services,
        &ml_workspace(),
        "rt-custom",
        CheckOptions::default(),
    )
    .await
    .unwrap()
}

/// The version check of `runtime` in `ml-workspace`, with the default options.
async fn check(
    services: &Services,
    runtime: &str,
) -> pfrm_core::Result<updates::RuntimeVersionStatus> {
    updates::check_runtime_version(services, &ml_workspace(), runtime, CheckOptions::default())
        .await
}

/// Updates every outdated runtime `request` names, watching quickly, with the default check.
async fn update_all(services: &Services, request: UpdateAllRequest) -> updates::UpdateAllSummary {
    updates::update_all_outdated(services, request, fast(), CheckOptions::default()).await
}

/// How many runtime updates `operations` has started.
fn updates_started(operations: &Operations) -> usize {
    operations
        .list()
        .iter()
        .filter(|op| op.kind == OperationKind::UpdateRuntime)
        .count()
}

#[tokio::test]
async fn disagreement_with_need_upgrade_says_which_source_says_what() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    service_says_rt_default_needs_no_upgrade(&env);
    let status = check(&services, "rt-default").await.unwrap();
    assert_eq!(env.emulator.faults().injected_total(), 1);
    assert_eq!(status.registry_says_outdated, Some(true));
    assert_eq!(status.service_says_outdated, Some(false));
    assert!(!status.sources_agree);
    assert!(
        !status.update_available,
        "the service refuses an update it says is not needed: none is offered"
    );
    assert_eq!(
        status.notes,
        [VersionNote::RegistryNewer {
            latest: "version 2025-12-11 (v12)".into(),
            current: status.current.as_ref().unwrap().label.clone(),
        }],
        "the note names which source says what"
    );
}

/// A workspace the session listed is not read again to learn its flow host: checking and
/// guiding (each of which once read the workspace first) send no GET of it.
#[tokio::test]
async fn operations_on_a_listed_workspace_do_not_read_it_again() {
    let env = Env::start_scenario("returning").await;
    let listed = services(&env, Operations::default());
    let workspace_gets = || {
        env.emulator.faults().request_count(
            "GET",
            "/subscriptions/*/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ml-workspace",
        )
    };
    let listing = list_workspaces(&listed, 4).await.unwrap();
    assert!(listing
        .workspaces
        .iter()
        .any(|w| w.id.eq_ignore_ascii_case(&ml_workspace())));
    let before = workspace_gets();
    for _ in 0..2 {
        check(&listed, "rt-default").await.unwrap();
        runtimes::list_runtimes(&listed, &ml_workspace())
            .await
            .unwrap();
    }
    updates::custom_environment_guidance(
        &listed,
        &ml_workspace(),
        "rt-custom",
        CheckOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(workspace_gets(), before, "no GET of the listed workspace");

    // A workspace the session has not seen is read once, then reused.
    let fresh = services(&env, Operations::default());
    for _ in 0..3 {
        runtimes::list_runtimes(&fresh, &ml_workspace())
            .await
            .unwrap();
    }
    assert_eq!(
        workspace_gets(),
        before + 1,
        "read once for a session that never listed it"
    );
}

#[tokio::test]
async fn checking_workspaces_flags_outdated_runtimes_and_counts_them() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    let missing = WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "no-such-workspace").arm_id();
    let report = updates::check_workspaces(
        &services,
        &[ml_workspace(), missing.clone(), ml_workspace()],
        CheckOptions::default(),
    )
    .await;
    let names: Vec<&str> = report
        .runtimes
        .iter()
        .map(|r| r.runtime_name.as_str())
        .collect();
    assert_eq!(names, ["rt-custom", "rt-default"], "each workspace once");
    assert_eq!(report.outdated_count, 2);
    assert_eq!(updates::count_outdated(&report.runtimes), 2);
    assert_eq!(report.latest.as_ref().unwrap().tag, NEWEST);
    let custom = &report.runtimes[0];
    assert!(custom.update_available);
    assert!(custom.current.is_none(), "a built image has no version");
    assert_eq!(
        custom.custom_environment.as_ref().unwrap().display(),
        "pf-custom:1"
    );
    assert!(!custom.updatable_directly());
    assert_eq!(
        custom.notes,
        [VersionNote::CustomEnvironment {
            environment: "pf-custom:1".into(),
            service_outdated: true,
        }]
    );
    assert!(report.runtimes[1].updatable_directly());
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].workspace_id, missing);
    // ARM checks permission before existence: an unknown workspace reads as forbidden.
    assert_eq!(report.problems[0].error.code, ErrorCode::PermissionDenied);
    // Named and keyed by the core, so the hosts take no id apart: each workspace asked once,
    // as asked; its runtimes and its problem carry its key.
    assert_eq!(report.problems[0].workspace_name, "no-such-workspace");
    let asked: Vec<(&str, &str)> = report
        .workspaces
        .iter()
        .map(|workspace| (workspace.id.as_str(), workspace.name.as_str()))
        .collect();
    assert_eq!(
        asked,
        [
            (ml_workspace().as_str(), "ml-workspace"),
            (missing.as_str(), "no-such-workspace")
        ]
    );
    assert_eq!(report.problems[0].workspace_key, report.workspaces[1].key);
    assert!(report
        .runtimes
        .iter()
        .all(|runtime| runtime.workspace_key == report.workspaces[0].key));
    // One key for every spelling of the id.
    let shouted = updates::check_workspaces(
        &services,
        &[ml_workspace().to_uppercase()],
        CheckOptions::default(),
    )
    .await;
    assert_eq!(shouted.workspaces[0].key, report.workspaces[0].key);
}

#[tokio::test]
async fn default_environment_update_ends_on_the_newest_tag_and_the_badge_goes_away() {
    let env = Env::start_scenario("returning").await;
    let operations = Operations::default();
    let mut progress = operations.subscribe();
    let services = services(&env, operations.clone());

    let outcome = updates::update_runtime(&services, update_request("rt-default"), fast())
        .await
        .unwrap();
    assert_eq!(outcome.previous.as_ref().unwrap().tag, "20240111.v2");
    assert_eq!(outcome.current.as_ref().unwrap().tag, NEWEST);
    assert_eq!(outcome.runtime.summary.status, RuntimeStatus::Running);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);

    let stages = distinct_stages(&mut progress);
    assert_eq!(
        stages,
        [
            Stage::Requested,
            Stage::InstanceRestarting,
            Stage::RuntimeStarting,
            Stage::Verifying,
            Stage::Done
        ]
    );
    let snapshot = operations.get(&outcome.operation_id).unwrap();
    assert_eq!(snapshot.kind, OperationKind::UpdateRuntime);
    assert_eq!(snapshot.state, OperationState::Succeeded);

    let status = check(&services, "rt-default").await.unwrap();
    assert!(!status.update_available, "{status:?}");
    assert!(status.sources_agree);
    assert_eq!(status.current.unwrap().tag, NEWEST);
    assert!(status.app_image.unwrap().ends_with(NEWEST));
}

#[tokio::test]
async fn an_update_that_leaves_the_old_tag_fails_clearly() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    // The service accepts the request but never acts on it.
    env.emulator.faults().add(FaultRule {
        service: Some("flow".into()),
        method: Some("PUT".into()),
        path: Some("/flow/api/**/FlowRuntimes/rt-default".into()),
        action: FaultAction::Respond,
        status: Some(200),
        body: Some(serde_json::json!({})),
        ..Default::default()
    });
    let error = updates::update_runtime(&services, update_request("rt-default"), fast())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Service);
    assert!(error.message.contains("not newer"), "{}", error.message);
    assert!(
        error.message.contains("version 2024-01-11 (v2)"),
        "{}",
        error.message
    );
    assert!(error.remedy.is_some());
    assert_eq!(services.operations.list()[0].state, OperationState::Failed);
}

#[tokio::test]
async fn custom_environment_update_gives_the_base_image_and_warns_about_older_versions() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());

    let guidance = rt_custom_guidance(&services).await;
    assert_eq!(
        guidance.dockerfile_from_line,
        format!(
            "FROM {}/azureml/promptflow/promptflow-runtime-stable:{NEWEST}",
            env.cloud.registry_host
        )
    );
    assert_eq!(
        guidance.current_environment.as_ref().unwrap().display(),
        "pf-custom:1"
    );
    // Without an environment, the update would move the runtime to the default environment and
    // drop its custom one: refused unless asked for, before anything is sent.
    let moved = updates::update_runtime(&services, update_request("rt-custom"), fast())
        .await
        .unwrap_err();
    assert_eq!(moved.code, ErrorCode::InvalidInput);
    assert!(moved.message.contains("pf-custom:1"), "{}", moved.message);
    assert_eq!(
        moved.details.as_ref().unwrap()["reason"],
        "customEnvironment",
        "hosts tell this refusal apart by its reason"
    );
    assert!(services.operations.list().is_empty(), "nothing was started");

    let versions: Vec<(&str, bool, bool)> = guidance
        .candidates
        .iter()
        .map(|c| (c.choice.version.as_str(), c.is_current, c.warning.is_some()))
        .collect();
    assert_eq!(versions, [("2", false, false), ("1", true, true)]);

    // Picking the version it already runs needs a confirmation.
    let current_id = guidance.candidates[1].choice.asset_id.clone();
    let refused = updates::update_runtime(
        &services,
        UpdateRuntimeRequest {
            environment: Some(current_id),
            ..update_request("rt-custom")
        },
        fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert!(
        refused.message.contains("pf-custom:1"),
        "{}",
        refused.message
    );
    assert_eq!(
        refused.details.as_ref().unwrap()["warning"],
        serde_json::json!({"code": "same", "chosen": "pf-custom:1"}),
        "hosts can phrase the refusal from its code"
    );
    assert!(services.operations.list().is_empty(), "nothing was started");

    // An environment the workspace does not have is refused before anything is sent.
    let unknown = updates::update_runtime(
        &services,
        UpdateRuntimeRequest {
            environment: Some("azureml:pf-custom:9".into()),
            ..update_request("rt-custom")
        },
        fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotFound);

    let rebuilt = guidance.candidates[0].choice.asset_id.clone();
    let outcome = updates::update_runtime(
        &services,
        UpdateRuntimeRequest {
            environment: Some(rebuilt.clone()),
            ..update_request("rt-custom")
        },
        fast(),
    )
    .await
    .unwrap();
    assert_eq!(
        outcome.runtime.summary.environment.as_deref(),
        Some(rebuilt.as_str())
    );
    assert_eq!(
        outcome.environment.as_ref().unwrap().display(),
        "pf-custom:2"
    );
    assert_eq!(outcome.runtime.summary.status, RuntimeStatus::Running);
    let status = check(&services, "rt-custom").await.unwrap();
    assert_eq!(status.custom_environment.unwrap().display(), "pf-custom:2");
}

#[tokio::test]
async fn update_all_finishes_the_others_when_one_fails_and_says_which() {
    // Three workspaces, two runtimes each on one instance: six outdated runtimes.
    let env = Env::start_scenario("fleet:1:3:2").await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    env.emulator.faults().add(FaultRule {
        service: Some("flow".into()),
        method: Some("PUT".into()),
        path: Some("/flow/api/**/workspaces/ws-fleet-1-2/FlowRuntimes/rt-2".into()),
        action: FaultAction::Respond,
        status: Some(400),
        body: Some(serde_json::json!({"error": {"code": "UserError", "message": "The runtime's custom application could not be updated.", "innerError": {"code": "BadArgument"}}})),
        ..Default::default()
    });
    let summary = update_all(
        &services,
        UpdateAllRequest {
            workspace_ids: (1..=3).map(fleet_workspace).collect(),
            max_parallel: Some(3),
        },
    )
    .await;
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    assert_eq!(summary.items.len(), 6, "{summary:#?}");
    assert_eq!(summary.updated, 5, "{summary:#?}");
    assert_eq!(summary.failed, 1);
    assert_eq!(summary.needs_attention, 0);
    let failed: Vec<_> = summary
        .items
        .iter()
        .filter(|item| item.outcome == UpdateAllOutcome::Failed)
        .collect();
    assert_eq!(failed[0].workspace_name, "ws-fleet-1-2");
    assert_eq!(failed[0].runtime_name, "rt-2");
    let error = failed[0].error.as_ref().unwrap();
    assert!(
        error.message.contains("could not be updated"),
        "{}",
        error.message
    );
    for item in summary
        .items
        .iter()
        .filter(|item| item.outcome == UpdateAllOutcome::Updated)
    {
        assert_eq!(item.to.as_ref().unwrap().tag, NEWEST, "{item:?}");
        let op = operations.get(item.operation_id.as_ref().unwrap()).unwrap();
        assert_eq!(op.state, OperationState::Succeeded);
    }
    // Six operations, one per runtime; the failed one is in the Activity panel too.
    assert_eq!(operations.list().len(), 6);
    let again = updates::check_workspaces(
        &services,
        &(1..=3).map(fleet_workspace).collect::<Vec<_>>(),
        CheckOptions::default(),
    )
    .await;
    assert_eq!(again.outdated_count, 1);
}

#[tokio::test]
async fn update_all_leaves_out_a_runtime_the_service_says_needs_no_update() {
    // The registry lists a newer image for rt-default, but the service says no update is
    // needed: the service would refuse the update ("not newer"), so it is never started.
    let env = Env::start_scenario("returning").await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    service_says_rt_default_needs_no_upgrade(&env);
    let summary = update_all(&services, update_all_in_ml_workspace()).await;
    assert_eq!(summary.updated, 0, "{summary:#?}");
    assert_eq!(summary.failed, 0, "{summary:#?}");
    assert_eq!(summary.up_to_date, 1, "{summary:#?}");
    assert!(
        summary
            .items
            .iter()
            .all(|item| item.runtime_name != "rt-default"),
        "{summary:#?}"
    );
    assert_eq!(updates_started(&operations), 0);
}

#[tokio::test]
async fn update_all_lists_custom_runtimes_and_skips_one_already_updating() {
    let env = Env::start_scenario("returning").await;
    let operations = Operations::default();
    let mut progress = operations.subscribe();
    let services = services(&env, operations.clone());
    // The first update's request is slow to arrive, so the runtime still reads as outdated
    // while that update is in progress.
    env.emulator.faults().add(FaultRule {
        service: Some("flow".into()),
        method: Some("PUT".into()),
        path: Some("/flow/api/**/FlowRuntimes/rt-default".into()),
        action: FaultAction::Delay,
        delay_ms: Some(1500),
        times: Some(1),
        ..Default::default()
    });

    let first = {
        let services = services.clone();
        tokio::spawn(async move {
            updates::update_runtime(&services, update_request("rt-default"), fast()).await
        })
    };
    let first_id = progress.recv().await.unwrap().id;
    let summary = update_all(&services, update_all_in_ml_workspace()).await;
    assert_eq!(summary.updated, 0);
    assert_eq!(summary.already_updating, 1, "{summary:#?}");
    let skipped = summary
        .items
        .iter()
        .find(|item| item.outcome == UpdateAllOutcome::AlreadyUpdating)
        .unwrap();
    assert_eq!(skipped.runtime_name, "rt-default");
    assert_eq!(skipped.operation_id.as_deref(), Some(first_id.as_str()));
    assert_eq!(summary.needs_attention, 1);
    let attention = summary
        .items
        .iter()
        .find(|item| item.outcome == UpdateAllOutcome::NeedsAttention)
        .unwrap();
    assert_eq!(attention.runtime_name, "rt-custom");
    assert_eq!(
        attention.attention,
        Some(AttentionReason::CustomEnvironment)
    );
    assert_eq!(
        attention.custom_environment.as_ref().unwrap().display(),
        "pf-custom:1"
    );
    assert!(summary
        .dockerfile_from_line
        .as_deref()
        .unwrap()
        .ends_with(NEWEST));
    // Only the first update ran; it still finishes.
    let outcome = first.await.unwrap().unwrap();
    assert_eq!(outcome.current.unwrap().tag, NEWEST);
    assert_eq!(updates_started(&operations), 1);
}

#[tokio::test]
async fn a_second_update_while_the_first_runs_is_refused_as_already_being_changed() {
    let env = Env::start_scenario("returning").await;
    let operations = Operations::default();
    let mut progress = operations.subscribe();
    let services = services(&env, operations.clone());
    let guidance = rt_custom_guidance(&services).await;
    let request = UpdateRuntimeRequest {
        environment: Some(guidance.candidates[0].choice.asset_id.clone()),
        ..update_request("rt-custom")
    };
    let first = {
        let (services, request) = (services.clone(), request.clone());
        tokio::spawn(async move { updates::update_runtime(&services, request, fast()).await })
    };
    // Once the first has moved the runtime to the new version and waits for it to restart, the
    // same update asked again (a second click) is told the runtime is being changed, not that
    // the version would not move it forward.
    let first_id = loop {
        let snapshot = progress.recv().await.unwrap();
        if snapshot.stage == Stage::InstanceRestarting {
            break snapshot.id;
        }
    };
    let again = updates::update_runtime(&services, request, fast())
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    assert_eq!(again.message, "Runtime rt-custom is already being changed.");
    assert!(again.remedy.is_some(), "the refusal says what to do");
    assert_eq!(
        again.details.as_ref().unwrap()["operationId"],
        first_id.as_str(),
        "the refusal names the change under way"
    );
    first.await.unwrap().unwrap();
    assert_eq!(updates_started(&operations), 1);
}

#[tokio::test]
async fn an_update_can_be_cancelled() {
    let env = Env::start_scenario("returning").await;
    let operations = Operations::default();
    let mut progress = operations.subscribe();
    let services = services(&env, operations.clone());
    let request = update_request("rt-default");
    let task = {
        let services = services.clone();
        tokio::spawn(async move { updates::update_runtime(&services, request, fast()).await })
    };
    let id = loop {
        let snapshot = progress.recv().await.unwrap();
        if snapshot.stage == Stage::InstanceRestarting {
            break snapshot.id;
        }
    };
    operations.cancel(&id).unwrap();
    let error = task.await.unwrap().unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);
    assert_eq!(
        operations.get(&id).unwrap().state,
        OperationState::Cancelled
    );
}

#[tokio::test]
async fn an_update_that_outlasts_its_watch_times_out() {
    let env = Env::start_scenario("returning").await;
    let services = services(&env, Operations::default());
    // A restart takes about 0.6 s at this time scale.
    let short = WatchSettings {
        poll_interval: Duration::from_millis(20),
        timeout: Duration::from_millis(200),
    };
    let error = updates::update_runtime(&services, update_request("rt-default"), short)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout, "{error:?}");
    assert!(error.remedy.is_some());
    let snapshot = &services.operations.list()[0];
    assert_eq!(snapshot.state, OperationState::Failed);
    assert_eq!(snapshot.error.as_ref().unwrap().code, ErrorCode::Timeout);
}

#[tokio::test]
async fn an_update_interrupted_by_an_app_restart_resumes_watching_from_the_journal() {
    let env = Env::start_scenario("returning").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("operations.json");

    let first = Journal::open(&path);
    let operations = Operations::new(Some(first.journal));
    let mut progress = operations.subscribe();
    let services_first = services(&env, operations);
    let task = tokio::spawn(async move {
        updates::update_runtime(&services_first, update_request("rt-default"), fast()).await
    });
    while let Ok(snapshot) = progress.recv().await {
        if snapshot.stage == Stage::InstanceRestarting {
            break;
        }
    }
    task.abort();
    let _ = task.await;

    let second = Journal::open(&path);
    assert_eq!(second.pending.len(), 1);
    let entry = second.pending[0].clone();
    assert_eq!(entry.kind, OperationKind::UpdateRuntime);
    assert!(entry.resume["previousImage"]
        .as_str()
        .unwrap()
        .ends_with(":20240111.v2"));
    let operations = Operations::new(Some(second.journal.clone()));
    let mut progress = operations.subscribe();
    let services = services(&env, operations.clone());
    let results = resume_operations(&services, second.pending, fast()).await;
    assert!(results[0].error.is_none(), "{:?}", results[0].error);
    let runtime = runtimes::runtime_details(&services, &ml_workspace(), "rt-default")
        .await
        .unwrap();
    assert!(runtime
        .summary
        .docker_image
        .as_deref()
        .unwrap()
        .ends_with(NEWEST));
    let snapshot = operations.get(&entry.id).unwrap();
    assert!(snapshot.resumed);
    assert_eq!(snapshot.state, OperationState::Succeeded);
    assert!(distinct_stages(&mut progress).contains(&Stage::Verifying));
    assert!(second.journal.entries().unwrap().is_empty());
}

#[tokio::test]
async fn the_newest_image_is_called_final_once_the_images_are_frozen() {
    use pfrm_core::migration::retirement::{Clock, IMAGES_FROZEN_SINCE};
    let env = Env::start_scenario("returning").await;
    let frozen =
        services(&env, Operations::default()).with_clock(Clock::fixed(IMAGES_FROZEN_SINCE));
    let report =
        updates::check_workspaces(&frozen, &[ml_workspace()], CheckOptions::default()).await;
    assert!(report.latest_is_final);
    assert!(report.runtimes.iter().all(|r| r.latest_is_final));
    let single = check(&frozen, "rt-default").await.unwrap();
    assert!(single.latest_is_final);

    let before = frozen.with_clock(Clock::fixed(IMAGES_FROZEN_SINCE.previous_day().unwrap()));
    let report =
        updates::check_workspaces(&before, &[ml_workspace()], CheckOptions::default()).await;
    assert!(
        !report.latest_is_final,
        "before the notice more images could come"
    );
    assert!(report.runtimes.iter().all(|r| !r.latest_is_final));
}
