//! Every ARM long-running operation against every way ARM may answer it, as the emulator serves
//! them: both headers, the async header alone, `Location` alone, a new `Location` per poll, the
//! provisioning state alone (a create), `Retry-After: 0` and `Retry-After` as an HTTP-date; each
//! succeeding, and failing or cancelled in the first answer, at the first poll or later.
//!
//! The operations: compute start as `pfrm compute start` and the app run it
//! (`runtimes::start_compute_instance`), and stop, restart, create and delete through the ARM
//! client's poller (the specs mark these five `x-ms-long-running-operation`; pfrm's other ARM
//! writes, the role-assignment PUT/DELETE and `customServices`, are synchronous by their specs).
//!
//! For each run: the right outcome (the error names the service's code, or the cancel), the
//! right final body and resource state, and, measured on the emulator's side from the time of
//! each request for the operation, that the client waited at least what each answer asked
//! (`Retry-After` seconds or date; its own interval when none or 0), not much more, and stopped
//! polling as soon as the operation ended. A table of the figures is printed. A run that fails
//! is run once more on a fresh instance (a stalled machine can make one run late) and named in
//! the output; a client that breaks a rule fails both.

mod clients_common;

use std::time::Duration;

use clients_common::{Env, ALICE, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::http::lro::{LroOptions, PendingOperation};
use pfrm_core::http::{ApiRequest, Audience, Method};
use pfrm_core::model::ComputeInstanceState;
use pfrm_core::ops::runtimes::{self, WatchSettings};
use pfrm_core::ops::Operations;
use pfrm_core::services::Services;
use pfrm_core::{Error, ErrorCode};
use pfrm_emulator::{LroEnding, LroPattern, LroRecord, LroStage};
use serde_json::{json, Value};

/// Emulated time 30 times real time: a start lasts 4 s, a restart 3 s, a stop or a delete 2 s, a
/// create 6 s, and ARM asks for 1 s between polls (its 15 s, scaled, at least 1): every
/// operation is seen running at least once, even on a busy machine.
const TIME_SCALE: f64 = 30.0;
/// The client's pause when an answer asks for none (no `Retry-After`, or `0`).
const INTERVAL: Duration = Duration::from_millis(250);
/// No pause is longer (the start operation's own cap: six intervals of at least 1 s).
const MAX_INTERVAL: Duration = Duration::from_secs(6);
/// A poll may come this much before the asked time (the emulator's clock is read after
/// answering, so a poll on time can look a little early) ...
const EARLY: Duration = Duration::from_millis(15);
/// ... and this much after it (two cores shared with builds). A client that waited its longest
/// pause (6 s) where 1 s was asked is still caught.
const LATE: Duration = Duration::from_secs(3);

const INSTANCE: &str = "ci-alice";
const CODE: &str = "DiskFull";
const MESSAGE: &str = "The disk of the compute instance is full.";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Start,
    Stop,
    Restart,
    Create,
    Delete,
}

const OPS: [Op; 5] = [Op::Start, Op::Stop, Op::Restart, Op::Create, Op::Delete];

const PATTERNS: [LroPattern; 7] = [
    LroPattern::AsyncAndLocation,
    LroPattern::AsyncOnly,
    LroPattern::LocationOnly,
    LroPattern::NewLocationPerPoll,
    LroPattern::ProvisioningState,
    LroPattern::RetryAfterZero,
    LroPattern::RetryAfterDate,
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    Succeeds,
    Fails(LroStage),
    Canceled(LroStage),
}

const ENDINGS: [Ending; 7] = [
    Ending::Succeeds,
    Ending::Fails(LroStage::Initial),
    Ending::Fails(LroStage::FirstPoll),
    Ending::Fails(LroStage::Later),
    Ending::Canceled(LroStage::Initial),
    Ending::Canceled(LroStage::FirstPoll),
    Ending::Canceled(LroStage::Later),
];

