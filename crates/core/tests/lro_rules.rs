//! The poller against a scripted loopback HTTPS server: following an operation to its end,
//! progress, failure, cancel and timeout, status URLs on another host; its ARM rules, one test
//! per rule; and the retry rules for writes (PATCH retried like PUT; the flow service's create
//! and update never). The AutoRest conformance test runs the same rules against a third-party
//! server.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pfrm_core::azure::flow::{FlowClient, UpdateFlowRuntimeRequest};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::cloud::Audience;
use pfrm_core::http::lro::{LroOptions, LroOutcome, PendingOperation};
use pfrm_core::http::{ApiRequest, Method};
use pfrm_core::{Error, ErrorCode};
use serde_json::{json, Value};
use support::{FakeCredential, Reply, TestServer};
use tokio_util::sync::CancellationToken;

fn options() -> LroOptions {
    LroOptions {
        timeout: Duration::from_secs(5),
        poll_interval: Duration::from_millis(50),
        max_poll_interval: Duration::from_millis(500),
        cancel: CancellationToken::new(),
    }
}

async fn run(server: &TestServer, method: Method, path: &str) -> Result<LroOutcome, Error> {
    let mut request = ApiRequest::new(method.clone(), server.url(path), Audience::Arm, "change it");
    if method != Method::DELETE {
        request = request.json(json!({"properties": {}}));
    }
    start_and_wait(server, request, &options()).await
}

/// Starts `request` on `server` and waits for it to end, as an operation does.
async fn start_and_wait(
    server: &TestServer,
    request: ApiRequest,
    options: &LroOptions,
) -> Result<LroOutcome, Error> {
    let pipeline = server.pipeline(FakeCredential::new());
    PendingOperation::start(&pipeline, request)
        .await?
        .wait(&pipeline, options, |_| {})
        .await
}

/// Starting a compute instance: a POST whose operation name the errors must repeat.
fn start_ci(server: &TestServer) -> ApiRequest {
    ApiRequest::new(
        Method::POST,
        server.url("start"),
        Audience::Arm,
        "start compute instance 'ci'",
    )
}

fn resource(state: &str) -> Value {
    json!({"name": "ci", "properties": {"provisioningState": state}})
}

/// Answers the resource's GET with `states` in turn (the last one for ever after).
fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

#[tokio::test]
async fn lro_follows_azure_async_operation_to_success_and_reports_progress() {
    let server2 = TestServer::start({
        let count = counter();
        move |request, _| match (request.method.as_str(), request.path()) {
            ("POST", _) => Reply::empty(202)
                .header(
                    "Azure-AsyncOperation",
                    "/operations/op1?api-version=2024-04-01",
                )
                .header("Location", "/operations/result1")
                .header("Retry-After", "0"),
            ("GET", "/operations/op1") => {
                if count.fetch_add(1, Ordering::SeqCst) < 2 {
                    Reply::json(
                        200,
                        json!({"status": "InProgress", "percentComplete": 50.0}),
                    )
                } else {
                    Reply::json(200, json!({"status": "Succeeded"}))
                }
            }
            ("GET", "/operations/result1") => {
                Reply::json(200, json!({"name": "ci", "state": "Running"}))
            }
            _ => Reply::empty(404),
        }
    })
    .await;
    let pipeline = server2.pipeline(FakeCredential::new());
    let request = ApiRequest::new(
        Method::POST,
        server2.url("computes/ci/restart"),
        Audience::Arm,
        "restart compute instance 'ci'",
    );
    let pending = PendingOperation::start(&pipeline, request).await.unwrap();
    assert!(!pending.is_done());
    let mut progress = Vec::new();
    let outcome = pending
        .wait(&pipeline, &options(), |p| progress.push(p.clone()))
        .await
        .unwrap();
    assert_eq!(outcome.status, "Succeeded");
    assert_eq!(
        outcome.body,
        Some(json!({"name": "ci", "state": "Running"}))
    );
    let statuses: Vec<&str> = progress.iter().map(|p| p.status.as_str()).collect();
    assert_eq!(statuses, ["InProgress", "InProgress", "Succeeded"]);
    assert_eq!(progress[0].percent_complete, Some(50.0));
    // Every poll carried the token.
    assert!(server2
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_some()));
}

