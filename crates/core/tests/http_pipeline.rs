//! The HTTP pipeline against a loopback HTTPS server: retries, Retry-After, correlation ids,
//! token refresh, error classification, custom CA scoping, paging, and writes that must not be
//! repeated. The poller's tests, on the same server (`support`), are in lro_rules.rs.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pfrm_core::cloud::{Audience, CloudConfig};
use pfrm_core::http::pager::Pager;
use pfrm_core::http::{claims_challenge, ApiRequest, Method, Pipeline};
use pfrm_core::ErrorCode;
use serde_json::{json, Value};
use support::{fast_retries, FakeCredential, Reply, TestServer};

fn get(server: &TestServer, path: &str) -> ApiRequest {
    ApiRequest::get(server.url(path), Audience::Arm, "read the test resource")
}

/// A read of loopback's `port`, named as the subscription list is in errors.
fn list_subscriptions_at(port: u16) -> ApiRequest {
    let url = url::Url::parse(&format!("https://127.0.0.1:{port}/x")).unwrap();
    ApiRequest::get(url, Audience::Arm, "list your subscriptions")
}

/// A server that turns the first two requests away with `first` and `second`, then answers 200
/// with `body`.
async fn turned_away_twice(first: Reply, second: Reply, body: Value) -> TestServer {
    TestServer::start(move |_, index| match index {
        0 => first.clone(),
        1 => second.clone(),
        _ => Reply::json(200, body.clone()),
    })
    .await
}

#[tokio::test]
async fn transient_failures_are_retried_honouring_retry_after_with_one_client_request_id() {
    let busy = json!({"error": {"code": "ServerBusy", "message": "busy"}});
    let server = turned_away_twice(
        Reply::json(503, busy).header("Retry-After", "1"),
        Reply::empty(429).header("Retry-After", "0"),
        json!({"ok": true}),
    )
    .await;
    let credential = FakeCredential::new();
    let pipeline = server.pipeline(credential.clone());
    let started = Instant::now();
    let body: Value = pipeline.send_json(&get(&server, "thing")).await.unwrap();
    assert_eq!(body, json!({"ok": true}));
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let ids: Vec<&str> = requests
        .iter()
        .map(|r| r.header("x-ms-client-request-id").unwrap())
        .collect();
    assert!(uuid::Uuid::parse_str(ids[0]).is_ok());
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "client request id changed across retries: {ids:?}"
    );
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some("Bearer secret-token-1")
        );
        assert!(request.header("user-agent").unwrap().starts_with("pfrm/"));
    }
    assert_eq!(
        credential.scopes()[0],
        "https://management.azure.com/.default"
    );

    // A new logical request gets a new id.
    pipeline.send(&get(&server, "thing")).await.unwrap();
    let last = server.requests().pop().unwrap();
    assert_ne!(last.header("x-ms-client-request-id"), Some(ids[0]));
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = TestServer::start(|_, index| {
        if index == 0 {
            let when = std::time::SystemTime::now() + Duration::from_secs(2);
            Reply::empty(503).header("Retry-After", &httpdate::fmt_http_date(when))
        } else {
            Reply::json(200, json!({}))
        }
    })
    .await;
    let started = Instant::now();
    server
        .pipeline(FakeCredential::new())
        .send(&get(&server, "x"))
        .await
        .unwrap();
    // HTTP dates have one-second resolution: at least ~1 s must have passed.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn throttling_that_never_ends_gives_a_throttled_error_after_bounded_attempts() {
    let server = TestServer::start(|_, _| {
        Reply::json(429, json!({"error": {"code": "SubscriptionRequestsThrottled", "message": "Too many requests."}}))
            .header("Retry-After", "0")
            .header("x-ms-request-id", "req-42")
    })
    .await;
    let pipeline = server
        .pipeline(FakeCredential::new())
        .with_retry_policy(fast_retries(3));
    let error = pipeline.send(&get(&server, "x")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Throttled);
    assert_eq!(server.requests().len(), 3);
    let details = error.details.unwrap();
    assert_eq!(details["status"], json!(429));
    assert_eq!(details["armCode"], json!("SubscriptionRequestsThrottled"));
    assert_eq!(details["requestId"], json!("req-42"));
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once() {
    let server = TestServer::start(|request, _| {
        if request.header("authorization") == Some("Bearer secret-token-2") {
            Reply::json(200, json!({"value": 1}))
        } else {
            Reply::json(
                401,
                json!({"error": {"code": "ExpiredAuthenticationToken", "message": "expired"}}),
            )
        }
    })
    .await;
    let credential = FakeCredential::new();
    let value: Value = server
        .pipeline(credential.clone())
        .send_json(&get(&server, "x"))
        .await
        .unwrap();
    assert_eq!(value["value"], 1);
    assert_eq!(server.requests().len(), 2);
    let hints = credential.hints();
    assert_eq!(hints.len(), 2);
    assert!(hints[0].is_none());
    assert!(hints[1].as_ref().unwrap().force_refresh);
}

