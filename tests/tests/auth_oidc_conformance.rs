//! Conformance against a third-party, OpenID-certified server: the npm package `oidc-provider`
//! on loopback HTTPS (tests/oidc/server.mjs) with PKCE required, refresh-token rotation and the
//! device flow. pfrm's sign-in runs unchanged; only the cloud config points at this server.
//!
//! Needs `node`, `npm`, `openssl` and `curl`. Without node it skips with a reason, unless
//! `PFRM_REQUIRE_OIDC` is set, in which case it fails.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use azure_core::credentials::TokenRequestOptions;
use pfrm_core::auth::browser::SystemBrowser;
use pfrm_core::auth::oauth::{Authority, HttpTokenEndpoint, TokenEndpoint};
use pfrm_core::auth::store::{MemoryStore, TokenVault};
use pfrm_core::auth::{identity_http_client, AccountManager, DeviceCodePrompt, SignInMethod};
use pfrm_core::cloud::CloudConfig;
use pfrm_core::http::TokenRefreshHint;
use tokio_util::sync::CancellationToken;

const CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const API_AUDIENCE: &str = "api://pfrm-arm";

fn oidc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A CA and a server certificate for 127.0.0.1, made with openssl.
fn make_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca = dir.join("ca.pem");
    let ca_key = dir.join("ca.key");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let csr = dir.join("req.csr");
    let ext = dir.join("ext.cnf");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    run(Command::new("openssl")
        .args(["req", "-x509"])
        .args(ec)
        .arg("-keyout")
        .arg(&ca_key)
        .arg("-out")
        .arg(&ca)
        .args(["-days", "2", "-subj", "/CN=pfrm conformance CA"])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"]));
    run(Command::new("openssl")
        .arg("req")
        .args(ec)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&csr)
        .args(["-subj", "/CN=127.0.0.1"]));
    run(Command::new("openssl")
        .args(["x509", "-req", "-in"])
        .arg(&csr)
        .arg("-CA")
        .arg(&ca)
        .arg("-CAkey")
        .arg(&ca_key)
        .args(["-CAcreateserial", "-days", "2", "-out"])
        .arg(&cert)
        .arg("-extfile")
        .arg(&ext));
    (ca, cert, key)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(cert: &Path, key: &Path, log: &Path) -> (Server, String) {
    let mut child = Command::new("node")
        .arg("server.mjs")
        .current_dir(oidc_dir())
        .env("OIDC_CERT", cert)
        .env("OIDC_KEY", key)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_API_SCOPE", format!("{API_AUDIENCE}/.default"))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("node starts");
    // The first line says where it listens; the rest (oidc-provider's notices) is drained so
    // that the server never writes into a closed pipe.
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = sender.send(line);
        }
    });
    let line = receiver
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the server says where it listens");
    let ready: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|_| panic!("no ready line: {line:?}"));
    (Server(child), ready["issuer"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "the scripted browser (a shell script) is reached through xdg-open, the only opener that honours $BROWSER"
)]
async fn browser_device_code_and_refresh_work_against_oidc_provider() {
    if !have("node") || !have("npm") {
        if std::env::var_os("PFRM_REQUIRE_OIDC").is_some() {
            panic!("PFRM_REQUIRE_OIDC is set but node/npm are missing");
        }
        eprintln!("SKIPPED: node and npm are needed for the oidc-provider conformance test");
        return;
    }
    if !oidc_dir().join("node_modules/oidc-provider").exists() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(oidc_dir()));
    }
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = make_certificates(dir.path());
    let (_server, issuer) = start_server(&cert, &key, &dir.path().join("server.log"));

    let cloud = CloudConfig::from_custom_json(
        &serde_json::json!({
            "name": "oidc-conformance",
            "authorityHost": issuer,
            "tenantId": "organizations",
            "armEndpoint": "https://127.0.0.1:9/",
            "armAudience": API_AUDIENCE,
            "caCertPath": ca,
            "clientId": CLIENT_ID,
        })
        .to_string(),
    )
    .unwrap();

    // The system browser path: xdg-open → $BROWSER (a curl script driving the server's pages).
    let log = dir.path().join("browser.log");
    std::env::set_var("BROWSER", oidc_dir().join("browser.sh"));
    std::env::set_var("OIDC_CA", &ca);
    std::env::set_var("OIDC_USER", "alice@example.test");
    std::env::set_var("OIDC_LOG", &log);
    std::env::remove_var("XDG_CURRENT_DESKTOP");
    std::env::remove_var("DISPLAY");

    let store = Arc::new(MemoryStore::new());
    let manager = AccountManager::new(
        cloud.clone(),
        dir.path().join("settings.json"),
        TokenVault::new(store.clone()),
        Arc::new(SystemBrowser),
    )
    .unwrap();
    let alice = manager
        .sign_in_with_browser(None, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(alice.username, "alice@example.test");
    assert_eq!(
        alice.display_name.as_deref(),
        Some("User alice@example.test")
    );
    assert!(std::fs::read_to_string(&log)
        .unwrap()
        .contains("code_challenge_method=S256"));
    let key = store.keys()[0].clone();
    let first_refresh_token = store.raw(&key).unwrap();

    // Refresh (forced, as after a 401): a new access token and a rotated refresh token.
    let credential = manager.credential(&alice.id).unwrap();
    let scope = cloud.arm_scope();
    let forced = || TokenRequestOptions {
        method_options: azure_core::http::ClientMethodOptions {
            context: azure_core::http::Context::new().with_value(TokenRefreshHint {
                force_refresh: true,
                claims: None,
            }),
        },
    };
    let first = credential.get_token(&[scope.as_str()], None).await.unwrap();
    let refreshed = credential
        .get_token(&[scope.as_str()], Some(forced()))
        .await
        .unwrap();
    assert_ne!(first.token.secret(), refreshed.token.secret());
    let rotated = store.raw(&key).unwrap();
    assert_ne!(
        rotated, first_refresh_token,
        "the server rotated the refresh token"
    );
    let endpoint = HttpTokenEndpoint::new(
        Authority::new(cloud.authority_host.clone(), cloud.client_id.clone()).unwrap(),
        identity_http_client(&cloud).unwrap(),
    );
    let replay = endpoint
        .refresh(
            "organizations",
            &first_refresh_token,
            std::slice::from_ref(&scope),
        )
        .await;
    assert_eq!(replay.unwrap_err().oauth_code(), Some("invalid_grant"));

    // Device code: the prompt goes to a "second device" that enters the code and signs in as Bob.
    let device_ca = ca.clone();
    let on_prompt = move |prompt: DeviceCodePrompt| {
        let ca = device_ca.clone();
        std::thread::spawn(move || {
            let status = Command::new(oidc_dir().join("device.sh"))
                .arg(&ca)
                .arg(&prompt.verification_uri)
                .arg(&prompt.user_code)
                .arg("bob@example.test")
                .status()
                .unwrap();
            assert!(status.success());
        });
    };
    let bob = manager
        .sign_in_with_device_code(None, &on_prompt, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(bob.username, "bob@example.test");
    assert_eq!(bob.method, SignInMethod::DeviceCode);
    assert_eq!(manager.accounts().len(), 2);
    let token = manager
        .credential(&bob.id)
        .unwrap()
        .get_token(&[scope.as_str()], None)
        .await
        .unwrap();
    assert!(!token.token.secret().is_empty());
}
