//! The one-shot redirect listener of the browser sign-in.
//!
//! It binds `127.0.0.1` on an ephemeral port (never all interfaces: nothing on the network may
//! deliver a code), answers exactly one valid redirect, and gives up on timeout or cancel.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// How long one browser connection may take to send its request line.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_BYTES: usize = 16 * 1024;

#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

/// What the redirect carried, before it is checked against the expected state.
#[derive(Debug, PartialEq)]
enum Redirect {
    Code {
        code: Secret,
        state: Option<String>,
    },
    Failure {
        error: String,
        description: String,
        state: Option<String>,
    },
    Unrelated,
}

impl LoopbackListener {
    pub async fn bind() -> Result<Self, Error> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|error| {
            Error::new(
                ErrorCode::Internal,
                "pfrm could not open a local port to receive the sign-in result.",
            )
            .with_remedy("Try again, or use device code sign-in instead.")
            .with_detail("cause", error.to_string())
        })?;
        let port = listener
            .local_addr()
            .map_err(|error| Error::internal(format!("local address unavailable: {error}")))?
            .port();
        Ok(LoopbackListener { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The redirect URI registered for public clients: `http://localhost:{port}`.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits for the redirect carrying `expected_state` and returns its authorization code.
    pub async fn wait_for_code(
        self,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Secret, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let (stream, _) = tokio::select! {
                _ = cancel.cancelled() => return Err(Error::cancelled()),
                _ = tokio::time::sleep_until(deadline) => return Err(Error::new(
                    ErrorCode::Timeout,
                    "The browser sign-in was not finished in time.",
                ).with_remedy("Start the sign-in again and finish it in the browser within 5 minutes, or use device code sign-in.")),
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(_) => continue,
                },
            };
            if let Some(outcome) = handle_connection(stream, expected_state).await {
                return outcome;
            }
        }
    }
}

/// Answers one connection; `None` means "not the redirect, keep waiting".
async fn handle_connection(
    mut stream: TcpStream,
    expected_state: &str,
) -> Option<Result<Secret, Error>> {
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
            let _ = respond(
                &mut stream,
                400,
                "Sign-in not completed",
                "This answer does not belong to the sign-in pfrm started. Return to pfrm and sign in again.",
            )
            .await;
            Some(Err(Error::new(
                ErrorCode::PermissionDenied,
                "The sign-in answer did not match the sign-in pfrm started, so pfrm ignored it.",
            )
            .with_remedy("Start the sign-in again from pfrm.")))
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
            let code = if error == "access_denied" {
                ErrorCode::Cancelled
            } else {
                ErrorCode::Service
            };
            Some(Err(Error::new(
                code,
                format!("The sign-in was not completed ({error})."),
            )
            .with_remedy("Sign in again. If it keeps failing, try device code sign-in.")
            .with_detail(
                "description",
                description.lines().next().unwrap_or_default().to_owned(),
            )))
        }
        Redirect::Code { code, .. } => {
            let _ = respond(
                &mut stream,
                200,
                "Signed in",
                "You are signed in to pfrm. You can close this tab.",
            )
            .await;
            Some(Ok(code))
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
    let mut description = String::new();
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
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
        let listener = LoopbackListener::bind().await.unwrap();
        assert_eq!(
            listener.listener.local_addr().unwrap().ip(),
            std::net::Ipv4Addr::LOCALHOST
        );
        let port = listener.port();
        assert_eq!(listener.redirect_uri(), format!("http://localhost:{port}"));
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait_for_code("s1", Duration::from_secs(5), &cancel)
                .await
        });
        let (status, _) = get(port, "/favicon.ico").await;
        assert_eq!(status, 404);
        let (status, page) = get(port, "/?code=abc&state=s1").await;
        assert_eq!(status, 200);
        assert!(page.contains("You can close this tab"));
        assert_eq!(waiter.await.unwrap().unwrap().expose(), "abc");
        // One-shot: the port is closed afterwards.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn a_wrong_state_ends_the_attempt_without_a_code() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait_for_code("expected", Duration::from_secs(5), &cancel)
                .await
        });
        let (status, _) = get(port, "/?code=stolen&state=forged").await;
        assert_eq!(status, 400);
        let error = waiter.await.unwrap().unwrap_err();
        assert_eq!(error.code, ErrorCode::PermissionDenied);
        assert!(!format!("{error:?}").contains("stolen"));
    }

    #[tokio::test]
    async fn an_error_redirect_is_shown_escaped_and_reported() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait_for_code("s", Duration::from_secs(5), &cancel)
                .await
        });
        let (_, page) = get(port, "/?error=%3Cscript%3Ealert(1)%3C/script%3E&state=s").await;
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
        assert_eq!(waiter.await.unwrap().unwrap_err().code, ErrorCode::Service);
    }

    #[tokio::test]
    async fn cancel_and_timeout_end_the_wait() {
        let listener = LoopbackListener::bind().await.unwrap();
        let cancel = CancellationToken::new();
        cancel.cancel();
        let error = listener
            .wait_for_code("s", Duration::from_secs(60), &cancel)
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::Cancelled);

        let listener = LoopbackListener::bind().await.unwrap();
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
