//! Shared set-up for the sign-in tests: the emulator, a custom cloud pointing at it, an HTTP
//! client that completes the emulator's sign-in page like a user would, and a scripted `$BROWSER`.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pfrm_core::auth::browser::BrowserLauncher;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::Error;
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};

pub const ALICE: &str = "alice@contoso.com";

pub struct Env {
    pub emulator: Emulator,
    pub cloud: CloudConfig,
    pub dir: tempfile::TempDir,
}

impl Env {
    pub async fn start() -> Env {
        Self::start_with(EmulatorOptions::default()).await
    }

    pub async fn start_with(options: EmulatorOptions) -> Env {
        Self::start_scenario("first-time", options).await
    }

    pub async fn start_scenario(scenario: &str, mut options: EmulatorOptions) -> Env {
        options.scenario = Scenario::by_name(scenario).unwrap();
        if options.device_code_interval.is_none() {
            options.device_code_interval = Some(1);
        }
        let emulator = Emulator::start(options).await.expect("emulator starts");
        let ready = serde_json::to_string(emulator.ready_info()).unwrap();
        let cloud =
            CloudConfig::from_custom_json(&ready).expect("the ready file is a cloud config");
        Env {
            emulator,
            cloud,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn tenant(&self) -> String {
        self.emulator.ready_info().tenant_id.clone()
    }

    pub fn settings_path(&self) -> PathBuf {
        self.dir.path().join("config").join("settings.json")
    }

    pub fn ca_pem(&self) -> String {
        self.emulator.ready_info().ca_cert_pem.clone()
    }

    pub fn ca_path(&self) -> String {
        self.emulator.ready_info().ca_cert_path.clone()
    }

    /// Token requests the authority has seen so far.
    pub fn token_requests(&self) -> u64 {
        self.emulator
            .faults()
            .request_count("POST", "/*/oauth2/v2.0/token")
    }
}

/// What the scripted user does on the sign-in page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UserAction {
    SignIn,
    /// Does nothing (the user walked away).
    Ignore,
    /// Delivers the code with a forged `state`.
    ForgeState,
}

/// A browser driven by an HTTP client: GET authorize, POST the form, follow the redirect to the
/// loopback listener. Records every URL it was asked to open and every redirect it delivered.
#[derive(Debug)]
pub struct ScriptedBrowser {
    pub action: UserAction,
    pub user: Mutex<String>,
    ca_pem: String,
    pub opened: Arc<Mutex<Vec<url::Url>>>,
    pub redirects: Arc<Mutex<Vec<url::Url>>>,
}

impl ScriptedBrowser {
    pub fn new(env: &Env, action: UserAction) -> Arc<Self> {
        Arc::new(ScriptedBrowser {
            action,
            user: Mutex::new(ALICE.to_owned()),
            ca_pem: env.ca_pem(),
            opened: Arc::default(),
            redirects: Arc::default(),
        })
    }
}

impl ScriptedBrowser {
    /// The user the next sign-in page is completed for.
    pub fn sign_in_as(&self, user: &str) {
        *self.user.lock().unwrap() = user.to_owned();
    }
}

pub fn client(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_merge(reqwest::Certificate::from_pem_bundle(ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn hidden_input(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next()?.replace("&amp;", "&"))
}

fn form_action(html: &str) -> Option<String> {
    let start = html.find("action=\"")? + "action=\"".len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// Completes the emulator's sign-in page for `user` and returns the loopback redirect URL.
pub async fn complete_sign_in_page(
    http: &reqwest::Client,
    authorize: &url::Url,
    user: &str,
) -> url::Url {
    let html = http
        .get(authorize.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ctx = hidden_input(&html, "ctx").unwrap_or_else(|| panic!("no sign-in form: {html}"));
    let action = authorize.join(&form_action(&html).unwrap()).unwrap();
    let response = http
        .post(action)
        .form(&[
            ("ctx", ctx.as_str()),
            ("username", user),
            ("action", "signin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        302,
        "sign-in page did not redirect"
    );
    url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

impl BrowserLauncher for ScriptedBrowser {
    fn open(&self, url: &url::Url) -> Result<(), Error> {
        self.opened.lock().unwrap().push(url.clone());
        if self.action == UserAction::Ignore {
            return Ok(());
        }
        let url = url.clone();
        let action = self.action;
        let user = self.user.lock().unwrap().clone();
        let http = client(&self.ca_pem);
        let redirects = self.redirects.clone();
        tokio::spawn(async move {
            let mut redirect = complete_sign_in_page(&http, &url, &user).await;
            if action == UserAction::ForgeState {
                let pairs: Vec<(String, String)> = redirect
                    .query_pairs()
                    .map(|(k, v)| {
                        let value = if k == "state" {
                            "forged".to_owned()
                        } else {
                            v.into_owned()
                        };
                        (k.into_owned(), value)
                    })
                    .collect();
                redirect.query_pairs_mut().clear().extend_pairs(pairs);
            }
            redirects.lock().unwrap().push(redirect.clone());
            let _ = reqwest::get(redirect).await;
        });
        Ok(())
    }
}

pub async fn eventually<F: Fn() -> bool>(what: &str, check: F) {
    for _ in 0..100 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}
