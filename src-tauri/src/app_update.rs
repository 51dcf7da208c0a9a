//! Updates of the app itself (not of runtimes), through `tauri-plugin-updater`: look at the
//! release feed, offer a newer version, and only when the user says so download it, verify its
//! minisign signature against the key built into the app, install it and restart.
//!
//! Never silent: nothing is checked at start-up and nothing is downloaded without a click. An
//! administrator turns the check off for a machine with `PFRM_DISABLE_APP_UPDATES=1`; a user (or a
//! deployed settings file) with `"appUpdatesOff": true`.
//!
//! A build knows its feed and key only when the release workflow made it: it sets
//! `PFRM_UPDATER_ENDPOINT` and `PFRM_UPDATER_PUBKEY` at compile time. Other builds say that
//! they cannot update themselves.

use std::time::Duration;

use pfrm_core::app_info::{AppUpdateCheck, AppUpdateState, OfferedUpdate};
use pfrm_core::error::{Error, ErrorCode};
use tauri::{AppHandle, Manager, Runtime, Url};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};

use crate::commands::{Host, Reply};

/// How long one request to the feed or for the download may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Where updates come from and the key their signatures must verify against.
#[derive(Clone)]
pub struct UpdateSource {
    pub endpoint: Url,
    /// The minisign public key, as `tauri signer generate` writes it (base64).
    pub pubkey: String,
    /// When set, the only certificate authorities trusted for the feed and downloads (the
    /// tests' own); otherwise the system's.
    pub trusted_roots_only: Option<Vec<reqwest::Certificate>>,
}

impl UpdateSource {
    /// The feed and key the release workflow built in, if it did.
    pub fn built_in() -> Option<UpdateSource> {
        let endpoint = option_env!("PFRM_UPDATER_ENDPOINT").filter(|v| !v.is_empty())?;
        let pubkey = option_env!("PFRM_UPDATER_PUBKEY").filter(|v| !v.is_empty())?;
        Some(UpdateSource {
            endpoint: endpoint.parse().ok()?,
            pubkey: pubkey.to_owned(),
            trusted_roots_only: None,
        })
    }
}

/// The update found by the last check, installed only when the user asks.
#[derive(Default)]
pub struct PendingUpdate(tokio::sync::Mutex<Option<Update>>);

/// The plugin's updater for `source`. Versions are compared by the plugin's default rule:
/// only a version greater than the running one is offered, so a downgrade never is.
pub fn updater<R: Runtime>(
    app: &AppHandle<R>,
    source: &UpdateSource,
) -> Result<Updater, tauri_plugin_updater::Error> {
    let mut builder = app
        .updater_builder()
        .pubkey(source.pubkey.clone())
        .endpoints(vec![source.endpoint.clone()])?
        .timeout(REQUEST_TIMEOUT);
    if let Some(roots) = source.trusted_roots_only.clone() {
        builder = builder.configure_client(move |client| client.tls_certs_only(roots.clone()));
    }
    builder.build()
}

/// The plugin's error as the app's: what happened and what to do next.
pub fn error_from(error: tauri_plugin_updater::Error) -> Error {
    use tauri_plugin_updater::Error as E;
    match &error {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => Error::new(
            ErrorCode::Service,
            "The downloaded update is not signed with this app's key, so it was not installed.",
        )
        .with_remedy(
            "Keep using this version. Download the installer from the project's releases page, \
             or tell whoever publishes this app.",
        ),
        E::Reqwest(_) | E::Network(_) => Error::new(
            ErrorCode::Network,
            format!("Could not reach the update server: {error}."),
        )
        .with_remedy("Check your connection or proxy, then try again."),
        _ => Error::new(
            ErrorCode::Service,
            format!("Could not check for or install the update: {error}."),
        )
        .with_remedy("Try again later, or download the installer from the releases page."),
    }
}