#[tokio::test]
async fn lro_follows_location_until_it_stops_answering_202() {
    let server = TestServer::start(|request, index| match (request.method.as_str(), index) {
        ("DELETE", _) => Reply::empty(202)
            .header("Location", "/status/1")
            .header("Retry-After", "0"),
        (_, 1) | (_, 2) => Reply::empty(202).header("Retry-After", "0"),
        _ => Reply::empty(204),
    })
    .await;
    let request = ApiRequest::new(
        Method::DELETE,
        server.url("computes/ci"),
        Audience::Arm,
        "delete compute instance 'ci'",
    );
    let outcome = start_and_wait(&server, request, &options()).await.unwrap();
    assert_eq!(outcome.status, "Succeeded");
    assert_eq!(outcome.body, None);
    assert_eq!(server.requests().len(), 4);
    assert_eq!(server.requests()[3].path(), "/status/1");
}

#[tokio::test]
async fn lro_failure_becomes_an_error_with_the_service_code() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::empty(202).header("Azure-AsyncOperation", "/op").header("Retry-After", "0"),
        _ => Reply::json(200, json!({"status": "Failed", "error": {"code": "StartComputeInstanceOnlyAllowedInStoppedState", "message": "Compute instance is not stopped."}})),
    })
    .await;
    let error = start_and_wait(&server, start_ci(&server), &options())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Service);
    assert!(error.message.contains("start compute instance 'ci'"));
    assert!(error.message.contains("Compute instance is not stopped."));
    assert_eq!(
        error.details.unwrap()["armCode"],
        json!("StartComputeInstanceOnlyAllowedInStoppedState")
    );
}

#[tokio::test]
async fn lro_can_be_cancelled_and_times_out() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::empty(202).header("Azure-AsyncOperation", "/op"),
        _ => Reply::json(200, json!({"status": "InProgress"})),
    })
    .await;
    let slow_polls = LroOptions {
        poll_interval: Duration::from_secs(30),
        max_poll_interval: Duration::from_secs(30),
        ..options()
    };
    let cancel = slow_polls.cancel.clone();
    let started = Instant::now();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cancel.cancel();
    });
    let error = start_and_wait(&server, start_ci(&server), &slow_polls)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(5));

    let short = LroOptions {
        timeout: Duration::from_millis(300),
        ..options()
    };
    let error = start_and_wait(&server, start_ci(&server), &short)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Timeout);
    assert!(error.remedy.unwrap().contains("still"));
}

