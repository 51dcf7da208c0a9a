//! The one-shot redirect listener of the browser sign-in.
//!
//! It listens on loopback only (never all interfaces: nothing on the network may deliver a code).
//! For a `localhost` redirect it holds the port on both loopback families, so no other local
//! user can take `[::1]` on the same port and receive what the browser sends to `localhost`.
//! Connections are served concurrently: a slow or idle connection does not hold up the
//! redirect, and a request with another `state` is answered and ignored (any local process could
//! send one), so only the redirect of the sign-in pfrm started can end the wait.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// How long one browser connection may take to send its request line.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// Attempts at finding a port free on both loopback families.
const BIND_ATTEMPTS: usize = 8;

#[derive(Debug)]
pub struct LoopbackListener {
    listeners: Vec<TcpListener>,
    host: String,
    port: u16,
}

/// The authorization response: the code, and the issuer when the authority sends one (RFC 9207).
#[derive(Debug)]
pub struct AuthorizationResponse {
    pub code: Secret,
    pub iss: Option<String>,
}

/// What the redirect carried, before it is checked against the expected state.
#[derive(Debug, PartialEq)]
enum Redirect {
    Code {
        code: Secret,
        state: Option<String>,
        iss: Option<String>,
    },
    Failure {
        error: String,
        description: String,
        state: Option<String>,
    },
    Unrelated,
}

fn bind_error(error: std::io::Error) -> Error {
    Error::new(
        ErrorCode::Internal,
        "pfrm could not open a local port to receive the sign-in result.",
    )
    .with_remedy("Try again, or use device code sign-in instead.")
    .with_detail("cause", error.to_string())
}

impl LoopbackListener {
    /// Listens for the redirect to `http://{host}:{port}`. `host` is `localhost` (both loopback
    /// families), `127.0.0.1` or `[::1]`.
    pub async fn bind(host: &str) -> Result<Self, Error> {
        let families: &[IpAddr] =
            match host {
                "localhost" => &[
                    IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(Ipv6Addr::LOCALHOST),
                ],
                "127.0.0.1" => &[IpAddr::V4(Ipv4Addr::LOCALHOST)],
                "[::1]" => &[IpAddr::V6(Ipv6Addr::LOCALHOST)],
                other => return Err(Error::new(
                    ErrorCode::Config,
                    format!("The sign-in redirect host '{other}' is not a loopback host."),
                )
                .with_remedy(
                    "Use localhost, 127.0.0.1 or [::1] as the redirect host in the cloud settings.",
                )),
            };
        let mut last_error = None;
        for _ in 0..BIND_ATTEMPTS {
            let first = TcpListener::bind(SocketAddr::new(families[0], 0))
                .await
                .map_err(bind_error)?;
            let port = first
                .local_addr()
                .map_err(|error| Error::internal(format!("local address unavailable: {error}")))?
                .port();
            let mut listeners = vec![first];
            let mut taken = false;
            for family in &families[1..] {
                match TcpListener::bind(SocketAddr::new(*family, port)).await {
                    Ok(listener) => listeners.push(listener),
                    // Someone holds this port on the other family: try another port.
                    Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                        last_error = Some(error);
                        taken = true;
                        break;
                    }
                    // No such family on this machine (no IPv6): nobody can listen there either.
                    Err(_) => {}
                }
            }
            if !taken {
                return Ok(LoopbackListener {
                    listeners,
                    host: host.to_owned(),
                    port,
                });
            }
        }
        Err(bind_error(last_error.unwrap_or_else(|| {
            std::io::Error::from(std::io::ErrorKind::AddrInUse)
        })))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The addresses listened on (tests and diagnostics).
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// The redirect URI: `http://{host}:{port}`.
    pub fn redirect_uri(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// Waits for the redirect carrying `expected_state` and returns its authorization response.
    pub async fn wait_for_code(
        self,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<AuthorizationResponse, Error> {
        let (sender, mut receiver) = mpsc::channel(1);
        let mut acceptors = tokio::task::JoinSet::new();
        for listener in self.listeners {
            let sender = sender.clone();
            let state = expected_state.to_owned();
            acceptors.spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        // Out of file descriptors or similar: do not spin.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let sender = sender.clone();
                    let state = state.clone();
                    tokio::spawn(async move {
                        if let Some(outcome) = handle_connection(stream, &state).await {
                            let _ = sender.send(outcome).await;
                        }
                    });
                }
            });
        }
        drop(sender);
        let outcome = tokio::select! {
            _ = cancel.cancelled() => Err(Error::cancelled()),
            _ = tokio::time::sleep(timeout) => Err(Error::new(
                ErrorCode::Timeout,
                "The browser sign-in was not finished in time.",
            ).with_remedy("Start the sign-in again and finish it in the browser within 5 minutes, or use device code sign-in.")),
            outcome = receiver.recv() => outcome.unwrap_or_else(|| Err(Error::internal("the sign-in listener stopped"))),
        };
        // Close the port before returning: the listener is one-shot.
        acceptors.shutdown().await;
        outcome
    }
}