#[tokio::test]
async fn a_token_rejected_twice_means_sign_in_again_and_never_leaks_the_token() {
    let server = TestServer::start(|request, _| {
        let sent = request.header("authorization").unwrap_or_default().to_owned();
        Reply::json(401, json!({"error": {"code": "InvalidAuthenticationTokenTenant", "message": format!("The access token {sent} is from the wrong issuer.")}}))
    })
    .await;
    let error = server
        .pipeline(FakeCredential::new())
        .send(&get(&server, "x"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
    assert_eq!(server.requests().len(), 2, "exactly one refresh");
    assert!(error.remedy.as_deref().unwrap().contains("tenant"));
    let text = serde_json::to_string(&error).unwrap();
    assert!(!text.contains("secret-token"), "{text}");
}

#[tokio::test]
async fn a_claims_challenge_reaches_the_credential_and_then_the_caller() {
    use base64::Engine as _;
    let claims = r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#;
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
    let challenge = format!(r#"Bearer realm="", error="insufficient_claims", claims="{encoded}""#);
    let server =
        TestServer::start(move |_, _| Reply::empty(401).header("WWW-Authenticate", &challenge))
            .await;
    let credential = FakeCredential::new();
    let error = server
        .pipeline(credential.clone())
        .send(&get(&server, "x"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
    assert_eq!(claims_challenge(&error), Some(claims));
    assert_eq!(
        credential.hints()[1].as_ref().unwrap().claims.as_deref(),
        Some(claims)
    );
}

#[tokio::test]
async fn permission_failures_name_the_action_and_carry_the_ids() {
    let server = TestServer::start(|_, _| {
        Reply::json(403, json!({"error": {"code": "AuthorizationFailed", "message": "The client 'a@b.c' with object id 'o' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '/subscriptions/s/resourceGroups/rg' or the scope is invalid."}}))
            .header("x-ms-request-id", "r-1")
            .header("x-ms-correlation-request-id", "c-1")
    })
    .await;
    let request = ApiRequest::new(
        Method::PUT,
        server.url("x"),
        Audience::Arm,
        "grant the role",
    )
    .json(json!({}));
    let error = server
        .pipeline(FakeCredential::new())
        .send(&request)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::PermissionDenied);
    assert!(error.message.contains("grant the role"));
    assert!(error
        .message
        .contains("Microsoft.Authorization/roleAssignments/write"));
    let details = error.details.unwrap();
    assert_eq!(details["correlationId"], json!("c-1"));
    assert_eq!(details["requestId"], json!("r-1"));
    assert_eq!(server.requests().len(), 1, "403 is not retried");
}

#[tokio::test]
async fn anonymous_requests_carry_no_token() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let credential = FakeCredential::new();
    let request = ApiRequest::get(server.url("v2/x/tags/list"), Audience::None, "list tags");
    server
        .pipeline(credential.clone())
        .send(&request)
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("authorization"), None);
    assert!(credential.calls.lock().unwrap().is_empty());
    // A pipeline without a credential refuses authenticated requests instead of sending them bare.
    let anonymous = Pipeline::anonymous(&server.cloud()).unwrap();
    let error = anonymous.send(&get(&server, "x")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInRequired);
}

#[tokio::test]
async fn unreachable_hosts_are_network_errors_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let server = TestServer::start(|_, _| Reply::empty(200)).await;
    let pipeline = server
        .pipeline(FakeCredential::new())
        .with_retry_policy(fast_retries(2));
    let error = pipeline
        .send(&list_subscriptions_at(port))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Network);
    assert!(
        error.message.contains("list your subscriptions"),
        "{}",
        error.message
    );
    assert!(error.remedy.is_some());
}

