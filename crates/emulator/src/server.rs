//! HTTPS listeners: TLS, HTTP/1.1, fault injection and latency, then the emulated service.

use crate::faults::FaultAction;
use crate::http::{json_resp, set_header, text_resp, EmuBody, Req, Resp, MAX_BODY};
use crate::App;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH};
use hyper::Request;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

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

/// Accepts connections until the task is aborted; aborting also ends every open connection.
pub async fn serve(listener: TcpListener, acceptor: TlsAcceptor, service: Service, app: Arc<App>) {
    let router = crate::routing::router(service, app.clone());
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
        let router = router.clone();
        connections.spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let svc = hyper::service::service_fn(move |req| {
                let app = app.clone();
                let raw = raw.clone();
                let router = router.clone();
                async move { handle(req, service, app, router, raw).await }
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
    router: axum::Router,
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
    let mut resp = crate::routing::handle(service, &app, &router, emu_req).await;
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
