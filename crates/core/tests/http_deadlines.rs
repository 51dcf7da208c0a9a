//! Every wait ends, and no redirect takes a request where it should not go: silent servers give
//! a timeout error within the call's deadline; HTTPS never falls back to plain HTTP; token-bearing
//! clients never follow a redirect to another origin.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pfrm_core::cloud::Audience;
use pfrm_core::http::{ApiRequest, Deadlines, Method, Pipeline};
use pfrm_core::ErrorCode;
use serde_json::json;
use support::{FakeCredential, Reply, TestServer};

fn short_deadlines() -> Deadlines {
    Deadlines {
        connect: Duration::from_millis(300),
        idle: Duration::from_millis(300),
        attempt: Duration::from_millis(800),
        read_call: Duration::from_millis(1500),
        write_call: Duration::from_millis(2000),
    }
}

#[test]
fn the_documented_default_bounds_hold() {
    let defaults = Deadlines::default();
    assert!(defaults.read_call <= Duration::from_secs(60));
    assert!(defaults.write_call <= Duration::from_secs(150));
    assert!(defaults.connect < defaults.read_call && defaults.idle < defaults.read_call);
    let readme = include_str!("../../cli/README.md");
    assert!(
        readme.contains(&format!("{} s", defaults.read_call.as_secs()))
            && readme.contains(&format!("{} s", defaults.write_call.as_secs())),
        "crates/cli/README.md documents the deadlines"
    );
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_gives_a_timeout_within_the_read_deadline() {
    // Accepts TCP connections and never says anything, not even the TLS handshake.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    // Any server gives the cloud shape; its endpoints are then pointed at the silent port.
    let shape = TestServer::start(|_, _| Reply::empty(200)).await;
    let pipeline = Pipeline::new(&shape.cloud(), FakeCredential::new())
        .unwrap()
        .with_retry_policy(support::fast_retries(10))
        .with_deadlines(short_deadlines())
        .unwrap();
    let url = url::Url::parse(&format!("https://127.0.0.1:{port}/subscriptions")).unwrap();
    let started = Instant::now();
    let error = pipeline
        .send(&ApiRequest::get(url, Audience::Arm, "list the workspaces"))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    holder.abort();
    assert_eq!(error.code, ErrorCode::Timeout, "{error:?}");
    assert_eq!(error.code.exit_code(), 9);
    assert!(
        error.message.contains("did not answer"),
        "{}",
        error.message
    );
    assert!(
        elapsed < Duration::from_millis(1500 + 700),
        "the read deadline of 1.5 s was overrun: {elapsed:?}"
    );
    assert!(
        accepted.load(Ordering::SeqCst) >= 2,
        "retried within the deadline"
    );
}

#[tokio::test]
async fn a_server_silent_after_the_handshake_gives_a_timeout_within_the_deadline() {
    let server =
        TestServer::start(|_, _| Reply::json(200, json!({})).after(Duration::from_secs(30))).await;
    let pipeline = server
        .pipeline(FakeCredential::new())
        .with_deadlines(short_deadlines())
        .unwrap();
    for (method, deadline) in [(Method::GET, 1500), (Method::PUT, 2000)] {
        let started = Instant::now();
        let request = ApiRequest::new(
            method.clone(),
            server.url("thing"),
            Audience::Arm,
            "read the test resource",
        );
        let error = pipeline.send(&request).await.unwrap_err();
        let elapsed = started.elapsed();
        assert_eq!(error.code, ErrorCode::Timeout, "{method}: {error:?}");
        assert!(
            elapsed < Duration::from_millis(deadline + 700),
            "{method}: {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn a_slow_answer_within_the_deadlines_still_arrives() {
    let server = TestServer::start(|_, _| {
        Reply::json(200, json!({"ok": true})).after(Duration::from_millis(150))
    })
    .await;
    let pipeline = server
        .pipeline(FakeCredential::new())
        .with_deadlines(short_deadlines())
        .unwrap();
    let body: serde_json::Value = pipeline
        .send_json(&ApiRequest::get(
            server.url("thing"),
            Audience::Arm,
            "read the test resource",
        ))
        .await
        .unwrap();
    assert_eq!(body, json!({"ok": true}));
}

/// A plain-HTTP listener that counts the requests it gets and answers 200.
async fn plain_http_counter() -> (u16, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}")
                .await;
        }
    });
    (port, hits, task)
}

#[tokio::test]
async fn no_client_follows_a_redirect_from_https_to_plain_http() {
    let (port, hits, task) = plain_http_counter().await;
    let target = format!("http://127.0.0.1:{port}/plain");
    let server = TestServer::start(move |_, _| Reply::empty(307).header("Location", &target)).await;
    let anonymous = Pipeline::anonymous(&server.cloud()).unwrap();
    let signed_in = server.pipeline(FakeCredential::new());
    for pipeline in [anonymous, signed_in] {
        let error = pipeline
            .send(&ApiRequest::get(
                server.url("thing"),
                Audience::None,
                "list the tags",
            ))
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::Network, "{error:?}");
        assert!(error.message.contains("redirected"), "{}", error.message);
        assert!(
            error.message.contains("http://127.0.0.1"),
            "{}",
            error.message
        );
    }
    task.abort();
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the plain-HTTP answer was fetched"
    );
}

#[tokio::test]
async fn arm_and_flow_requests_follow_no_redirect_to_another_origin_but_do_within_one() {
    let other = TestServer::start(|_, _| Reply::json(200, json!({"other": true}))).await;
    let elsewhere = other.url("elsewhere").to_string();
    let server = TestServer::start(move |request, _| {
        if request.path() == "/moved" {
            Reply::empty(307).header("Location", "/thing")
        } else if request.path() == "/away" {
            Reply::empty(302).header("Location", &elsewhere)
        } else {
            Reply::json(200, json!({"here": true}))
        }
    })
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let followed: serde_json::Value = pipeline
        .send_json(&ApiRequest::get(
            server.url("moved"),
            Audience::Arm,
            "read the test resource",
        ))
        .await
        .unwrap();
    assert_eq!(followed, json!({"here": true}));
    let error = pipeline
        .send(&ApiRequest::get(
            server.url("away"),
            Audience::Arm,
            "read the test resource",
        ))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Network);
    assert!(error.message.contains("redirected"), "{}", error.message);
    assert!(other.requests().is_empty(), "the other origin was called");
}