#[tokio::test]
async fn the_custom_ca_is_trusted_only_by_the_cloud_that_names_it() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    // Public cloud pipeline: the test CA is not trusted, so TLS fails.
    let public = Pipeline::new(&CloudConfig::public(), FakeCredential::new())
        .unwrap()
        .with_retry_policy(fast_retries(1));
    let error = public.send(&get(&server, "x")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Certificate);
    // The custom cloud with that CA reaches it.
    server
        .pipeline(FakeCredential::new())
        .send(&get(&server, "x"))
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn pager_follows_next_link_verbatim() {
    let base = Arc::new(std::sync::Mutex::new(String::new()));
    let base_for_handler = base.clone();
    let server = TestServer::start(move |request, _| {
        let base = base_for_handler.lock().unwrap().clone();
        match request.query("$skipToken").as_deref() {
            None => Reply::json(200, json!({"value": [1, 2], "nextLink": format!("{base}items?api-version=2024-04-01&$skipToken=abc%3D%3D")})),
            Some("abc==") => Reply::json(200, json!({"value": [3], "nextLink": "/items?api-version=2024-04-01&$skipToken=last"})),
            Some(_) => Reply::json(200, json!({"value": [4], "nextLink": null})),
        }
    })
    .await;
    *base.lock().unwrap() = server.base.to_string();
    let pipeline = server.pipeline(FakeCredential::new());
    let first = ApiRequest::get(server.url("items"), Audience::Arm, "list items")
        .query("api-version", "2024-04-01");
    let items: Vec<u32> = Pager::new(pipeline, first).collect_all().await.unwrap();
    assert_eq!(items, [1, 2, 3, 4]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/items?api-version=2024-04-01",
            "/items?api-version=2024-04-01&$skipToken=abc%3D%3D",
            "/items?api-version=2024-04-01&$skipToken=last",
        ]
    );
}

#[tokio::test]
async fn pager_refuses_links_to_another_host() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            200,
            json!({"value": [1], "nextLink": "https://attacker.example/items"}),
        )
    })
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let first = ApiRequest::get(server.url("items"), Audience::Arm, "list items");
    let error = Pager::<u32>::new(pipeline, first)
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Service);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_post_that_may_have_been_carried_out_is_not_repeated() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            500,
            json!({"error": {"code": "InternalServerError", "message": "boom"}}),
        )
    })
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let create = ApiRequest::new(
        Method::POST,
        server.url("FlowRuntimes/rt1"),
        Audience::Arm,
        "create runtime 'rt1'",
    )
    .json(json!({"runtimeType": "ComputeInstance"}));
    let error = pipeline.send(&create).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::ServiceUnavailable);
    assert_eq!(server.requests().len(), 1);
    // The same failure on a read is retried up to the limit.
    pipeline
        .send(&get(&server, "FlowRuntimes/rt1"))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1 + 4);
}

/// The flow service's runtime create: a POST that starts work on every call.
fn create_runtime(url: url::Url) -> ApiRequest {
    ApiRequest::new(Method::POST, url, Audience::Arm, "create runtime 'rt1'")
        .json(json!({"runtimeType": "ComputeInstance"}))
        .not_repeatable()
}

#[tokio::test]
async fn a_write_that_must_not_be_repeated_is_sent_again_after_429_and_503_honouring_retry_after() {
    let slow_down = json!({"error": {"code": "TooManyRequests", "message": "slow down"}});
    let server = turned_away_twice(
        Reply::json(429, slow_down).header("Retry-After", "1"),
        Reply::empty(503).header("Retry-After", "1"),
        json!({"name": "rt1"}),
    )
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let started = Instant::now();
    let body: Value = pipeline
        .send_json(&create_runtime(server.url("FlowRuntimes/rt1")))
        .await
        .unwrap();
    assert_eq!(body["name"], "rt1");
    // The service turned the first two away, so sending it again created one runtime.
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|request| request.method == "POST"));
    assert!(
        started.elapsed() >= Duration::from_millis(1950),
        "two Retry-After: 1 waits were not honoured: {:?}",
        started.elapsed()
    );
    let ids: Vec<&str> = requests
        .iter()
        .map(|r| r.header("x-ms-client-request-id").unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
}