impl Op {
    fn label(self) -> &'static str {
        match self {
            Op::Start => "start (pfrm compute start)",
            Op::Stop => "stop (POST)",
            Op::Restart => "restart (POST)",
            Op::Create => "create (PUT)",
            Op::Delete => "delete (DELETE)",
        }
    }

    /// The provisioning state alone can only answer a create: ARM requires a 202 (an action, a
    /// delete) to name a URL to follow.
    fn meets_pattern(self, pattern: LroPattern) -> bool {
        pattern != LroPattern::ProvisioningState || self == Op::Create
    }

    /// A 202 carries no outcome, so only a create can be cancelled in its first answer.
    fn meets_ending(self, ending: Ending) -> bool {
        ending != Ending::Canceled(LroStage::Initial) || self == Op::Create
    }
}

fn pattern_label(pattern: LroPattern) -> &'static str {
    match pattern {
        LroPattern::AsyncAndLocation => "async + Location",
        LroPattern::AsyncOnly => "async header only",
        LroPattern::LocationOnly => "Location only",
        LroPattern::NewLocationPerPoll => "new Location per poll",
        LroPattern::ProvisioningState => "provisioning state only",
        LroPattern::RetryAfterZero => "Retry-After: 0",
        LroPattern::RetryAfterDate => "Retry-After: HTTP-date",
    }
}

fn workspace() -> WorkspaceRef {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace")
}

fn services(env: &Env) -> Services {
    clients_common::ops::services(env, Operations::default())
}

fn options() -> LroOptions {
    LroOptions {
        timeout: Duration::from_secs(60),
        poll_interval: INTERVAL,
        max_poll_interval: MAX_INTERVAL,
        ..LroOptions::default()
    }
}

fn compute_url(env: &Env, name: &str) -> url::Url {
    let mut url = env.cloud.arm_endpoint.clone();
    url.set_path(&format!("{}/computes/{name}", workspace().arm_id()));
    url
}

/// The operation's result, read through the poller (or, for start, through the operation the
/// CLI and the app run), as JSON: the final body, or the started instance.
async fn perform(
    env: &Env,
    services: &Services,
    op: Op,
    name: &str,
) -> Result<Option<Value>, Error> {
    let pipeline = services.pipeline();
    let pending = match op {
        Op::Start => {
            let watch = WatchSettings {
                poll_interval: INTERVAL,
                timeout: Duration::from_secs(60),
            };
            let instance =
                runtimes::start_compute_instance(services, &workspace().arm_id(), name, watch)
                    .await?;
            return Ok(Some(serde_json::to_value(instance).unwrap()));
        }
        Op::Stop => services.arm.stop_compute(&workspace(), name).await?,
        Op::Restart => services.arm.restart_compute(&workspace(), name).await?,
        Op::Create => {
            let request = ApiRequest::new(
                Method::PUT,
                compute_url(env, name),
                Audience::Arm,
                format!("create compute instance '{name}'"),
            )
            .query("api-version", "2024-04-01")
            .json(
                json!({"location": "eastus", "properties": {"computeType": "ComputeInstance",
                "properties": {"vmSize": "Standard_DS3_v2"}}}),
            );
            PendingOperation::start(pipeline, request).await?
        }
        Op::Delete => {
            let request = ApiRequest::new(
                Method::DELETE,
                compute_url(env, name),
                Audience::Arm,
                format!("delete compute instance '{name}'"),
            )
            .query("api-version", "2024-04-01")
            .query("underlyingResourceAction", "Delete");
            PendingOperation::start(pipeline, request).await?
        }
    };
    let outcome = pending.wait(pipeline, &options(), |_| {}).await?;
    Ok(outcome.body)
}

/// What one run measured.
struct Figures {
    polls: usize,
    /// The shortest pause between an answer that said "still running" and the next request.
    min_gap: Option<Duration>,
}

