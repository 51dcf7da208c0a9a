//! The oidc-provider test peer (tests/oidc/server.mjs): certificates, start-up, a custom cloud
//! pointing at it, and its scripted browser. Needs `node`, `npm`, `openssl` and `curl`; without
//! node the tests skip with a reason, unless `PFRM_REQUIRE_OIDC` is set, in which case they fail.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use std::sync::Arc;

use pfrm_core::auth::browser::BrowserLauncher;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::Error;

/// Runs tests/oidc/browser.sh on the sign-in URL, as `xdg-open` would run `$BROWSER`.
#[derive(Debug)]
pub struct ScriptedBrowser {
    env: Vec<(String, String)>,
}

impl BrowserLauncher for ScriptedBrowser {
    fn open(&self, url: &url::Url) -> Result<(), Error> {
        let mut command = Command::new(oidc_dir().join("browser.sh"));
        command.arg(url.as_str()).stdin(Stdio::null());
        for (key, value) in &self.env {
            if key != "BROWSER" {
                command.env(key, value);
            }
        }
        let mut child = command.spawn().unwrap();
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}

pub const CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
pub const API_AUDIENCE: &str = "api://pfrm-arm";

/// Completes a device code as `user` on the pages of the server whose CA is `ca`
/// (tests/oidc/device.sh), as a second device would.
pub fn complete_device_code(ca: &Path, verification_uri: &str, user_code: &str, user: &str) {
    let status = Command::new(oidc_dir().join("device.sh"))
        .arg(ca)
        .arg(verification_uri)
        .arg(user_code)
        .arg(user)
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn oidc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

pub fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether the peer can run here (installs its npm packages on first use, once per test binary).
pub fn available() -> bool {
    static READY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *READY.get_or_init(|| {
        pfrm_tests::node_peer::ready(
            &oidc_dir(),
            "node_modules/oidc-provider",
            "PFRM_REQUIRE_OIDC",
            "the oidc-provider tests",
        )
    })
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

/// A running server; killed on drop.
pub struct OidcServer {
    child: Child,
    pub issuer: String,
    pub ca: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OidcServer {
    /// Starts the server with extra environment (`OIDC_TAMPER`, `OIDC_REDIRECT_URIS`, ...).
    pub fn start(env: &[(&str, &str)]) -> OidcServer {
        let dir = tempfile::tempdir().unwrap();
        let (ca, cert, key) = make_certificates(dir.path());
        let mut command = Command::new("node");
        command
            .arg("server.mjs")
            .current_dir(oidc_dir())
            .env("OIDC_CERT", &cert)
            .env("OIDC_KEY", &key)
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_API_SCOPE", format!("{API_AUDIENCE}/.default"))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("node starts");
        // The first line says where it listens; the rest (oidc-provider's notices) is drained.
        let receiver = pfrm_tests::node_peer::lines(child.stdout.take().unwrap());
        // Generous: node and oidc-provider take seconds to start on a loaded 2-core machine, and
        // a whole test binary may start fifteen of them at once.
        let line = receiver
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("the server says where it listens");
        let ready: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("no ready line: {line:?}"));
        OidcServer {
            child,
            issuer: ready["issuer"].as_str().unwrap().to_owned(),
            ca,
            dir,
        }
    }

    /// The custom cloud description pointing pfrm at this server (its `/arm/` as ARM).
    pub fn cloud_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": "oidc-conformance",
            "authorityHost": self.issuer,
            "tenantId": "organizations",
            "armEndpoint": format!("{}/arm/", self.issuer),
            "armAudience": API_AUDIENCE,
            "caCertPath": self.ca,
            "clientId": CLIENT_ID,
        })
    }

    pub fn cloud(&self) -> CloudConfig {
        CloudConfig::from_custom_json(&self.cloud_json().to_string()).unwrap()
    }

    /// Writes the cloud description to a file (for `pfrm --cloud-config`).
    pub fn cloud_file(&self) -> PathBuf {
        let path = self.dir.path().join("cloud.json");
        std::fs::write(&path, self.cloud_json().to_string()).unwrap();
        path
    }

    /// Environment of the scripted system browser (tests/oidc/browser.sh as `$BROWSER`).
    pub fn browser_env(&self, user: &str) -> Vec<(String, String)> {
        vec![
            (
                "BROWSER".into(),
                oidc_dir().join("browser.sh").display().to_string(),
            ),
            ("OIDC_CA".into(), self.ca.display().to_string()),
            ("OIDC_USER".into(), user.into()),
            ("OIDC_LOG".into(), self.browser_log().display().to_string()),
        ]
    }

    pub fn browser_log(&self) -> PathBuf {
        self.dir.path().join("browser.log")
    }

    /// A browser that runs the scripted browser with this server's settings (per test, so
    /// tests running side by side do not share `$BROWSER`).
    pub fn browser(&self, user: &str) -> Arc<ScriptedBrowser> {
        Arc::new(ScriptedBrowser {
            env: self.browser_env(user),
        })
    }

    /// Completes a device code on the server's pages as `user` (tests/oidc/device.sh).
    pub fn approve_device_code(&self, verification_uri: &str, user_code: &str, user: &str) {
        complete_device_code(&self.ca, verification_uri, user_code, user);
    }

    /// Live grants and refresh tokens on the server.
    pub async fn state(&self) -> serde_json::Value {
        let http = reqwest::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(&std::fs::read(&self.ca).unwrap()).unwrap(),
            )
            .build()
            .unwrap();
        http.get(format!("{}/test/state", self.issuer))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}
