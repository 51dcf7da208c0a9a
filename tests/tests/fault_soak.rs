//! A fault soak: creates, updates, deletes, role grants and instance starts run side by side over
//! the emulator while it injects hundreds of faults (429 with Retry-After, 5xx, resets before and
//! after the service acted, cut-off bodies, delays, slow long-running operations). Afterwards the
//! emulator's request log and its final state are compared with what pfrm reported:
//!
//! - duplicates: runtimes, custom applications or role assignments made twice;
//! - lost operations: operations that never ended, or left an entry in the journal;
//! - reported failed but done (and reported done but not done);
//! - non-idempotent requests re-sent: a runtime create (POST) or update (PUT), or an instance
//!   start (POST), sent again after an attempt the service may have carried out (sending one
//!   again after a 429 or 503, by which the service said it did not act, is safe: it is counted
//!   apart, and must happen);
//! - sleeps shorter than Retry-After: a retry that came sooner than the service asked.
//!
//! Every figure must be 0. Emulated time runs fast and Retry-After is one second, so the soak
//! takes well under a minute.

mod clients_common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use clients_common::{EmulatorCredential, ALICE};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::http::{Pipeline, RetryPolicy};
use pfrm_core::model::{ComputeInstanceState, ComputeInstanceSummary, RuntimeStatus};
use pfrm_core::ops::permissions::{self, GrantRequest, GrantSettings, GrantTarget};
use pfrm_core::ops::runtimes::{
    self, CreateRuntimeRequest, CustomAppChoice, DeleteRuntimeRequest, WatchSettings,
};
use pfrm_core::ops::updates::{self, UpdateRuntimeRequest};
use pfrm_core::ops::{Journal, OperationState, Operations};
use pfrm_core::services::Services;
use pfrm_emulator::scenario::{ComputeInstanceSeed, RoleAssignmentSeed, UserSeed};
use pfrm_emulator::{Emulator, EmulatorOptions, FaultAction, FaultRule, RequestRecord, Scenario};

/// Workspaces worked on side by side; each gets every kind of operation, [`ROUNDS`] times.
const WORKSPACES: usize = 12;
const ROUNDS: usize = 4;
const SUBSCRIPTION: &str = "5f1e0000-0000-4000-8000-000000000001";
const NEWEST_TAG: &str = "20251211.v12";
/// At least this many faults must be injected for the soak to count.
const MIN_FAULTS: u64 = 500;
/// Runtime creates, and as many updates, that the service turns away with 429 or 503 first.
const REFUSED_WRITES: u32 = 4;

fn workspace_id(w: usize) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-fleet-1", format!("ws-fleet-1-{w}")).arm_id()
}

fn bob(w: usize, round: usize) -> String {
    format!("bob-{w}-{round}@contoso.com")
}

/// The fleet world (one instance and old-image runtimes per workspace), plus what the soak
/// acts on: Alice may assign roles, a user per grant, a stopped instance per start.
fn scenario() -> Scenario {
    let mut scenario = Scenario::fleet(1, WORKSPACES, 2 * ROUNDS);
    scenario.role_assignments.push(RoleAssignmentSeed {
        principal: ALICE.into(),
        role: "Owner".into(),
        subscription: Some(SUBSCRIPTION.into()),
        ..Default::default()
    });
    let tenant = scenario.default_tenant_id.clone();
    for w in 1..=WORKSPACES {
        for round in 1..=ROUNDS {
            scenario.users.push(UserSeed {
                user_name: bob(w, round),
                display_name: format!("Bob {w}-{round}"),
                object_id: format!("b0b00000-0000-4000-8000-{:06}{:06}", w, round),
                tenant_id: tenant.clone(),
                mail: Some(bob(w, round)),
                ..Default::default()
            });
            scenario.workspaces[w - 1]
                .compute_instances
                .push(ComputeInstanceSeed {
                    name: format!("ci-spare-{w}-{round}"),
                    assigned_to: ALICE.into(),
                    state: Some("Stopped".into()),
                    ..Default::default()
                });
        }
    }
    scenario
}