#[tokio::test]
async fn lro_refuses_status_urls_on_another_host() {
    let server = TestServer::start(|_, _| {
        Reply::empty(202).header("Azure-AsyncOperation", "https://attacker.example/op")
    })
    .await;
    let error = start_and_wait(&server, start_ci(&server), &options())
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Service);
    assert!(error.message.contains("attacker.example"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_put_answered_creating_without_headers_polls_the_resource_until_it_succeeds() {
    let gets = counter();
    let server = TestServer::start({
        let gets = gets.clone();
        move |request, _| match request.method.as_str() {
            "PUT" => Reply::json(201, resource("Creating")),
            _ if gets.fetch_add(1, Ordering::SeqCst) < 2 => Reply::json(200, resource("Creating")),
            _ => Reply::json(200, resource("Succeeded")),
        }
    })
    .await;
    let outcome = run(&server, Method::PUT, "computes/ci").await.unwrap();
    // Before: "Succeeded" at once with the Creating body.
    assert_eq!(outcome.body, Some(resource("Succeeded")));
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(requests[1..]
        .iter()
        .all(|r| r.method == "GET" && r.path() == "/computes/ci"));
}

#[tokio::test]
async fn failed_and_canceled_provisioning_states_are_failures_in_any_case() {
    for (initial, polled) in [
        (resource("Failed"), None),
        (resource("Creating"), Some(resource("CANCELED"))),
        (
            resource("updating"),
            Some(
                json!({"properties": {"provisioningState": "failed", "error": {"code": 409, "message": "quota"}}}),
            ),
        ),
    ] {
        let server = TestServer::start(move |request, _| match request.method.as_str() {
            "PUT" => Reply::json(200, initial.clone()),
            _ => Reply::json(200, polled.clone().unwrap()),
        })
        .await;
        let error = run(&server, Method::PUT, "computes/ci").await.unwrap_err();
        assert_eq!(error.code, ErrorCode::Service, "{error:?}");
    }
}

#[tokio::test]
async fn a_new_location_on_each_202_is_followed() {
    let server = TestServer::start(
        |request, _| match (request.method.as_str(), request.path()) {
            ("POST", _) => Reply::empty(202).header("Location", "/results/1"),
            ("GET", "/results/1") => Reply::empty(202).header("Location", "/results/2"),
            ("GET", "/results/2") => Reply::empty(202).header("Location", "/results/3"),
            ("GET", "/results/3") => Reply::json(200, json!({"done": true})),
            _ => Reply::empty(202),
        },
    )
    .await;
    // Before: the first URL was asked until the timeout.
    let outcome = run(&server, Method::POST, "computes/ci/start")
        .await
        .unwrap();
    assert_eq!(outcome.body, Some(json!({"done": true})));
    let paths: Vec<String> = server
        .requests()
        .iter()
        .skip(1)
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(paths, ["/results/1", "/results/2", "/results/3"]);
}

#[tokio::test]
async fn retry_after_zero_means_the_default_interval() {
    let polls = counter();
    let server = TestServer::start({
        let polls = polls.clone();
        move |request, _| match request.method.as_str() {
            "POST" => Reply::empty(202)
                .header("Azure-AsyncOperation", "/op")
                .header("Retry-After", "0"),
            _ if polls.fetch_add(1, Ordering::SeqCst) < 5 => {
                Reply::json(200, json!({"status": "InProgress"})).header("Retry-After", "0")
            }
            _ => Reply::json(200, json!({"status": "Succeeded"})),
        }
    })
    .await;
    let started = Instant::now();
    run(&server, Method::POST, "computes/ci/start")
        .await
        .unwrap();
    // Six polls, each after the 50 ms default: before, they came back to back (~3 ms apart).
    assert_eq!(polls.load(Ordering::SeqCst), 6);
    assert!(
        started.elapsed() >= Duration::from_millis(6 * 50),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_result_is_read_by_method() {
    // PUT: from the original URL, not from Location.
    let server = TestServer::start(
        |request, _| match (request.method.as_str(), request.path()) {
            ("PUT", _) => Reply::json(201, resource("Accepted"))
                .header("Azure-AsyncOperation", "/op")
                .header("Location", "/elsewhere"),
            ("GET", "/op") => Reply::json(200, json!({"status": "succeeded"})),
            ("GET", "/computes/ci") => Reply::json(200, resource("Succeeded")),
            _ => Reply::json(404, json!({"error": {"code": "NotFound", "message": "no"}})),
        },
    )
    .await;
    let outcome = run(&server, Method::PUT, "computes/ci").await.unwrap();
    assert_eq!(outcome.body, Some(resource("Succeeded")));
    assert!(server.requests().iter().all(|r| r.path() != "/elsewhere"));

    // DELETE: no result to read, so Location is never asked.
    let server = TestServer::start(
        |request, _| match (request.method.as_str(), request.path()) {
            ("DELETE", _) => Reply::empty(202)
                .header("Azure-AsyncOperation", "/op")
                .header("Location", "/elsewhere"),
            ("GET", "/op") => Reply::json(200, json!({"status": "Succeeded"})),
            _ => Reply::json(404, json!({"error": {"code": "NotFound", "message": "no"}})),
        },
    )
    .await;
    let outcome = run(&server, Method::DELETE, "computes/ci").await.unwrap();
    assert_eq!(outcome.body, None);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_status_without_status_or_a_body_that_is_not_json_is_an_error() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::empty(202).header("Azure-AsyncOperation", "/op"),
        _ => Reply::json(200, json!({"percentComplete": 10})),
    })
    .await;
    let started = Instant::now();
    let error = run(&server, Method::POST, "start").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Service);
    assert!(error.message.contains("no status"), "{}", error.message);
    // Before: polled until the timeout.
    assert!(started.elapsed() < Duration::from_secs(2));

    for reply in [
        Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: r#"{ "properties": { "provisioningState": "Creating"}"#.into(),
            delay: None,
        },
        Reply::empty(201),
    ] {
        let server = TestServer::start(move |_, _| reply.clone()).await;
        let error = run(&server, Method::PUT, "computes/ci").await.unwrap_err();
        assert_eq!(error.code, ErrorCode::Service, "{error:?}");
    }
}

