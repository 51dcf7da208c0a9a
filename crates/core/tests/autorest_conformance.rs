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

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pfrm_core::cloud::Audience;
use pfrm_core::http::lro::{LroOptions, PendingOperation};
use pfrm_core::http::{ApiRequest, Method, Pipeline};
use serde_json::{json, Value};
use support::{FakeCredential, Recorded, Reply, TestServer};
use tokio_util::sync::CancellationToken;

/// The default poll interval in this test: `Retry-After: 0` must mean this, not "at once".
const POLL_INTERVAL: Duration = Duration::from_millis(100);

fn autorest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/autorest")
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the test server on a free loopback port; returns it with the port.
fn start_test_server(coverage: &std::path::Path) -> (Node, u16) {
    let mut child = Command::new("node")
        .arg("--require")
        .arg("./loopback.cjs")
        .arg("node_modules/@microsoft.azure/autorest.testserver/dist/cli/cli.js")
        .args(["run", "--port", "0", "--coverageDirectory"])
        .arg(coverage)
        .current_dir(autorest_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    // The port line comes among the server's own log lines; all of them are drained so the
    // server never writes into a full pipe.
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(ready) = serde_json::from_str::<Value>(&line) {
                if let Some(port) = ready["port"].as_u64() {
                    let _ = sender.send(port as u16);
                }
            }
        }
    });
    let port = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the AutoRest test server reports its port");
    (Node(child), port)
}

/// What the terminator saw: each request with the time it arrived.
#[derive(Default)]
struct Traffic {
    cookies: BTreeMap<String, String>,
    arrivals: Vec<(Instant, String)>,
}

/// The HTTPS terminator in front of `backend_port`, keeping the cookie jar in `traffic`.
async fn terminator(backend_port: u16, traffic: Arc<Mutex<Traffic>>) -> TestServer {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    TestServer::start_async(Arc::new(move |request: Recorded| {
        let client = client.clone();
        let traffic = traffic.clone();
        Box::pin(async move {
            let host = request.header("host").unwrap_or_default().to_owned();
            let cookie = {
                let mut traffic = traffic.lock().unwrap();
                traffic.arrivals.push((
                    Instant::now(),
                    format!("{} {}", request.method, request.path()),
                ));
                traffic
                    .cookies
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
            let mut forward = client
                .request(
                    method,
                    format!("http://127.0.0.1:{backend_port}{}", request.target),
                )
                .body(request.body.clone());
            for (name, value) in &request.headers {
                if ![
                    "connection",
                    "cookie",
                    "content-length",
                    "transfer-encoding",
                ]
                .contains(&name.as_str())
                {
                    forward = forward.header(name, value);
                }
            }
            if !cookie.is_empty() {
                forward = forward.header("cookie", cookie);
            }
            let response = match forward.send().await {
                Ok(response) => response,
                Err(error) => {
                    return Reply {
                        status: 502,
                        headers: Vec::new(),
                        body: format!("terminator: {error}"),
                        delay: None,
                    }
                }
            };
            let status = response.status().as_u16();
            let plain = format!("http://{host}");
            let secure = format!("https://{host}");
            let mut headers = Vec::new();
            for (name, value) in response.headers() {
                let value = value.to_str().unwrap_or_default().to_owned();
                match name.as_str() {
                    "set-cookie" => keep_cookie(&mut traffic.lock().unwrap().cookies, &value),
                    "connection" | "keep-alive" | "transfer-encoding" | "content-length" => {}
                    "location" | "azure-asyncoperation" | "operation-location" => {
                        headers.push((name.to_string(), value.replace(&plain, &secure)))
                    }
                    _ => headers.push((name.to_string(), value)),
                }
            }
            let body = response.text().await.unwrap_or_default();
            Reply {
                status,
                headers,
                body,
                delay: None,
            }
        })
    }))
    .await
}

/// Applies one `Set-Cookie`: stores it, or forgets it when it is expired (cleared).
fn keep_cookie(jar: &mut BTreeMap<String, String>, header: &str) {
    let mut parts = header.split(';').map(str::trim);
    let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
        return;
    };
    let expired = parts.any(|attribute| {
        let lower = attribute.to_ascii_lowercase();
        lower == "max-age=0" || lower.starts_with("expires=thu, 01 jan 1970")
    });
    if expired || value.is_empty() {
        jar.remove(name);
    } else {
        jar.insert(name.to_owned(), value.to_owned());
    }
}

