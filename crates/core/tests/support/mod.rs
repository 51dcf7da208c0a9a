//! A small loopback HTTPS server with scripted replies, and a fake credential, for testing the
//! HTTP pipeline and the clients without the emulator.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::http::{Pipeline, RetryPolicy, TokenRefreshHint};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use url::Url;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, exactly as received.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn query(&self, name: &str) -> Option<String> {
        let url = Url::parse(&format!("https://x{}", self.target)).ok()?;
        url.query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A scripted reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Silence before the answer (a slow or stuck server).
    pub delay: Option<std::time::Duration>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string(),
            delay: None,
        }
    }

    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// No answer at all: the request is read (and logged), then the connection closes, as when
    /// the network drops the answer of a request the server carried out.
    pub fn cut_off() -> Self {
        Reply::empty(200).header(CUT_OFF, "1")
    }

    /// The same reply, sent only after `delay` of silence.
    pub fn after(mut self, delay: std::time::Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// The marker [`Reply::cut_off`] sets; never sent.
const CUT_OFF: &str = "x-test-cut-off";

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// A handler that answers asynchronously (a proxy, say).
pub type AsyncHandler = dyn Fn(Recorded) -> std::pin::Pin<Box<dyn std::future::Future<Output = Reply> + Send>>
    + Send
    + Sync;

/// HTTPS on 127.0.0.1 with a certificate from a throwaway CA.
pub struct TestServer {
    pub base: Url,
    pub ca_pem: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server; `handler` gets each request and its 0-based index.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let counter = Arc::new(AtomicUsize::new(0));
        Self::start_async(Arc::new(move |recorded: Recorded| {
            let index = counter.fetch_add(1, Ordering::SeqCst);
            let reply = handler(&recorded, index);
            Box::pin(async move { reply })
        }))
        .await
    }

    /// Starts a server whose replies come from an asynchronous handler.
    pub async fn start_async(handler: Arc<AsyncHandler>) -> Self {
        let (ca_pem, server_config) = tls_config();
        let acceptor = TlsAcceptor::from(Arc::new(server_config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let task_log = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                let handler = handler.clone();
                let log = task_log.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let service = service_fn(move |request: Request<Incoming>| {
                        let handler = handler.clone();
                        let log = log.clone();
                        async move {
                            let method = request.method().to_string();
                            let target = request
                                .uri()
                                .path_and_query()
                                .map(|pq| pq.to_string())
                                .unwrap_or_default();
                            let headers = request
                                .headers()
                                .iter()
                                .map(|(n, v)| {
                                    (n.to_string(), v.to_str().unwrap_or_default().to_owned())
                                })
                                .collect();
                            let body = request
                                .into_body()
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let recorded = Recorded {
                                method,
                                target,
                                headers,
                                body: String::from_utf8_lossy(&body).into_owned(),
                            };
                            log.lock().unwrap().push(recorded.clone());
                            let reply = handler(recorded).await;
                            if let Some(delay) = reply.delay {
                                tokio::time::sleep(delay).await;
                            }
                            if reply.headers.iter().any(|(name, _)| name == CUT_OFF) {
                                // An error from the service makes hyper close the connection
                                // without answering.
                                return Err(std::io::Error::other("answer cut off"));
                            }
                            let mut response = Response::builder().status(reply.status);
                            for (name, value) in &reply.headers {
                                response = response.header(name, value);
                            }
                            Ok::<_, std::io::Error>(
                                response.body(Full::new(Bytes::from(reply.body))).unwrap(),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        TestServer {
            base: Url::parse(&format!("https://127.0.0.1:{port}/")).unwrap(),
            ca_pem,
            log,
            task,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    /// The requests so far, forgetting them.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    /// A custom cloud whose every endpoint is this server, trusting its CA.
    pub fn cloud(&self) -> CloudConfig {
        let base = self.base.as_str().trim_end_matches('/');
        let text = serde_json::json!({
            "name": "test", "authorityHost": base, "armEndpoint": base, "flowEndpoint": base,
            "registryEndpoint": base, "graphEndpoint": base,
            "armAudience": "https://management.azure.com", "graphAudience": "https://graph.microsoft.com",
            "caCertPem": self.ca_pem,
        });
        CloudConfig::from_custom_json(&text.to_string()).unwrap()
    }

    /// A pipeline for [`Self::cloud`] with fast retries.
    pub fn pipeline(&self, credential: Arc<FakeCredential>) -> Pipeline {
        Pipeline::new(&self.cloud(), credential)
            .unwrap()
            .with_retry_policy(fast_retries(4))
    }
}

pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_delay: std::time::Duration::from_millis(10),
        max_delay: std::time::Duration::from_secs(3),
    }
}

fn tls_config() -> (String, rustls::ServerConfig) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "pfrm test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key_der)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (ca_cert.pem(), config)
}

/// A credential like a real cached one: it returns the same token until asked to refresh.
#[derive(Debug, Default)]
pub struct FakeCredential {
    generation: AtomicUsize,
    pub calls: Mutex<Vec<(Vec<String>, Option<TokenRefreshHint>)>>,
}

impl FakeCredential {
    pub fn new() -> Arc<Self> {
        Arc::new(FakeCredential::default())
    }

    pub fn hints(&self) -> Vec<Option<TokenRefreshHint>> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|(_, hint)| hint.clone())
            .collect()
    }

    pub fn scopes(&self) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .flat_map(|(scopes, _)| scopes.clone())
            .collect()
    }
}

#[async_trait::async_trait]
impl TokenCredential for FakeCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let hint = options
            .as_ref()
            .and_then(|options| options.method_options.context.value::<TokenRefreshHint>())
            .cloned();
        if hint.as_ref().is_some_and(|hint| hint.force_refresh) {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        self.calls
            .lock()
            .unwrap()
            .push((scopes.iter().map(|s| (*s).to_owned()).collect(), hint));
        let generation = self.generation.load(Ordering::SeqCst) + 1;
        Ok(AccessToken::new(
            format!("secret-token-{generation}"),
            time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        ))
    }
}
