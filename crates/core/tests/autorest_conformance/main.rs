//! Conformance of the long-running-operation poller and the retry pipeline against a peer pfrm
//! did not write: the AutoRest test server (npm `@microsoft.azure/autorest.testserver`, the
//! server Azure's own SDKs are tested against), installed in tests/autorest by `cargo xtask
//! setup`.
//!
//! The server runs on loopback only (tests/autorest/loopback.cjs forces every listen onto
//! 127.0.0.1) and speaks plain HTTP, so it sits behind an HTTPS terminator with this test's own
//! CA: the pipeline requires HTTPS, as against Azure. The terminator keeps the cookie jar (the
//! server keeps each scenario's state in cookies, cleared between scenarios) and, like a reverse
//! proxy's redirect rewriting, turns the `http://` status URLs the server builds into `https://`.
//!
//! Every LRO and retry scenario that applies to an ARM client runs through `pfrm-core`'s
//! pipeline and poller unchanged. The test prints one row per scenario and fails on any row that
//! fails and is not a deliberate choice (each one states its reason below).
//!
//! Needs `node` and `npm`. Without them it skips, saying why, unless `PFRM_REQUIRE_AUTOREST` is
//! set (`cargo xtask test` sets it), in which case it fails.
//!
//! The files: `peer` (the server and its HTTPS terminator), `scenarios` (what pfrm should do in
//! each scenario, and the reasons for the deliberate differences), this one (running them and the
//! table). Whether the peer can run is decided as for the oidc-provider peer (node_peer.rs).

#[path = "../../../../tests/src/node_peer.rs"]
mod node_peer;
mod peer;
mod scenarios;
#[path = "../support/mod.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pfrm_core::cloud::Audience;
use pfrm_core::http::lro::{LroOptions, PendingOperation};
use pfrm_core::http::{ApiRequest, Method, Pipeline};
use serde_json::{json, Value};
use support::{FakeCredential, TestServer};
use tokio_util::sync::CancellationToken;

use peer::{autorest_dir, start_test_server, terminator, Traffic};
use scenarios::{lro_scenarios, retry_scenarios, Expect, Scenario};

/// The default poll interval in this test: `Retry-After: 0` must mean this, not "at once".
const POLL_INTERVAL: Duration = Duration::from_millis(100);

struct Row {
    method: String,
    path: String,
    verdict: &'static str,
    requests: usize,
    note: String,
}

fn request(server: &TestServer, method: Method, path: &str) -> ApiRequest {
    let url = server.url(path.trim_start_matches('/'));
    let with_body = matches!(method, Method::PUT | Method::PATCH | Method::POST);
    let request = ApiRequest::new(method, url, Audience::Arm, format!("run {path}"));
    if with_body {
        request.json(json!({"location": "westus", "tags": {}, "properties": {}}))
    } else {
        request
    }
}

async fn run_lro(
    pipeline: &Pipeline,
    server: &TestServer,
    scenario: &Scenario,
) -> Result<Option<Value>, String> {
    let options = LroOptions {
        timeout: Duration::from_secs(15),
        poll_interval: POLL_INTERVAL,
        max_poll_interval: Duration::from_secs(2),
        cancel: CancellationToken::new(),
    };
    let request = request(server, scenario.method.clone(), scenario.path);
    let pending = PendingOperation::start(pipeline, request)
        .await
        .map_err(|error| format!("{:?}: {}", error.code, error.message))?;
    pending
        .wait(pipeline, &options, |_| {})
        .await
        .map(|outcome| outcome.body)
        .map_err(|error| format!("{:?}: {}", error.code, error.message))
}