/// Checks the outcome and the final body or state of one run.
async fn check_outcome(
    services: &Services,
    op: Op,
    ending: Ending,
    name: &str,
    result: Result<Option<Value>, Error>,
) -> Result<(), String> {
    let instance = services.arm.get_compute(&workspace(), name).await;
    let state = |r: &Result<pfrm_core::azure::arm::ComputeResource, Error>| {
        r.as_ref().ok().and_then(|c| {
            c.instance_properties()
                .state
                .clone()
                .map(|s| (s, c.properties.provisioning_state.clone()))
        })
    };
    match ending {
        Ending::Succeeds => {
            let body = result.map_err(|e| format!("should succeed: {e:?}"))?;
            match op {
                Op::Start => {
                    let body = body.ok_or("no instance returned")?;
                    let expected = serde_json::to_value(ComputeInstanceState::Running).unwrap();
                    if body["state"] != expected {
                        return Err(format!("the started instance is not running: {body}"));
                    }
                }
                Op::Stop | Op::Restart => {
                    if body.is_some() {
                        return Err(format!("an action has no result body, got {body:?}"));
                    }
                    let want = if op == Op::Stop { "Stopped" } else { "Running" };
                    if state(&instance).map(|s| s.0).as_deref() != Some(want) {
                        return Err(format!(
                            "the instance should be {want}: {:?}",
                            state(&instance)
                        ));
                    }
                }
                Op::Create => {
                    let body = body.ok_or("a create returns the resource")?;
                    if body["name"] != name
                        || body["properties"]["provisioningState"] != "Succeeded"
                        || body["properties"]["properties"]["state"] != "Running"
                    {
                        return Err(format!(
                            "the final body is not the running instance: {body}"
                        ));
                    }
                }
                Op::Delete => {
                    if body.is_some() {
                        return Err(format!("a delete has no result body, got {body:?}"));
                    }
                    match &instance {
                        Err(e) if e.code == ErrorCode::NotFound => {}
                        other => return Err(format!("the instance should be gone: {other:?}")),
                    }
                }
            }
        }
        Ending::Fails(_) | Ending::Canceled(_) => {
            let error = match result {
                Ok(body) => return Err(format!("should not succeed, got {body:?}")),
                Err(error) => error,
            };
            if error.code == ErrorCode::Timeout {
                return Err(format!("an ended operation timed out: {error:?}"));
            }
            let details = error.details.clone().unwrap_or_default();
            let (code, status) = match ending {
                Ending::Fails(_) => (CODE, "Failed"),
                _ => ("OperationCanceled", "Canceled"),
            };
            // An action or delete refused in its first answer is a plain refusal; every other
            // ending is the operation's, reported alike whatever the pattern: a service error
            // naming the terminal status.
            let refused = ending == Ending::Fails(LroStage::Initial) && op != Op::Create;
            if !refused
                && (error.code != ErrorCode::Service
                    || details.get("operationStatus").and_then(Value::as_str) != Some(status))
            {
                return Err(format!(
                    "the error should be the operation's, {status}: {error:?}"
                ));
            }
            // The service's code and message, whenever it gave them.
            match details.get("armCode") {
                Some(c) if c != code => {
                    return Err(format!("the error should name {code}: {error:?}"))
                }
                Some(_) if status == "Failed" && !error.message.contains(MESSAGE) => {
                    return Err(format!("the error should carry Azure's message: {error:?}"))
                }
                None if refused => return Err(format!("a refusal names its code: {error:?}")),
                _ => {}
            }
            // The resource is left as it was, or marked as the failed create.
            let want = match op {
                Op::Start => Some("Stopped"),
                Op::Stop | Op::Restart => Some("Running"),
                Op::Create => Some("CreateFailed"),
                Op::Delete => None,
            };
            let found = state(&instance);
            match want {
                Some(want) if found.as_ref().map(|s| s.0.as_str()) != Some(want) => {
                    return Err(format!("the instance should be {want}: {found:?}"))
                }
                None if found.is_none() => {
                    return Err("a delete that did not succeed should leave the instance".into())
                }
                _ => {}
            }
            if op == Op::Create {
                let provisioning = found.and_then(|s| s.1);
                if provisioning.as_deref() != Some(status) {
                    return Err(format!(
                        "the failed create should be provisioning state {status}: {provisioning:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Checks the requests the emulator saw for the operation against the pacing rules.
fn check_polls(record: &LroRecord, ending: Ending) -> Result<Figures, String> {
    let requests = &record.requests;
    let polls = record.polls().len();
    match ending {
        Ending::Fails(LroStage::Initial) | Ending::Canceled(LroStage::Initial) => {
            if polls != 0 {
                return Err(format!(
                    "an operation that ended in its first answer was polled {polls} times"
                ));
            }
        }
        Ending::Fails(LroStage::FirstPoll) | Ending::Canceled(LroStage::FirstPoll) => {
            if polls != 1 || requests[1].in_progress {
                return Err(format!(
                    "an operation ended at the first poll took {polls} polls"
                ));
            }
        }
        _ => {
            let running = record.polls().iter().filter(|r| r.in_progress).count();
            if running == 0 {
                return Err("no poll saw the operation running: the test measures nothing".into());
            }
        }
    }
    // Once an answer says the operation ended, at most the result is read, and nothing says
    // "still running" after it.
    if let Some(end) = requests.iter().position(|r| !r.in_progress) {
        let after = &requests[end + 1..];
        if after.len() > 1 || after.iter().any(|r| r.in_progress) {
            return Err(format!(
                "polled on after the operation ended: {:?}",
                after
                    .iter()
                    .map(|r| (r.status, r.in_progress))
                    .collect::<Vec<_>>()
            ));
        }
    }
    let mut min_gap: Option<Duration> = None;
    let mut shortest_asked = MAX_INTERVAL;
    for pair in requests.windows(2) {
        let (answer, next) = (&pair[0], &pair[1]);
        if !answer.in_progress {
            continue;
        }
        let asked = match answer.asked_ms {
            Some(ms) if ms > 0 => Duration::from_millis(ms),
            _ => INTERVAL,
        }
        .min(MAX_INTERVAL);
        shortest_asked = shortest_asked.min(asked);
        let gap = next.at.duration_since(answer.at);
        if gap + EARLY < asked || gap > asked + LATE {
            return Err(format!(
                "after an answer asking {:?} (Retry-After {:?}) the next request came {gap:?} later",
                asked, answer.retry_after
            ));
        }
        min_gap = Some(min_gap.map_or(gap, |g| g.min(gap)));
    }
    // No more polls than the operation's duration allows at the pace asked.
    let running = requests.iter().filter(|r| r.in_progress).count() as u64;
    let most = record.lasts_ms / shortest_asked.as_millis().max(1) as u64 + 2;
    if running > most {
        return Err(format!(
            "{running} answers said 'running' for an operation of {} ms paced at {shortest_asked:?}",
            record.lasts_ms
        ));
    }
    Ok(Figures { polls, min_gap })
}

/// One run: prepare the instance, ask for the ending, perform, check.
async fn run(
    env: &Env,
    services: &Services,
    op: Op,
    ending: Ending,
    n: usize,
) -> Result<Figures, String> {
    let emulator = &env.emulator;
    let name = match op {
        Op::Start => {
            emulator.set_compute_state(INSTANCE, "Stopped").unwrap();
            INSTANCE.to_owned()
        }
        Op::Stop | Op::Restart => {
            emulator.set_compute_state(INSTANCE, "Running").unwrap();
            INSTANCE.to_owned()
        }
        Op::Create => format!("ci-new-{n}"),
        Op::Delete => {
            let name = format!("ci-old-{n}");
            emulator
                .add_compute_instance("ml-workspace", &name, ALICE, "Running")
                .unwrap();
            name
        }
    };
    match ending {
        Ending::Succeeds => {}
        Ending::Fails(stage) => {
            emulator.set_next_lro_ending(LroEnding::failed(stage, CODE, MESSAGE))
        }
        Ending::Canceled(stage) => emulator.set_next_lro_ending(LroEnding::canceled(stage)),
    }
    let result = perform(env, services, op, &name).await;
    let record = emulator.last_lro().ok_or("the emulator saw no operation")?;
    if !record
        .path
        .to_ascii_lowercase()
        .contains(&format!("/computes/{name}"))
    {
        return Err(format!(
            "the last operation was {} {}",
            record.method, record.path
        ));
    }
    check_outcome(services, op, ending, &name, result).await?;
    check_polls(&record, ending)
}

struct Row {
    op: Op,
    pattern: LroPattern,
    failures: Vec<String>,
    runs: usize,
    /// Runs that failed once and were run again, with the first failure.
    retried: Vec<String>,
    /// Polls of the run that succeeded.
    polls: Option<usize>,
    min_gap: Option<Duration>,
}

/// All endings of one operation in one pattern, on an emulator of their own.
async fn cell(op: Op, pattern: LroPattern) -> Row {
    let env = Env::start_scaled("first-time", ALICE, TIME_SCALE).await;
    env.emulator.set_lro_pattern(pattern);
    let services = services(&env);
    let mut row = Row {
        op,
        pattern,
        failures: vec![],
        retried: vec![],
        runs: 0,
        polls: None,
        min_gap: None,
    };
    for (n, ending) in ENDINGS.into_iter().enumerate() {
        if !op.meets_ending(ending) {
            continue;
        }
        row.runs += 1;
        let mut outcome = run(&env, &services, op, ending, n).await;
        if let Err(why) = &outcome {
            // Once more, on a fresh instance: a machine stalled for seconds can make one run
            // late, while a client that breaks a rule breaks it again.
            row.retried.push(format!("{ending:?}: {why}"));
            outcome = run(&env, &services, op, ending, n + ENDINGS.len()).await;
        }
        match outcome {
            Ok(figures) => {
                if ending == Ending::Succeeds {
                    row.polls = Some(figures.polls);
                }
                if let Some(gap) = figures.min_gap {
                    row.min_gap = Some(row.min_gap.map_or(gap, |g: Duration| g.min(gap)));
                }
            }
            Err(why) => row.failures.push(format!("{ending:?}: {why}")),
        }
    }
    row
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_ends_right_and_polls_at_the_asked_pace_under_every_lro_pattern() {
    let mut cells = Vec::new();
    for op in OPS {
        for pattern in PATTERNS {
            if op.meets_pattern(pattern) {
                cells.push(tokio::spawn(cell(op, pattern)));
            }
        }
    }
    let mut rows = Vec::new();
    for cell in cells {
        rows.push(cell.await.unwrap());
    }
    let mut table = format!(
        "\n{:<28} {:<24} {:<6} {:>5} {:>13} {:>11}\n",
        "operation", "LRO pattern", "result", "runs", "polls (succ.)", "min gap ms"
    );
    for row in &rows {
        table += &format!(
            "{:<28} {:<24} {:<6} {:>5} {:>13} {:>11}\n",
            row.op.label(),
            pattern_label(row.pattern),
            if row.failures.is_empty() {
                "pass"
            } else {
                "FAIL"
            },
            row.runs,
            row.polls.map_or("-".into(), |p| p.to_string()),
            row.min_gap
                .map_or("-".into(), |g| g.as_millis().to_string()),
        );
    }
    for op in OPS {
        if !op.meets_pattern(LroPattern::ProvisioningState) {
            table += &format!(
                "{:<28} {:<24} n/a: a 202 must name a URL to follow\n",
                op.label(),
                pattern_label(LroPattern::ProvisioningState)
            );
        }
    }
    table +=
        "runs: succeeds; fails in the first answer, at the first poll, later; cancelled at the \
              first poll, later (and a create in its first answer). polls: requests after the \
              first, in the run that succeeded. min gap: the shortest pause after a 'still \
              running' answer, over all runs.\n";
    for row in &rows {
        for retried in &row.retried {
            table += &format!(
                "run again after: {} / {}: {retried}\n",
                row.op.label(),
                pattern_label(row.pattern)
            );
        }
    }
    // Straight to stderr, past the test harness's capture: the figures belong in the CI log.
    let _ = std::io::Write::write_all(&mut std::io::stderr(), table.as_bytes());
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|row| {
            row.failures
                .iter()
                .map(move |f| format!("{} / {}: {f}", row.op.label(), pattern_label(row.pattern)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