/// Answers one connection; `None` means "not the redirect, keep waiting".
async fn handle_connection(
    mut stream: TcpStream,
    expected_state: &str,
) -> Option<Result<AuthorizationResponse, Error>> {
    let target =
        match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_request_target(&mut stream)).await {
            Ok(Some(target)) => target,
            _ => {
                let _ = respond(
                    &mut stream,
                    400,
                    "Bad request",
                    "pfrm could not read this request.",
                )
                .await;
                return None;
            }
        };
    match parse_redirect(&target) {
        Redirect::Unrelated => {
            let _ = respond(&mut stream, 404, "Not found", "Nothing here.").await;
            None
        }
        Redirect::Code { state, .. } | Redirect::Failure { state, .. }
            if state.as_deref() != Some(expected_state) =>
        {
            // Not the sign-in pfrm started (another tab, or another local process): answer and
            // keep waiting for the real one.
            let _ = respond(
                &mut stream,
                400,
                "Sign-in not completed",
                "This answer does not belong to the sign-in pfrm started, so pfrm ignored it. Finish the sign-in in the tab pfrm opened.",
            )
            .await;
            None
        }
        Redirect::Failure {
            error, description, ..
        } => {
            let _ = respond(
                &mut stream,
                200,
                "Sign-in not completed",
                &format!("The sign-in failed: {error}. You can close this tab and return to pfrm."),
            )
            .await;
            let description = description.lines().next().unwrap_or_default().to_owned();
            Some(Err(if error == "access_denied" {
                Error::new(
                    ErrorCode::SignInDeclined,
                    "The sign-in was declined (access_denied).",
                )
                .with_remedy("Sign in again and accept the request, or ask your administrator to allow pfrm.")
                .with_detail("description", description)
            } else {
                Error::new(
                    ErrorCode::Service,
                    format!("The sign-in was not completed ({error})."),
                )
                .with_remedy("Sign in again. If it keeps failing, try device code sign-in.")
                .with_detail("description", description)
            }))
        }
        Redirect::Code { code, iss, .. } => {
            let _ = respond(
                &mut stream,
                200,
                "Signed in",
                "You are signed in to pfrm. You can close this tab.",
            )
            .await;
            Some(Ok(AuthorizationResponse { code, iss }))
        }
    }
}

/// Reads the request head and returns the request target of a GET.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || buffer.len() + read > MAX_REQUEST_BYTES {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let head = String::from_utf8_lossy(&buffer);
    let mut parts = head.lines().next()?.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_owned()),
        _ => None,
    }
}