/// The fault mix, each drawn per request (the first rule that fires wins).
fn fault_rules() -> Vec<FaultRule> {
    let respond = |status: u16, retry_after: Option<u64>, probability: f64| FaultRule {
        action: FaultAction::Respond,
        status: Some(status),
        retry_after,
        probability: Some(probability),
        body: Some(serde_json::json!({"error": {
            "code": if status == 429 { "TooManyRequests" } else { "ServiceUnavailable" },
            "message": "Injected by the fault soak."}})),
        ..FaultRule::default()
    };
    let action = |action: FaultAction, probability: f64, delay_ms: Option<u64>| FaultRule {
        action,
        probability: Some(probability),
        delay_ms,
        ..FaultRule::default()
    };
    // The service turning a create or an update away (429, 503): the only failures after which
    // those writes may be sent again. The first few of each, so every run exercises it.
    let refuse = |method: &str, status: u16| FaultRule {
        service: Some("flow".into()),
        method: Some(method.into()),
        path: Some("**/FlowRuntimes/*".into()),
        times: Some(REFUSED_WRITES),
        ..respond(status, Some(1), 1.0)
    };
    vec![
        refuse("POST", 429),
        refuse("PUT", 503),
        // Slow long-running operations: status polls of instance starts and restarts.
        FaultRule {
            service: Some("arm".into()),
            path: Some("**/computeOperationsStatus/*".into()),
            ..action(FaultAction::Delay, 0.3, Some(300))
        },
        // About 0.29 of all other requests get a fault: some 600 in a run, well above
        // MIN_FAULTS whatever the draw.
        respond(429, Some(1), 0.04),
        respond(503, Some(1), 0.02),
        respond(503, None, 0.025),
        respond(500, None, 0.03),
        respond(502, None, 0.02),
        respond(504, None, 0.02),
        action(FaultAction::Reset, 0.03, None),
        action(FaultAction::ResetAfter, 0.03, None),
        action(FaultAction::Truncate, 0.035, None),
        action(FaultAction::Delay, 0.04, Some(150)),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Create,
    Update,
    Delete,
    Grant,
    Start,
}

#[derive(Debug)]
struct Reported {
    kind: Kind,
    workspace: usize,
    /// The runtime, instance or user acted on.
    subject: String,
    /// `None` when the operation did not end within the soak's deadline.
    ok: Option<bool>,
    /// Failed with an error that is marked outcome-unknown AND tells the user so (the request
    /// was sent and pfrm lost track of it, or whether it happened could not be read): honest,
    /// so not counted as "reported failed". A bare read error is no such report.
    outcome_unknown: bool,
    message: String,
}

fn watch() -> WatchSettings {
    WatchSettings {
        poll_interval: Duration::from_millis(50),
        timeout: Duration::from_secs(90),
    }
}

fn grant_settings() -> GrantSettings {
    GrantSettings {
        propagation_timeout: Duration::from_secs(20),
        poll_interval: Duration::from_millis(100),
        principal_retry_timeout: Duration::from_secs(5),
        principal_retry_initial_delay: Duration::from_millis(50),
        principal_retry_max_delay: Duration::from_millis(200),
    }
}

/// Every operation on one workspace, one after the other (as one person would).
async fn work_on_workspace(services: Services, w: usize) -> Vec<Reported> {
    let ws = workspace_id(w);
    let mut reported = Vec::new();
    let mut note = |kind, subject: String, outcome: Result<(), pfrm_core::Error>| {
        reported.push(Reported {
            kind,
            workspace: w,
            subject,
            ok: Some(outcome.is_ok()),
            outcome_unknown: outcome.as_ref().is_err_and(|e| {
                e.outcome_unknown()
                    && (e.message.contains("was sent, but pfrm lost track of it")
                        || e.message.contains("could not be read"))
            }),
            message: outcome.err().map(|e| e.message).unwrap_or_default(),
        });
    };
    for round in 1..=ROUNDS {
        let grant = permissions::grant_data_scientist(
            &services,
            GrantRequest {
                workspace_id: ws.clone(),
                target: GrantTarget::User {
                    user: bob(w, round),
                },
                role: None,
            },
            grant_settings(),
        )
        .await;
        note(Kind::Grant, bob(w, round), grant.map(|_| ()));

        let updated = format!("rt-{}", 2 * round - 1);
        let update = updates::update_runtime(
            &services,
            UpdateRuntimeRequest {
                workspace_id: ws.clone(),
                runtime_name: updated.clone(),
                environment: None,
                allow_older: false,
                move_to_default_environment: false,
            },
            watch(),
        )
        .await;
        note(Kind::Update, updated, update.map(|_| ()));

        let created = format!("rt-round{round}-new");
        let create = runtimes::create_runtime(
            &services,
            CreateRuntimeRequest {
                workspace_id: ws.clone(),
                runtime_name: created.clone(),
                compute_instance: format!("ci-alice-{w}"),
                app: CustomAppChoice::New { environment: None },
                confirm_restart: true,
            },
            watch(),
        )
        .await;
        note(Kind::Create, created, create.map(|_| ()));

        let deleted = format!("rt-{}", 2 * round);
        let delete = runtimes::delete_runtime(
            &services,
            DeleteRuntimeRequest {
                workspace_id: ws.clone(),
                runtime_name: deleted.clone(),
                confirm_name: deleted.clone(),
                remove_custom_app: false,
            },
            watch(),
        )
        .await;
        note(Kind::Delete, deleted, delete);

        let spare = format!("ci-spare-{w}-{round}");
        let start = runtimes::start_compute_instance(&services, &ws, &spare, watch()).await;
        note(Kind::Start, spare, start.map(|_| ()));
    }
    reported
}

/// What the emulator's final state says about one operation: was it carried out?
async fn was_done(services: &Services, op: &Reported) -> bool {
    let ws = workspace_id(op.workspace);
    match op.kind {
        Kind::Create => runtimes::runtime_details(services, &ws, &op.subject)
            .await
            .is_ok(),
        Kind::Update => runtimes::runtime_details(services, &ws, &op.subject)
            .await
            .is_ok_and(|runtime| runtime.summary.image_tag.as_deref() == Some(NEWEST_TAG)),
        Kind::Delete => runtimes::runtime_details(services, &ws, &op.subject)
            .await
            .is_err_and(|error| error.code == pfrm_core::ErrorCode::NotFound),
        Kind::Grant => {
            let user = services.graph.get_user(&op.subject).await.unwrap();
            permissions::list_workspace_assignments(services, &ws, Some(&user.id))
                .await
                .unwrap()
                .iter()
                .any(|a| a.role_name == "AzureML Data Scientist" && !a.inherited)
        }
        Kind::Start => {
            let reference = WorkspaceRef::from_arm_id(&ws).unwrap();
            let compute = services
                .arm
                .get_compute(&reference, &op.subject)
                .await
                .unwrap();
            matches!(
                ComputeInstanceSummary::from(&compute).state,
                ComputeInstanceState::Running | ComputeInstanceState::Starting
            )
        }
    }
}

/// Writes whose repetition is not harmless: the flow service's runtime create (POST) and update
/// (PUT), and ARM's instance start (POST).
fn is_non_idempotent(record: &RequestRecord) -> bool {
    let path = record.path.to_ascii_lowercase();
    (record.service == "flow"
        && path.contains("/flowruntimes/")
        && matches!(record.method.as_str(), "POST" | "PUT"))
        || (record.service == "arm" && record.method == "POST" && path.ends_with("/start"))
}

struct RetryFigures {
    resent_non_idempotent: usize,
    /// Non-idempotent writes sent again after the service turned them away: safe, and expected.
    resent_after_refusal: usize,
    short_sleeps: usize,
    retry_after_waits_checked: usize,
}

fn check_retries(log: &[RequestRecord]) -> RetryFigures {
    let mut attempts: HashMap<&str, Vec<&RequestRecord>> = HashMap::new();
    for record in log {
        if let Some(id) = record.client_request_id.as_deref() {
            attempts.entry(id).or_default().push(record);
        }
    }
    let mut figures = RetryFigures {
        resent_non_idempotent: 0,
        resent_after_refusal: 0,
        short_sleeps: 0,
        retry_after_waits_checked: 0,
    };
    for tries in attempts.values() {
        for pair in tries.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            if is_non_idempotent(after) && before.refused_unprocessed() {
                figures.resent_after_refusal += 1;
            }
            if is_non_idempotent(after) && !before.refused_unprocessed() {
                eprintln!(
                    "re-sent after a possibly carried-out attempt: {} {} (first attempt: {:?} {:?})",
                    after.method, after.path, before.fault, before.status
                );
                figures.resent_non_idempotent += 1;
            }
            if let Some(seconds) = before.retry_after {
                figures.retry_after_waits_checked += 1;
                let waited = after.at.duration_since(before.at);
                if waited < Duration::from_secs(seconds) {
                    eprintln!(
                        "retried after {waited:?} though Retry-After was {seconds} s: {} {}",
                        after.method, after.path
                    );
                    figures.short_sleeps += 1;
                }
            }
        }
    }
    figures
}