/// Looks at the feed once. Stores an offered update for [`install_app_update`].
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    source: Option<&UpdateSource>,
    turned_off: Option<AppUpdateState>,
    pending: &PendingUpdate,
) -> Result<AppUpdateCheck, Error> {
    let current = app.package_info().version.to_string();
    let source = match (turned_off, source) {
        (None, Some(source)) => source,
        (turned_off, _) => return Ok(AppUpdateCheck::not_asked(&current, turned_off)),
    };
    let found = updater(app, source)
        .map_err(error_from)?
        .check()
        .await
        .map_err(error_from)?;
    let offered = found.as_ref().map(|update| OfferedUpdate {
        version: update.version.clone(),
        notes: update.body.clone(),
    });
    let reply = AppUpdateCheck::from_feed(&current, offered);
    *pending.0.lock().await = found;
    Ok(reply)
}

/// Downloads the offered update and verifies its signature; the bytes only when it verifies.
pub async fn download_verified(update: &Update) -> Result<Vec<u8>, Error> {
    update.download(|_, _| {}, || {}).await.map_err(error_from)
}

/// "Check for updates" (Settings, and Help in the menu).
pub async fn check_app_update(host: &Host) -> Reply<AppUpdateCheck> {
    let turned_off = host.session().app_updates_turned_off();
    let pending = host.app.state::<PendingUpdate>();
    check(
        &host.app,
        UpdateSource::built_in().as_ref(),
        turned_off,
        &pending,
    )
    .await
}

/// The user chose to install the update the last check offered: download, verify, install,
/// restart. Refused when updates were turned off since.
pub async fn install_app_update(host: &Host) -> Reply<()> {
    if host.session().app_updates_turned_off().is_some() {
        return Err(Error::new(
            ErrorCode::PermissionDenied,
            "Updates of this app are turned off on this machine.",
        )
        .with_remedy("Ask your administrator for the new version."));
    }
    let pending = host.app.state::<PendingUpdate>();
    let Some(update) = pending.0.lock().await.take() else {
        return Err(
            Error::new(ErrorCode::NotFound, "No update is waiting to be installed.")
                .with_remedy("Choose Check for updates first."),
        );
    };
    tracing::info!(version = %update.version, "downloading the app update");
    let bytes = download_verified(&update).await?;
    tracing::info!(version = %update.version, "signature verified; installing the app update");
    update.install(bytes).map_err(error_from)?;
    host.app.restart();
}

