//! The AutoRest test server (node, on loopback only) and the HTTPS terminator in front of it,
//! which keeps the server's cookie jar and rewrites its `http://` status URLs to `https://`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Recorded, Reply, TestServer};

pub fn autorest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/autorest")
}

pub struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the test server on a free loopback port; returns it with the port.
pub fn start_test_server(coverage: &std::path::Path) -> (Node, u16) {
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
    // The port line comes among the server's own log lines.
    let lines = crate::node_peer::lines(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let port = loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the AutoRest test server reports its port");
        let ready = serde_json::from_str::<Value>(&line).unwrap_or_default();
        if let Some(port) = ready["port"].as_u64() {
            break port as u16;
        }
    };
    (Node(child), port)
}

/// What the terminator saw: each request with the time it arrived.
#[derive(Default)]
pub struct Traffic {
    cookies: BTreeMap<String, String>,
    pub arrivals: Vec<(Instant, String)>,
}

/// The HTTPS terminator in front of `backend_port`, keeping the cookie jar in `traffic`.
pub async fn terminator(backend_port: u16, traffic: Arc<Mutex<Traffic>>) -> TestServer {
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