fn count_duplicates<T: Ord>(items: impl IntoIterator<Item = T>) -> usize {
    let mut seen: BTreeMap<T, usize> = BTreeMap::new();
    for item in items {
        *seen.entry(item).or_default() += 1;
    }
    seen.values().map(|n| n.saturating_sub(1)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_soak_loses_nothing_duplicates_nothing_and_misreports_nothing() {
    let emulator = Arc::new(
        Emulator::start(EmulatorOptions {
            scenario: scenario(),
            time_scale: 120.0,
            ..EmulatorOptions::default()
        })
        .await
        .expect("emulator starts"),
    );
    emulator.set_role_propagation_delay(Duration::from_millis(200));
    let ready = serde_json::to_string(emulator.ready_info()).unwrap();
    let cloud = CloudConfig::from_custom_json(&ready).unwrap();
    let credential = Arc::new(EmulatorCredential::new(emulator.clone(), ALICE, false));
    // Retry-After (1 s) stays under the cap, so every wait it asks for is honoured in full.
    let pipeline = Pipeline::new(&cloud, credential.clone())
        .unwrap()
        .with_retry_policy(RetryPolicy {
            max_attempts: 6,
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_secs(5),
        });
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join("operations.json")).journal;
    let operations = Operations::new(Some(journal.clone()));
    let services = Services::new(cloud.clone(), credential.clone(), operations.clone())
        .unwrap()
        .with_pipeline(pipeline.clone());

    let faults = emulator.faults();
    for rule in fault_rules() {
        faults.add(rule);
    }
    faults.reset_counters();
    faults.set_recording(true);

    let started = std::time::Instant::now();
    let workers: Vec<_> = (1..=WORKSPACES)
        .map(|w| {
            let services = services.clone();
            tokio::spawn(tokio::time::timeout(
                Duration::from_secs(240),
                work_on_workspace(services, w),
            ))
        })
        .collect();
    let mut reported = Vec::new();
    let mut unfinished_workers = 0;
    for worker in workers {
        match worker.await.unwrap() {
            Ok(ops) => reported.extend(ops),
            Err(_) => unfinished_workers += 1,
        }
    }
    let soak_time = started.elapsed();
    faults.set_recording(false);
    let injected = faults.injected_total();
    let log = faults.request_log();
    faults.clear();

    // The truth, read without faults once whatever Azure still does has settled.
    let truth = Services::new(cloud, credential, Operations::default())
        .unwrap()
        .with_pipeline(pipeline);
    for _ in 0..100 {
        let mut busy = false;
        for w in 1..=WORKSPACES {
            for runtime in runtimes::list_runtimes(&truth, &workspace_id(w))
                .await
                .unwrap()
            {
                busy |= !matches!(
                    runtime.status,
                    RuntimeStatus::Running | RuntimeStatus::Failed | RuntimeStatus::NotExist
                );
            }
        }
        if !busy {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut failed_but_done = 0;
    let mut done_but_not_done = 0;
    for op in &reported {
        let done = was_done(&truth, op).await;
        match op.ok {
            Some(false) if done && op.outcome_unknown => {}
            Some(false) if done => {
                eprintln!("reported failed but done: {op:?}");
                failed_but_done += 1;
            }
            Some(true) if !done => {
                eprintln!("reported done but not done: {op:?}");
                done_but_not_done += 1;
            }
            _ => {}
        }
    }
    let still_running = operations
        .list()
        .iter()
        .filter(|op| op.state == OperationState::Running)
        .count();
    let journal_left = journal.entries().unwrap().len();
    let expected_ops = WORKSPACES * ROUNDS * 5;
    let lost = unfinished_workers * ROUNDS * 5
        + still_running
        + journal_left
        + expected_ops.saturating_sub(reported.len() + unfinished_workers * ROUNDS * 5);

    let mut duplicates = 0;
    for w in 1..=WORKSPACES {
        let ws = workspace_id(w);
        let listed = runtimes::list_runtimes(&truth, &ws).await.unwrap();
        duplicates += count_duplicates(listed.iter().map(|r| r.name.to_ascii_lowercase()));
        let reference = WorkspaceRef::from_arm_id(&ws).unwrap();
        let compute = truth
            .arm
            .get_compute(&reference, &format!("ci-alice-{w}"))
            .await
            .unwrap();
        duplicates += count_duplicates(
            ComputeInstanceSummary::from(&compute)
                .custom_apps
                .iter()
                .map(|app| app.name.to_ascii_lowercase()),
        );
        let assignments = permissions::list_workspace_assignments(&truth, &ws, None)
            .await
            .unwrap();
        duplicates += count_duplicates(assignments.iter().map(|a| {
            (
                a.assignment.principal_id.to_ascii_lowercase(),
                a.assignment.role_definition_id.to_ascii_lowercase(),
                a.assignment
                    .scope
                    .clone()
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
            )
        }));
    }
    let retries = check_retries(&log);

    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for record in &log {
        if let Some(fault) = &record.fault {
            let label = match (fault, record.status) {
                (FaultAction::Respond, Some(status)) => format!("respond {status}"),
                (other, _) => format!("{other:?}").to_lowercase(),
            };
            *by_kind.entry(label).or_default() += 1;
        }
    }
    let succeeded = reported.iter().filter(|op| op.ok == Some(true)).count();
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for op in &reported {
        let entry = per_kind.entry(format!("{:?}", op.kind)).or_default();
        entry.0 += 1;
        if op.ok == Some(true) {
            entry.1 += 1;
        }
    }
    let mut summary = format!(
        "fault soak: {} operations ({succeeded} succeeded), {} requests, {injected} faults injected in {soak_time:.1?}\n",
        reported.len(),
        log.len()
    );
    summary += &format!("  operations (run, succeeded): {per_kind:?}\n");
    summary += &format!("  faults: {by_kind:?}\n");
    summary += &format!(
        "  Retry-After waits checked: {}\n",
        retries.retry_after_waits_checked
    );
    summary += &format!("  duplicates: {duplicates}\n");
    summary += &format!("  lost operations: {lost}\n");
    summary += &format!("  operations reported failed that were done: {failed_but_done}\n");
    summary += &format!("  operations reported done that were not: {done_but_not_done}\n");
    let unknown: Vec<&Reported> = reported.iter().filter(|op| op.outcome_unknown).collect();
    summary += &format!(
        "  operations reported as not known (answer and follow-up reads lost): {}\n",
        unknown.len()
    );
    summary += &format!(
        "  non-idempotent requests re-sent: {}\n",
        retries.resent_non_idempotent
    );
    summary += &format!(
        "  non-idempotent requests sent again after a 429/503 (safe): {}\n",
        retries.resent_after_refusal
    );
    summary += &format!(
        "  sleeps shorter than Retry-After: {}\n",
        retries.short_sleeps
    );
    for op in reported.iter().filter(|op| op.ok == Some(false)) {
        summary += &format!(
            "  failed, and not done: {:?} {} in workspace {}: {}\n",
            op.kind, op.subject, op.workspace, op.message
        );
    }
    // Straight to stderr, past the test harness's capture: the figures belong in the CI log.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), summary.as_bytes());

    assert!(
        injected >= MIN_FAULTS,
        "only {injected} faults were injected"
    );
    assert!(retries.retry_after_waits_checked > 0);
    // Creates and updates turned away were sent again (not reported failed).
    assert!(
        retries.resent_after_refusal >= 2 * REFUSED_WRITES as usize,
        "only {} creates or updates were sent again after a 429/503",
        retries.resent_after_refusal
    );
    assert_eq!(duplicates, 0, "duplicates");
    assert_eq!(lost, 0, "lost operations");
    assert_eq!(
        failed_but_done, 0,
        "operations reported failed that were done"
    );
    assert_eq!(
        done_but_not_done, 0,
        "operations reported done that were not"
    );
    assert_eq!(
        retries.resent_non_idempotent, 0,
        "non-idempotent requests re-sent"
    );
    assert_eq!(retries.short_sleeps, 0, "sleeps shorter than Retry-After");
}