/// The update flow against a local HTTPS update server with the tests' own certificate
/// authority, through the real plugin (its check, download and minisign verification) inside a
/// mock Tauri app. What is not covered: `Update::install` (replacing the installed package needs
/// the package manager and root) and the restart.
///
/// The fixtures (tests/fixtures/updater) were made with the Tauri CLI: a test key pair (its
/// public key kept, the private one discarded), `update-99.0.0.bin` signed with it, and the same
/// file signed with another key.
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::net::{Ipv4Addr, SocketAddr};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, KeyUsagePurpose,
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/updater");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn fixture_text(name: &str) -> String {
        String::from_utf8(fixture(name)).unwrap().trim().to_owned()
    }

    /// A certificate authority of the tests' own and a loopback certificate it signed.
    struct TestCa {
        root: reqwest::Certificate,
        server: Arc<rustls::ServerConfig>,
    }

    fn test_ca() -> TestCa {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &ca)
            .unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();
        TestCa {
            root: reqwest::Certificate::from_der(ca.der()).unwrap(),
            server: Arc::new(server),
        }
    }

    /// Serves fixed files over HTTPS on loopback (one request per connection) and counts requests.
    struct UpdateServer {
        address: SocketAddr,
        requests: Arc<AtomicUsize>,
    }

    impl UpdateServer {
        /// Binds, then serves the files `make` writes for the bound port.
        async fn start(
            tls: Arc<rustls::ServerConfig>,
            make: impl FnOnce(u16) -> HashMap<String, Vec<u8>>,
        ) -> Self {
            let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .await
                .unwrap();
            let address = listener.local_addr().unwrap();
            let files = make(address.port());
            let requests = Arc::new(AtomicUsize::new(0));
            let acceptor = tokio_rustls::TlsAcceptor::from(tls);
            let files = Arc::new(files);
            let counter = requests.clone();
            tokio::spawn(async move {
                while let Ok((tcp, _)) = listener.accept().await {
                    let (acceptor, files, counter) =
                        (acceptor.clone(), files.clone(), counter.clone());
                    tokio::spawn(async move {
                        let Ok(mut stream) = acceptor.accept(tcp).await else {
                            return;
                        };
                        let mut head = Vec::new();
                        let mut byte = [0u8; 1];
                        while !head.ends_with(b"\r\n\r\n") {
                            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                                return;
                            }
                            head.push(byte[0]);
                        }
                        counter.fetch_add(1, Ordering::SeqCst);
                        let head = String::from_utf8_lossy(&head);
                        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                        let (status, body) = match files.get(&path) {
                            Some(body) => ("200 OK", body.clone()),
                            None => ("404 Not Found", Vec::new()),
                        };
                        let reply = format!(
                            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(reply.as_bytes()).await;
                        let _ = stream.write_all(&body).await;
                        let _ = stream.shutdown().await;
                    });
                }
            });
            UpdateServer { address, requests }
        }

        fn url(&self, path: &str) -> String {
            format!("https://localhost:{}{path}", self.address.port())
        }
    }

    /// A feed offering `version` of `update.bin` with `signature` for this platform.
    fn feed(server_port: u16, version: &str, signature: &str) -> Vec<u8> {
        let platform = tauri_plugin_updater::target().expect("a platform the updater supports");
        serde_json::json!({
            "version": version,
            "notes": "Faster start-up.",
            "pub_date": "2026-12-06T05:00:00Z",
            "platforms": { platform: {
                "signature": signature,
                "url": format!("https://localhost:{server_port}/update.bin"),
            }},
        })
        .to_string()
        .into_bytes()
    }

    /// A mock app (version 0.1.0) with the updater plugin, and an update source for the server.
    fn app_and_source(
        server: &UpdateServer,
        root: reqwest::Certificate,
    ) -> (tauri::App<tauri::test::MockRuntime>, UpdateSource) {
        let mut context = tauri::test::mock_context(tauri::test::noop_assets());
        context.config_mut().plugins.0.insert(
            "updater".into(),
            serde_json::json!({ "pubkey": "", "endpoints": [] }),
        );
        let app = tauri::test::mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(context)
            .unwrap();
        let source = UpdateSource {
            endpoint: server.url("/latest.json").parse().unwrap(),
            pubkey: fixture_text("test-updater.key.pub"),
            trusted_roots_only: Some(vec![root]),
        };
        (app, source)
    }

    fn files(
        port: u16,
        version: &str,
        signature: &str,
        payload: Vec<u8>,
    ) -> HashMap<String, Vec<u8>> {
        HashMap::from([
            ("/latest.json".to_owned(), feed(port, version, signature)),
            ("/update.bin".to_owned(), payload),
        ])
    }

    async fn server_with(
        ca: &TestCa,
        make: impl FnOnce(u16) -> HashMap<String, Vec<u8>>,
    ) -> UpdateServer {
        UpdateServer::start(ca.server.clone(), make).await
    }

    async fn check_and_download(
        server: &UpdateServer,
        root: reqwest::Certificate,
    ) -> (AppUpdateCheck, Option<Result<Vec<u8>, Error>>) {
        let (app, source) = app_and_source(server, root);
        let pending = PendingUpdate::default();
        let answer = check(app.handle(), Some(&source), None, &pending)
            .await
            .expect("the check succeeds");
        let offered = pending.0.lock().await.take();
        let downloaded = match offered {
            Some(update) => Some(download_verified(&update).await),
            None => None,
        };
        (answer, downloaded)
    }

    #[tokio::test]
    async fn a_newer_signed_version_is_offered_and_its_download_verifies() {
        let ca = test_ca();
        let payload = fixture("update-99.0.0.bin");
        let signature = fixture_text("update-99.0.0.bin.sig");
        let server = server_with(&ca, |s| files(s, "99.0.0", &signature, payload.clone())).await;
        let (answer, downloaded) = check_and_download(&server, ca.root.clone()).await;
        assert_eq!(answer.state, AppUpdateState::Available);
        assert_eq!(answer.current_version, "0.1.0");
        assert_eq!(answer.version.as_deref(), Some("99.0.0"));
        assert_eq!(answer.notes.as_deref(), Some("Faster start-up."));
        assert_eq!(
            downloaded.unwrap().expect("the signature verifies"),
            payload
        );
        assert_eq!(
            server.requests.load(Ordering::SeqCst),
            2,
            "the feed, then the file"
        );
    }

    #[tokio::test]
    async fn an_update_signed_with_another_key_is_refused() {
        let ca = test_ca();
        let signature = fixture_text("signed-by-another-key.sig");
        let server = server_with(&ca, |s| {
            files(s, "99.0.0", &signature, fixture("update-99.0.0.bin"))
        })
        .await;
        let (answer, downloaded) = check_and_download(&server, ca.root.clone()).await;
        assert_eq!(answer.state, AppUpdateState::Available);
        let error = downloaded
            .unwrap()
            .expect_err("a foreign signature is refused");
        assert!(
            error.message.contains("not signed with this app's key"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_file_changed_after_signing_is_refused() {
        let ca = test_ca();
        let signature = fixture_text("update-99.0.0.bin.sig");
        let mut tampered = fixture("update-99.0.0.bin");
        tampered[0] ^= 1;
        let server = server_with(&ca, |s| files(s, "99.0.0", &signature, tampered)).await;
        let (_, downloaded) = check_and_download(&server, ca.root.clone()).await;
        let error = downloaded.unwrap().expect_err("changed bytes are refused");
        assert!(
            error.message.contains("not signed with this app's key"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn an_older_or_equal_version_is_never_offered() {
        let ca = test_ca();
        let signature = fixture_text("update-99.0.0.bin.sig");
        for version in ["0.0.9", "0.1.0"] {
            let server = server_with(&ca, |s| {
                files(s, version, &signature, fixture("update-99.0.0.bin"))
            })
            .await;
            let (answer, downloaded) = check_and_download(&server, ca.root.clone()).await;
            assert_eq!(answer.state, AppUpdateState::UpToDate, "{version}");
            assert_eq!(answer.version, None);
            assert!(downloaded.is_none(), "{version}: nothing to download");
            assert_eq!(server.requests.load(Ordering::SeqCst), 1, "only the feed");
        }
    }

    #[tokio::test]
    async fn a_server_the_app_does_not_trust_gets_no_request_answered() {
        let ca = test_ca();
        let stranger = test_ca();
        let signature = fixture_text("update-99.0.0.bin.sig");
        let server = server_with(&stranger, |s| {
            files(s, "99.0.0", &signature, fixture("update-99.0.0.bin"))
        })
        .await;
        let (app, source) = app_and_source(&server, ca.root.clone());
        let error = check(app.handle(), Some(&source), None, &PendingUpdate::default())
            .await
            .expect_err("the certificate is not trusted");
        assert_eq!(error.code, ErrorCode::Network, "{error:?}");
        assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn turned_off_or_unconfigured_updates_ask_nobody() {
        let ca = test_ca();
        let signature = fixture_text("update-99.0.0.bin.sig");
        let server = server_with(&ca, |s| {
            files(s, "99.0.0", &signature, fixture("update-99.0.0.bin"))
        })
        .await;
        let (app, source) = app_and_source(&server, ca.root.clone());
        let pending = PendingUpdate::default();
        for reason in [
            AppUpdateState::TurnedOffByAdministrator,
            AppUpdateState::TurnedOffInSettings,
        ] {
            let answer = check(app.handle(), Some(&source), Some(reason), &pending)
                .await
                .unwrap();
            assert_eq!(answer.state, reason);
        }
        let answer = check(app.handle(), None, None, &pending).await.unwrap();
        assert_eq!(answer.state, AppUpdateState::NotAvailable);
        assert_eq!(server.requests.load(Ordering::SeqCst), 0);
        assert!(pending.0.lock().await.is_none());
    }
}
