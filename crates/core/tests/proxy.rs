//! The pipeline honours HTTPS_PROXY (corporate networks). Alone in its own test binary because
//! it sets process environment variables.

mod support;

use std::sync::{Arc, Mutex};

use pfrm_core::cloud::Audience;
use pfrm_core::http::ApiRequest;
use serde_json::json;
use support::{FakeCredential, Reply, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A minimal HTTP CONNECT proxy that records the tunnels it opened.
async fn start_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let request_line = head.lines().next().unwrap_or_default().to_owned();
                log.lock().unwrap().push(request_line.clone());
                let mut parts = request_line.split_whitespace();
                let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                };
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (port, seen)
}

#[tokio::test]
async fn requests_go_through_the_https_proxy_from_the_environment() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({"ok": true}))).await;
    let (proxy_port, tunnels) = start_proxy().await;
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    std::env::set_var("HTTPS_PROXY", &proxy);
    std::env::set_var("https_proxy", &proxy);
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    let pipeline = server.pipeline(FakeCredential::new());
    let request = ApiRequest::get(server.url("thing"), Audience::Arm, "read the thing");
    pipeline.send(&request).await.unwrap();

    let port = server.base.port().unwrap();
    let tunnels = tunnels.lock().unwrap().clone();
    assert_eq!(tunnels, [format!("CONNECT 127.0.0.1:{port} HTTP/1.1")]);
    assert_eq!(server.requests().len(), 1);
}