#[tokio::test]
async fn an_integer_error_code_is_read() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::empty(202).header("Azure-AsyncOperation", "/op"),
        _ => Reply::json(
            200,
            json!({"status": "Failed", "error": {"code": 4001, "message": "The disk is full."}}),
        ),
    })
    .await;
    let error = run(&server, Method::POST, "start").await.unwrap_err();
    // Before: "Azure answered ... with data pfrm could not read".
    assert!(
        error.message.contains("The disk is full."),
        "{}",
        error.message
    );
    assert_eq!(error.details.unwrap()["armCode"], json!("4001"));
}

#[tokio::test]
async fn headers_on_a_terminal_response_are_not_followed_even_to_another_host() {
    let server = TestServer::start(|_, _| {
        Reply::json(200, resource("Succeeded"))
            .header("Azure-AsyncOperation", "https://elsewhere.example/op")
    })
    .await;
    // Before: an error about the other host.
    let outcome = run(&server, Method::PATCH, "computes/ci").await.unwrap();
    assert_eq!(outcome.body, Some(resource("Succeeded")));
    assert_eq!(server.requests().len(), 1);

    // A response that is not terminal still may not send the token elsewhere.
    let server = TestServer::start(|_, _| {
        Reply::json(201, resource("Creating"))
            .header("Azure-AsyncOperation", "https://elsewhere.example/op")
    })
    .await;
    let error = run(&server, Method::PUT, "computes/ci").await.unwrap_err();
    assert!(error.message.contains("elsewhere.example"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_patch_is_retried_like_a_put() {
    let server = TestServer::start(|_, index| match index {
        0 => Reply::json(
            500,
            json!({"error": {"code": "InternalServerError", "message": "x"}}),
        ),
        _ => Reply::json(200, resource("Succeeded")),
    })
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let patch = ApiRequest::new(
        Method::PATCH,
        server.url("computes/ci"),
        Audience::Arm,
        "update",
    )
    .json(json!({"tags": {}}));
    // Before: the 500 was the answer.
    pipeline.send(&patch).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_flow_services_runtime_update_is_never_repeated() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            502,
            json!({"error": {"code": "BadGateway", "message": "x"}}),
        )
    })
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let workspace = WorkspaceRef::from_arm_id(
        "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws",
    )
    .unwrap();
    let discovery = format!("{}discovery", server.base);
    let flow = FlowClient::for_workspace(pipeline, workspace, Some(&discovery), "eastus").unwrap();
    let body = UpdateFlowRuntimeRequest {
        runtime_description: None,
        environment: None,
    };
    flow.update_runtime("rt1", &body, true).await.unwrap_err();
    // Before: the PUT was sent four times, restarting the runtime each time it got through.
    assert_eq!(server.requests().len(), 1);
}