fn parse_redirect(target: &str) -> Redirect {
    let Ok(url) = Url::parse("http://localhost").and_then(|base| base.join(target)) else {
        return Redirect::Unrelated;
    };
    if url.path() != "/" {
        return Redirect::Unrelated;
    }
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut iss = None;
    let mut description = String::new();
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "iss" => iss = Some(value.into_owned()),
            "error_description" => description = value.into_owned(),
            _ => {}
        }
    }
    match (code, error) {
        (_, Some(error)) => Redirect::Failure {
            error,
            description,
            state,
        },
        (Some(code), None) => Redirect::Code {
            code: Secret::new(code),
            state,
            iss,
        },
        (None, None) => Redirect::Unrelated,
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    title: &str,
    message: &str,
) -> std::io::Result<()> {
    let body = result_page(title, message);
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// The page the browser shows after the redirect. Everything dynamic is HTML-escaped.
pub fn result_page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} – pfrm</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;color:#242424}}</style>\
         </head><body><h1>{title}</h1><p>{message}</p></body></html>",
        title = escape_html(title),
        message = escape_html(message)
    )
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, target: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream
            .write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        let status = response[9..12].parse().unwrap();
        (status, response)
    }

    #[tokio::test]
    async fn listens_only_on_loopback_and_returns_the_code() {
        let listener = LoopbackListener::bind("localhost").await.unwrap();
        let port = listener.port();
        let addrs = listener.local_addrs();
        assert!(
            addrs
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == port),
            "{addrs:?}"
        );
        assert!(addrs.iter().any(|a| a.is_ipv4()));
        assert_eq!(listener.redirect_uri(), format!("http://localhost:{port}"));
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait_for_code("s1", Duration::from_secs(5), &cancel)
                .await
        });
        let (status, _) = get(port, "/favicon.ico").await;
        assert_eq!(status, 404);
        let (status, page) = get(port, "/?code=abc&state=s1&iss=https%3A%2F%2Fidp.test").await;
        assert_eq!(status, 200);
        assert!(page.contains("You can close this tab"));
        let response = waiter.await.unwrap().unwrap();
        assert_eq!(response.code.expose(), "abc");
        assert_eq!(response.iss.as_deref(), Some("https://idp.test"));
        // One-shot: the port is closed afterwards.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn a_localhost_redirect_holds_the_port_on_both_loopback_families() {
        let listener = LoopbackListener::bind("localhost").await.unwrap();
        let port = listener.port();
        // Where this machine has IPv6, no other process can take [::1] on the same port.
        if std::net::TcpListener::bind("[::1]:0").is_ok() {
            assert!(listener.local_addrs().iter().any(|a| a.is_ipv6()));
            assert!(std::net::TcpListener::bind(("::1", port)).is_err());
        }
        assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_err());
        let literal = LoopbackListener::bind("127.0.0.1").await.unwrap();
        assert_eq!(
            literal.redirect_uri(),
            format!("http://127.0.0.1:{}", literal.port())
        );
        assert!(literal.local_addrs().iter().all(|a| a.is_ipv4()));
        assert_eq!(
            LoopbackListener::bind("0.0.0.0").await.unwrap_err().code,
            ErrorCode::Config
        );
    }

    /// A listener on 127.0.0.1 waiting for a redirect with `state`: its port and the wait.
    async fn waiting_for_code(
        state: &'static str,
        timeout: Duration,
    ) -> (
        u16,
        tokio::task::JoinHandle<Result<AuthorizationResponse, Error>>,
    ) {
        let listener = LoopbackListener::bind("127.0.0.1").await.unwrap();
        let port = listener.port();
        let waiter = tokio::spawn(async move {
            listener
                .wait_for_code(state, timeout, &CancellationToken::new())
                .await
        });
        (port, waiter)
    }

    #[tokio::test]
    async fn a_wrong_state_is_ignored_and_the_real_redirect_still_signs_in() {
        let (port, waiter) = waiting_for_code("expected", Duration::from_secs(5)).await;
        let (status, _) = get(port, "/?code=stolen&state=forged").await;
        assert_eq!(status, 400);
        let (status, _) = get(port, "/?error=access_denied&state=forged").await;
        assert_eq!(status, 400);
        assert!(!waiter.is_finished(), "a forged redirect ended the sign-in");
        let (status, _) = get(port, "/?code=real&state=expected").await;
        assert_eq!(status, 200);
        assert_eq!(waiter.await.unwrap().unwrap().code.expose(), "real");
    }

    #[tokio::test]
    async fn an_idle_connection_does_not_hold_up_the_redirect() {
        let (port, waiter) = waiting_for_code("s", Duration::from_secs(30)).await;
        // A connection that never sends anything (a browser's speculative pre-connect).
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let started = std::time::Instant::now();
        let (status, _) = get(port, "/?code=c&state=s").await;
        assert_eq!(status, 200);
        assert_eq!(waiter.await.unwrap().unwrap().code.expose(), "c");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn an_error_redirect_is_shown_escaped_and_reported() {
        let (port, waiter) = waiting_for_code("s", Duration::from_secs(5)).await;
        let (_, page) = get(port, "/?error=%3Cscript%3Ealert(1)%3C/script%3E&state=s").await;
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
        assert_eq!(waiter.await.unwrap().unwrap_err().code, ErrorCode::Service);
    }

    #[tokio::test]
    async fn access_denied_is_a_declined_sign_in_not_a_cancel() {
        let (port, waiter) = waiting_for_code("s", Duration::from_secs(5)).await;
        get(port, "/?error=access_denied&state=s").await;
        let error = waiter.await.unwrap().unwrap_err();
        assert_eq!(error.code, ErrorCode::SignInDeclined);
        assert_ne!(error.code.exit_code(), 130);
    }

    #[tokio::test]
    async fn cancel_and_timeout_end_the_wait() {
        let listener = LoopbackListener::bind("127.0.0.1").await.unwrap();
        let cancel = CancellationToken::new();
        cancel.cancel();
        let error = listener
            .wait_for_code("s", Duration::from_secs(60), &cancel)
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::Cancelled);

        let listener = LoopbackListener::bind("127.0.0.1").await.unwrap();
        let error = listener
            .wait_for_code("s", Duration::from_millis(50), &CancellationToken::new())
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::Timeout);
    }

    #[test]
    fn escape_html_covers_the_five_characters() {
        assert_eq!(
            escape_html(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