/// The shortest gap between two polls of the same status URL (a result read right after the
/// operation succeeded is no poll), if there were two.
fn shortest_poll_gap(arrivals: &[(Instant, String)]) -> Option<Duration> {
    arrivals
        .iter()
        .zip(arrivals.iter().skip(1))
        .filter(|((_, a), (_, b))| a == b && a.starts_with("GET "))
        .map(|((a, _), (b, _))| b.duration_since(*a))
        .min()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_applicable_autorest_lro_and_retry_scenario_passes() {
    let installed = "node_modules/@microsoft.azure/autorest.testserver";
    let peer = "the AutoRest test server";
    if !node_peer::ready(&autorest_dir(), installed, "PFRM_REQUIRE_AUTOREST", peer) {
        return;
    }
    let coverage = tempfile::tempdir().unwrap();
    let (_node, backend_port) = start_test_server(coverage.path());
    let traffic = Arc::new(Mutex::new(Traffic::default()));
    let server = terminator(backend_port, traffic.clone()).await;
    let pipeline = server.pipeline(FakeCredential::new());

    let mut rows = Vec::new();
    for scenario in lro_scenarios() {
        let method = scenario.method.to_string();
        *traffic.lock().unwrap() = Traffic::default();
        let outcome = run_lro(&pipeline, &server, &scenario).await;
        let arrivals = std::mem::take(&mut traffic.lock().unwrap().arrivals);
        let mut problems = Vec::new();
        match (&scenario.expect, &outcome) {
            (Expect::Body(expected), Ok(Some(body))) if body == expected => {}
            (Expect::Body(expected), Ok(body)) => {
                problems.push(format!("expected body {expected}, got {body:?}"))
            }
            (Expect::Success, Ok(_)) | (Expect::Failure, Err(_)) => {}
            (Expect::Failure, Ok(body)) => {
                problems.push(format!("expected a failure, got success with {body:?}"))
            }
            (Expect::Deliberate(_), _) => {}
            (_, Err(error)) => problems.push(format!("failed: {error}")),
        }
        let mut gap_note = String::new();
        if scenario.retry_after_zero {
            if let Some(gap) = shortest_poll_gap(&arrivals) {
                gap_note = format!("Retry-After: 0, polls >= {} ms apart", gap.as_millis());
                if gap + Duration::from_millis(10) < POLL_INTERVAL {
                    problems.push(format!(
                        "Retry-After: 0 polled {} ms apart, under the {} ms default",
                        gap.as_millis(),
                        POLL_INTERVAL.as_millis()
                    ));
                }
            }
        }
        let (verdict, note) = match (&scenario.expect, &outcome, problems.is_empty()) {
            (Expect::Deliberate(reason), Ok(_), _) => {
                ("choice", format!("{reason} (it succeeded)"))
            }
            (Expect::Deliberate(reason), Err(error), _) => {
                ("choice", format!("{reason} (it ended: {error})"))
            }
            (_, _, false) => ("FAIL", problems.join("; ")),
            (_, Err(error), true) => ("pass", format!("error as expected: {error}")),
            (_, Ok(_), true) => ("pass", gap_note),
        };
        rows.push(Row {
            method,
            path: scenario.path.to_owned(),
            verdict,
            requests: arrivals.len(),
            note,
        });
    }
    for (method, path) in retry_scenarios() {
        *traffic.lock().unwrap() = Traffic::default();
        let outcome = pipeline.send(&request(&server, method.clone(), path)).await;
        let requests = traffic.lock().unwrap().arrivals.len();
        let (verdict, note) = match outcome {
            Ok(response) if response.status == 200 && requests == 2 => ("pass", String::new()),
            Ok(response) => (
                "FAIL",
                format!("status {} after {requests} requests", response.status),
            ),
            Err(error) => ("FAIL", format!("{:?}: {}", error.code, error.message)),
        };
        rows.push(Row {
            method: method.to_string(),
            path: path.to_owned(),
            verdict,
            requests,
            note,
        });
    }

    // Written straight to stderr so the table shows in the test output even when it passes.
    let mut out = std::io::stderr().lock();
    writeln!(
        out,
        "\nAutoRest test server scenarios (requests = requests that reached the server):"
    )
    .unwrap();
    writeln!(
        out,
        "{:<7} {:<62} {:<7} {:>8}  note",
        "method", "scenario", "verdict", "requests"
    )
    .unwrap();
    for row in &rows {
        writeln!(
            out,
            "{:<7} {:<62} {:<7} {:>8}  {}",
            row.method,
            row.path,
            row.verdict,
            row.requests,
            row.note.chars().take(160).collect::<String>()
        )
        .unwrap();
    }
    let count = |verdict: &str| rows.iter().filter(|row| row.verdict == verdict).count();
    writeln!(
        out,
        "AutoRest scenarios: {} run, {} pass, {} FAIL, {} deliberate differences (reasons above)",
        rows.len(),
        count("pass"),
        count("FAIL"),
        count("choice")
    )
    .unwrap();
    drop(out);
    let failing: Vec<String> = rows
        .iter()
        .filter(|row| row.verdict == "FAIL")
        .map(|row| format!("{} {}: {}", row.method, row.path, row.note))
        .collect();
    assert!(
        failing.is_empty(),
        "failing scenarios:\n{}",
        failing.join("\n")
    );
}