#[tokio::test]
async fn a_write_that_must_not_be_repeated_is_never_sent_again_after_it_may_have_been_carried_out()
{
    // 500, 502 and 504: the service may have acted before failing. Even a PUT (idempotent by its
    // method) is not repeated when it says it must not be.
    for status in [500u16, 502, 504] {
        let server = TestServer::start(move |_, _| {
            Reply::json(
                status,
                json!({"error": {"code": "InternalServerError", "message": "boom"}}),
            )
        })
        .await;
        let pipeline = server.pipeline(FakeCredential::new());
        let error = pipeline
            .send(&create_runtime(server.url("FlowRuntimes/rt1")))
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1, "POST re-sent after {status}");
        assert!(error.outcome_unknown(), "{status}: {error:?}");
        let update = ApiRequest::new(
            Method::PUT,
            server.url("FlowRuntimes/rt1"),
            Audience::Arm,
            "update runtime 'rt1'",
        )
        .json(json!({}))
        .not_repeatable();
        let error = pipeline.send(&update).await.unwrap_err();
        assert_eq!(server.requests().len(), 2, "PUT re-sent after {status}");
        assert!(error.outcome_unknown(), "{status}: {error:?}");
    }

    // The answer is lost after the server read the request.
    let server = TestServer::start(|_, _| Reply::cut_off()).await;
    let error = server
        .pipeline(FakeCredential::new())
        .send(&create_runtime(server.url("FlowRuntimes/rt1")))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "re-sent after a lost answer");
    assert_eq!(error.code, ErrorCode::Network);
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(error.message.contains("its answer was lost"), "{error:?}");
    // The same loss on a read is retried.
    server
        .pipeline(FakeCredential::new())
        .send(&get(&server, "FlowRuntimes/rt1"))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1 + 4);

    // No answer before the attempt's deadline.
    let server =
        TestServer::start(|_, _| Reply::json(200, json!({})).after(Duration::from_secs(5))).await;
    let pipeline = server
        .pipeline(FakeCredential::new())
        .with_deadlines(pfrm_core::http::Deadlines {
            connect: Duration::from_millis(500),
            idle: Duration::from_millis(400),
            attempt: Duration::from_millis(600),
            read_call: Duration::from_secs(2),
            write_call: Duration::from_secs(2),
        })
        .unwrap();
    let error = pipeline
        .send(&create_runtime(server.url("FlowRuntimes/rt1")))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "re-sent after a timeout");
    assert_eq!(error.code, ErrorCode::Timeout, "{error:?}");
    assert!(error.outcome_unknown(), "{error:?}");
}

/// A TCP relay on loopback to `port` that counts the connections made to it; with `drop_first`,
/// it closes the first one unanswered. Returns its port and the count.
async fn relay_to(port: u16, drop_first: bool) -> (u16, Arc<AtomicUsize>) {
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_port = relay.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = relay.accept().await {
            if counted.fetch_add(1, Ordering::SeqCst) == 0 && drop_first {
                drop(inbound);
                continue;
            }
            tokio::spawn(async move {
                let mut outbound = tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (relay_port, connections)
}

#[tokio::test]
async fn a_write_that_must_not_be_repeated_is_sent_again_when_the_connection_was_never_made() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({"name": "rt1"}))).await;
    let port = server.base.port().unwrap();
    // The first connection is closed before TLS completes: nothing of the request was sent.
    let (relay_port, connections) = relay_to(port, true).await;
    let url = url::Url::parse(&format!("https://127.0.0.1:{relay_port}/FlowRuntimes/rt1")).unwrap();
    let body: Value = server
        .pipeline(FakeCredential::new())
        .send_json(&create_runtime(url))
        .await
        .unwrap();
    assert_eq!(body["name"], "rt1");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests().len(), 1, "the server saw the create once");
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused_once_naming_the_host_and_the_reason() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let port = server.base.port().unwrap();
    // Every connection to the server, through a relay that counts them: TLS fails before any
    // request reaches the server's log.
    let (relay_port, connections) = relay_to(port, false).await;
    // The public cloud does not trust the server's throwaway CA, as with a proxy that inspects
    // HTTPS with its own CA; retries are allowed, and must not be used.
    let public = Pipeline::new(&CloudConfig::public(), FakeCredential::new())
        .unwrap()
        .with_retry_policy(fast_retries(4));
    let error = public
        .send(&list_subscriptions_at(relay_port))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Certificate, "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(
        error.message,
        "pfrm could not list your subscriptions because the certificate of 127.0.0.1 is not trusted: it is signed by an issuer pfrm does not trust (unknown issuer)."
    );
    assert!(
        error.remedy.as_deref().unwrap().contains("caCertPath"),
        "{error:?}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1, "tried exactly once");
    assert!(server.requests().is_empty());
}
