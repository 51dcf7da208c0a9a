//! HTTPS listeners: TLS, HTTP/1.1, fault injection and latency, then the emulated service.

use crate::faults::FaultAction;
use crate::App;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// Largest request body accepted (ARM's own limit is 4 MiB).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Authority,
    Arm,
    Flow,
    Registry,
    Graph,
    Control,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Authority => "authority",
            Service::Arm => "arm",
            Service::Flow => "flow",
            Service::Registry => "registry",
            Service::Graph => "graph",
            Service::Control => "control",
        }
    }
}

/// A request as the emulated services see it: fully read, query decoded.
pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub body_too_large: bool,
}

impl Req {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

pub fn form_get<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Response body: whole, or cut short (fault injection) and then failed.
pub struct EmuBody {
    data: Option<Bytes>,
    fail_after: bool,
}

impl EmuBody {
    /// The whole body, unless it is to be cut short.
    pub fn bytes(&self) -> Option<&Bytes> {
        self.data.as_ref().filter(|_| !self.fail_after)
    }
}

impl hyper::body::Body for EmuBody {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(data) = self.data.take() {
            if !data.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
        }
        if self.fail_after {
            self.fail_after = false;
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "injected truncated body",
            ))));
        }
        Poll::Ready(None)
    }
    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.fail_after
    }
    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.fail_after) {
            (Some(d), false) => SizeHint::with_exact(d.len() as u64),
            (None, false) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

pub type Resp = Response<EmuBody>;

pub fn body(bytes: impl Into<Bytes>) -> EmuBody {
    EmuBody {
        data: Some(bytes.into()),
        fail_after: false,
    }
}

pub fn json_resp(status: u16, value: &serde_json::Value) -> Resp {
    let mut r = Response::new(body(value.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

pub fn text_resp(status: u16, content_type: &'static str, text: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(body(text));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

pub fn empty_resp(status: u16) -> Resp {
    let mut r = Response::new(body(Bytes::new()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r
}

pub fn set_header(r: &mut Resp, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        r.headers_mut().insert(n, v);
    }
}

/// Accepts connections until the task is aborted; aborting also ends every open connection.
pub async fn serve(listener: TcpListener, acceptor: TlsAcceptor, service: Service, app: Arc<App>) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let Ok((tcp, _peer)) = accepted else { continue };
        let _ = tcp.set_nodelay(true);
        // A second handle on the socket lets an injected reset set SO_LINGER 0, so closing
        // sends a TCP RST rather than an orderly FIN.
        let Ok(std_tcp) = tcp.into_std() else {
            continue;
        };
        let Ok(raw) = std_tcp.try_clone() else {
            continue;
        };
        let Ok(tcp) = tokio::net::TcpStream::from_std(std_tcp) else {
            continue;
        };
        let raw = Arc::new(raw);
        let acceptor = acceptor.clone();
        let app = app.clone();
        connections.spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let svc = hyper::service::service_fn(move |req| {
                let app = app.clone();
                let raw = raw.clone();
                async move { handle(req, service, app, raw).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                .await;
        });
    }
}

async fn handle(
    req: Request<Incoming>,
    service: Service,
    app: Arc<App>,
    raw: Arc<std::net::TcpStream>,
) -> Result<Resp, std::io::Error> {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let mut truncate = false;
    let mut reset_after = false;
    if service != Service::Control {
        let client_request_id = req
            .headers()
            .get("x-ms-client-request-id")
            .and_then(|value| value.to_str().ok());
        let decision =
            app.faults
                .decide_request(service.name(), method.as_str(), &path, client_request_id);
        if !decision.delay.is_zero() {
            tokio::time::sleep(decision.delay).await;
        }
        if let Some(rule) = decision.fault {
            if let Some(ms) = rule.delay_ms {
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            }
            match rule.action {
                FaultAction::Reset => {
                    let _ =
                        socket2::SockRef::from(&*raw).set_linger(Some(std::time::Duration::ZERO));
                    tracing::debug!(service = service.name(), %method, path, "injected connection reset");
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "injected connection reset",
                    ));
                }
                FaultAction::Respond => return Ok(fault_response(&rule)),
                FaultAction::Truncate => truncate = true,
                FaultAction::ResetAfter => reset_after = true,
                FaultAction::Delay => {}
            }
        }
    }
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let headers = req.headers().clone();
    let (bytes, too_large) = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => (collected.to_bytes(), false),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                (Bytes::new(), true)
            } else {
                return Err(std::io::Error::other("request body read failed"));
            }
        }
    };
    let (emu_method, emu_path) = (method.clone(), path.clone());
    let emu_req = Req {
        method,
        path,
        query,
        headers,
        body: bytes,
        body_too_large: too_large,
    };
    let mut resp = match service {
        Service::Authority => crate::identity::handle(&app, emu_req).await,
        Service::Arm => crate::arm::handle(&app, emu_req).await,
        Service::Flow => crate::flow::handle(&app, emu_req).await,
        Service::Registry => crate::registry::handle(&app, emu_req),
        Service::Graph => crate::graph::handle(&app, emu_req),
        Service::Control => crate::control::handle(&app, emu_req).await,
    };
    tracing::debug!(service = service.name(), method = %emu_method, path = %emu_path, status = resp.status().as_u16(), "request");
    if reset_after {
        let _ = socket2::SockRef::from(&*raw).set_linger(Some(std::time::Duration::ZERO));
        tracing::debug!(service = service.name(), method = %emu_method, path = %emu_path, "injected connection reset after the service acted");
        return Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected connection reset after the service acted",
        ));
    }
    if truncate {
        let full = resp.body_mut().data.take().unwrap_or_default();
        let half = full.slice(..full.len() / 2);
        resp.headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(full.len().max(1)));
        *resp.body_mut() = EmuBody {
            data: Some(half),
            fail_after: true,
        };
    }
    Ok(resp)
}

fn fault_response(rule: &crate::faults::FaultRule) -> Resp {
    let status = rule.status.unwrap_or(503);
    let mut resp = match &rule.body {
        Some(serde_json::Value::String(s)) => {
            text_resp(status, "text/plain; charset=utf-8", s.clone())
        }
        Some(v) => json_resp(status, v),
        None => json_resp(
            status,
            &serde_json::json!({"error": {"code": "ServiceUnavailable", "message": "The service is temporarily unavailable (injected fault)."}}),
        ),
    };
    if let Some(secs) = rule.retry_after {
        set_header(&mut resp, "Retry-After", &secs.to_string());
    }
    set_header(
        &mut resp,
        "x-ms-request-id",
        &uuid::Uuid::new_v4().to_string(),
    );
    resp
}