/// What pfrm should do in a scenario.
#[derive(Debug, Clone)]
enum Expect {
    /// Succeed with exactly this final body.
    Body(Value),
    /// Succeed (a DELETE or a POST without result: any body).
    Success,
    /// Fail with an error.
    Failure,
    /// Run, but pfrm deliberately differs from what the scenario checks for; the reason says
    /// why. The row shows what happened.
    Deliberate(&'static str),
}

struct Scenario {
    method: Method,
    path: &'static str,
    expect: Expect,
    /// Every poll after the first answer asks `Retry-After: 0`: polls must keep the default
    /// interval apart.
    retry_after_zero: bool,
}

fn resource(state: &str) -> Value {
    json!({"properties": {"provisioningState": state}, "id": "100", "name": "foo"})
}

/// A caller-chosen `x-ms-client-request-id` on every request of an operation is an SDK option
/// pfrm does not offer: it sends its own fresh id per request (the same on retries), so these
/// scenarios, which check for one fixed id, do not apply.
const CUSTOM_REQUEST_ID: &str =
    "needs a caller-fixed x-ms-client-request-id on every poll; pfrm sets its own id per request";

/// `final-state-via: azure-async-operation` is a per-operation swagger option. None of the ARM
/// operations pfrm calls declares it, so the poller follows the ARM default (a POST's result is
/// at its Location), which this scenario forbids by design.
const FINAL_STATE_VIA_ASYNC: &str = "needs final-state-via: azure-async-operation, which no ARM operation pfrm calls declares; pfrm reads a POST's result from Location (the ARM default)";

/// After a 500 the server may have carried a POST out. An ARM action is not idempotent (a second
/// "start" of an instance that is already starting fails with 409), so the pipeline repeats a
/// POST only after statuses that say it was not processed (408, 429, 503), and reports a 500.
const POST_AFTER_500: &str = "a POST answered 500 may have been carried out; ARM actions are not idempotent, so pfrm reports the 500 instead of repeating it";

fn lro_scenarios() -> Vec<Scenario> {
    use Expect::*;
    let s = |method: Method, path: &'static str, expect: Expect| Scenario {
        method,
        path,
        expect,
        retry_after_zero: false,
    };
    let z = |method: Method, path: &'static str, expect: Expect| Scenario {
        method,
        path,
        expect,
        retry_after_zero: true,
    };
    let (put, patch, post, delete) = (Method::PUT, Method::PATCH, Method::POST, Method::DELETE);
    vec![
        // Finished at once.
        s(
            put.clone(),
            "/lro/put/200/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/put/201/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/put/200/succeeded/nostate",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        // Terminal already: its async header (to another host) is not followed.
        s(
            patch.clone(),
            "/lro/patch/200/succeeded/ignoreheaders",
            Body(resource("Succeeded")),
        ),
        s(delete.clone(), "/lro/delete/204/succeeded", Success),
        // Provisioning-state polling of the resource itself.
        s(
            put.clone(),
            "/lro/put/201/creating/succeeded/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/put/200/updating/succeeded/200",
            Body(resource("Succeeded")),
        ),
        s(put.clone(), "/lro/put/201/created/failed/200", Failure),
        s(put.clone(), "/lro/put/200/accepted/canceled/200", Failure),
        // PATCH with an async header: the result is read from the resource.
        s(
            patch.clone(),
            "/lro/patch/201/retry/onlyAsyncHeader",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "/lro/patch/201/retry/onlyAsyncHeader", "name": "foo"}),
            ),
        ),
        s(
            patch.clone(),
            "/lro/patch/202/retry/asyncAndLocationHeader",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "/lro/patch/202/retry/asyncAndLocationHeader", "name": "foo"}),
            ),
        ),
        // Location polling.
        s(
            put.clone(),
            "/lro/put/202/retry/200",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        s(
            put.clone(),
            "/lro/put/noheader/202/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/putnonresource/202/200",
            Body(json!({"name": "sku", "id": "100"})),
        ),
        s(
            put.clone(),
            "/lro/putsubresource/202/200",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "100", "subresource": "sub1"}),
            ),
        ),
        // Azure-AsyncOperation, result from the original URL (Location is not used for a PUT).
        z(
            put.clone(),
            "/lro/putasync/retry/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/putasync/noretry/succeeded",
            Body(resource("Succeeded")),
        ),
        z(put.clone(), "/lro/putasync/retry/failed", Failure),
        s(put.clone(), "/lro/putasync/noretry/canceled", Failure),
        s(
            put.clone(),
            "/lro/putasync/noheader/201/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/putnonresourceasync/202/200",
            Body(json!({"name": "sku", "id": "100"})),
        ),
        s(
            put.clone(),
            "/lro/putsubresourceasync/202/200",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "100", "subresource": "sub1"}),
            ),
        ),
        // DELETE.
        z(
            delete.clone(),
            "/lro/delete/provisioning/202/accepted/200/succeeded",
            Success,
        ),
        // A Location answering 200 with a resource whose provisioning state failed is a failure
        // (the SDKs hand back that body as a result; pfrm does not report a failed delete as done).
        z(
            delete.clone(),
            "/lro/delete/provisioning/202/deleting/200/failed",
            Failure,
        ),
        z(
            delete.clone(),
            "/lro/delete/provisioning/202/deleting/200/canceled",
            Failure,
        ),
        z(delete.clone(), "/lro/delete/202/retry/200", Success),
        s(delete.clone(), "/lro/delete/202/noretry/204", Success),
        s(delete.clone(), "/lro/delete/noheader", Success),
        s(delete.clone(), "/lro/deleteasync/noheader/202/204", Success),
        z(delete.clone(), "/lro/deleteasync/retry/succeeded", Success),
        s(
            delete.clone(),
            "/lro/deleteasync/noretry/succeeded",
            Success,
        ),
        z(delete.clone(), "/lro/deleteasync/retry/failed", Failure),
        z(delete.clone(), "/lro/deleteasync/retry/canceled", Failure),
        // POST: the result is at Location.
        s(
            post.clone(),
            "/lro/post/payload/200",
            Body(json!({"id": "1", "name": "product"})),
        ),
        // A new Location on each 202.
        z(
            post.clone(),
            "/lro/post/202/retry/200",
            Body(resource("Succeeded")),
        ),
        s(post.clone(), "/lro/post/202/noretry/204", Success),
        s(
            post.clone(),
            "/lro/LROPostDoubleHeadersFinalLocationGet",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        s(
            post.clone(),
            "/lro/LROPostDoubleHeadersFinalAzureHeaderGet",
            Deliberate(FINAL_STATE_VIA_ASYNC),
        ),
        s(
            post.clone(),
            "/lro/LROPostDoubleHeadersFinalAzureHeaderGetDefault",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        s(
            post.clone(),
            "/lro/list",
            Body(json!([{"id": "100", "name": "foo"}])),
        ),
        z(
            post.clone(),
            "/lro/postasync/retry/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            post.clone(),
            "/lro/postasync/noretry/succeeded",
            Body(resource("Succeeded")),
        ),
        z(post.clone(), "/lro/postasync/retry/failed", Failure),
        z(post.clone(), "/lro/postasync/retry/canceled", Failure),
        // Transient errors on the initial request and on polls: retried by the pipeline.
        s(
            put.clone(),
            "/lro/retryerror/put/201/creating/succeeded/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/retryerror/putasync/retry/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            delete.clone(),
            "/lro/retryerror/delete/provisioning/202/accepted/200/succeeded",
            Success,
        ),
        s(
            delete.clone(),
            "/lro/retryerror/delete/202/retry/200",
            Success,
        ),
        s(
            delete.clone(),
            "/lro/retryerror/deleteasync/retry/succeeded",
            Success,
        ),
        s(
            post.clone(),
            "/lro/retryerror/post/202/retry/200",
            Deliberate(POST_AFTER_500),
        ),
        s(
            post.clone(),
            "/lro/retryerror/postasync/retry/succeeded",
            Deliberate(POST_AFTER_500),
        ),
        // Errors that are not transient: each is an error, at once.
        s(put.clone(), "/lro/nonretryerror/put/400", Failure),
        s(
            put.clone(),
            "/lro/nonretryerror/put/201/creating/400",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/nonretryerror/put/201/creating/400/invalidjson",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/nonretryerror/putasync/retry/400",
            Failure,
        ),
        s(delete.clone(), "/lro/nonretryerror/delete/400", Failure),
        s(
            delete.clone(),
            "/lro/nonretryerror/delete/202/retry/400",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/nonretryerror/deleteasync/retry/400",
            Failure,
        ),
        s(post.clone(), "/lro/nonretryerror/post/400", Failure),
        s(
            post.clone(),
            "/lro/nonretryerror/post/202/retry/400",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/nonretryerror/postasync/retry/400",
            Failure,
        ),
        // Malformed answers are errors, never success.
        s(
            put.clone(),
            "/lro/error/put/201/noprovisioningstatepayload",
            Failure,
        ),
        s(put.clone(), "/lro/error/putasync/retry/nostatus", Failure),
        s(
            put.clone(),
            "/lro/error/putasync/retry/nostatuspayload",
            Failure,
        ),
        s(delete.clone(), "/lro/error/delete/204/nolocation", Success),
        s(
            delete.clone(),
            "/lro/error/deleteasync/retry/nostatus",
            Failure,
        ),
        // A 202 naming no URL to follow: ARM requires one, and pfrm cannot tell the outcome.
        s(post.clone(), "/lro/error/post/202/nolocation", Failure),
        s(
            post.clone(),
            "/lro/error/postasync/retry/nopayload",
            Failure,
        ),
        s(put.clone(), "/lro/error/put/200/invalidjson", Failure),
        s(
            put.clone(),
            "/lro/error/putasync/retry/invalidheader",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/error/putasync/retry/invalidjsonpolling",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/error/delete/202/retry/invalidheader",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/error/deleteasync/retry/invalidheader",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/error/deleteasync/retry/invalidjsonpolling",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/error/post/202/retry/invalidheader",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/error/postasync/retry/invalidheader",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/error/postasync/retry/invalidjsonpolling",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/customheader/putasync/retry/succeeded",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
        s(
            put.clone(),
            "/lro/customheader/put/201/creating/succeeded/200",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
        s(
            post.clone(),
            "/lro/customheader/post/202/retry/200",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
        s(
            post,
            "/lro/customheader/postasync/retry/succeeded",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
    ]
}

/// The transient statuses the pipeline must retry, one scenario per method the server checks.
fn retry_scenarios() -> Vec<(Method, &'static str)> {
    vec![
        (Method::HEAD, "/http/retry/408"),
        (Method::PUT, "/http/retry/500"),
        (Method::PATCH, "/http/retry/500"),
        (Method::GET, "/http/retry/502"),
        (Method::OPTIONS, "/http/retry/502"),
        (Method::POST, "/http/retry/503"),
        (Method::DELETE, "/http/retry/503"),
        (Method::PUT, "/http/retry/504"),
        (Method::PATCH, "/http/retry/504"),
    ]
}

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
    if !have("node") || !have("npm") {
        if std::env::var_os("PFRM_REQUIRE_AUTOREST").is_some() {
            panic!("PFRM_REQUIRE_AUTOREST is set but node/npm are missing");
        }
        eprintln!("SKIPPED: node and npm are needed for the AutoRest test server");
        return;
    }
    if !autorest_dir()
        .join("node_modules/@microsoft.azure/autorest.testserver")
        .exists()
    {
        let status = Command::new("npm")
            .args(["ci", "--prefer-offline", "--no-audit", "--no-fund"])
            .current_dir(autorest_dir())
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm ci in tests/autorest failed");
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
