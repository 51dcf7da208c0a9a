//! Shared helpers: start an emulator and talk to it over real HTTPS, trusting only its CA.
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};
use reqwest::{Client, Response};
use serde_json::Value;

pub const SUB: &str = "3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01";
pub const ALICE: &str = "alice@contoso.com";
pub const ALICE_OID: &str = "a11ce000-0000-4000-8000-000000000001";
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";
pub const CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

pub struct Env {
    pub emu: Emulator,
    pub http: Client,
}

pub async fn start(scenario: &str, time_scale: f64) -> Env {
    start_with(EmulatorOptions {
        scenario: Scenario::by_name(scenario).expect("scenario"),
        time_scale,
        ..Default::default()
    })
    .await
}

pub async fn start_with(options: EmulatorOptions) -> Env {
    let emu = Emulator::start(options).await.expect("emulator starts");
    let http = client_for(&emu, true);
    Env { emu, http }
}

/// A client that trusts only the emulator's CA; no redirects followed.
pub fn client_for(emu: &Emulator, cookies: bool) -> Client {
    let ca = reqwest::Certificate::from_pem(emu.ready_info().ca_cert_pem.as_bytes()).expect("CA");
    Client::builder()
        .tls_certs_only([ca])
        .cookie_store(cookies)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl Env {
    pub fn info(&self) -> &pfrm_emulator::ReadyInfo {
        self.emu.ready_info()
    }
    pub fn token(&self, user: &str) -> String {
        self.emu.issue_access_token(user, ARM_SCOPE).expect("token")
    }
    pub fn arm(&self, path: &str) -> String {
        format!("{}{path}", self.info().arm_endpoint)
    }
    /// An ARM URL under the workspace `ws`: `rest` is what follows its id (path and query).
    pub fn ws_arm(&self, rg: &str, ws: &str, rest: &str) -> String {
        self.arm(&format!("{}{rest}", self.ws_path(rg, ws)))
    }
    pub fn ws_path(&self, rg: &str, ws: &str) -> String {
        format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}")
    }
    pub fn flow(&self, rg: &str, ws: &str, rest: &str) -> String {
        format!(
            "{}/flow/api{}/FlowRuntimes{rest}",
            self.info().flow_endpoint,
            self.ws_path(rg, ws)
        )
    }
    pub async fn get(&self, url: &str, token: &str) -> Response {
        self.http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }
    pub async fn get_json(&self, url: &str, token: &str) -> (u16, Value) {
        let r = self.get(url, token).await;
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
    /// `POST url` with the empty object, as ARM's actions (start, stop, restart) are called.
    pub async fn post_action(
        &self,
        url: &str,
        token: &str,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        self.send_json(reqwest::Method::POST, url, token, &serde_json::json!({}))
            .await
    }
    pub async fn delete(&self, url: &str, token: &str) -> Response {
        self.http
            .delete(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }
    /// `GET` on the control API (no token), as JSON.
    pub async fn control_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.info().control_endpoint))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON")
    }
    /// `method` on the control API (no token) with a JSON body.
    pub async fn control_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Response {
        self.http
            .request(method, format!("{}{path}", self.info().control_endpoint))
            .json(body)
            .send()
            .await
            .expect("request")
    }
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        url: &str,
        token: &str,
        body: &Value,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let r = self
            .http
            .request(method, url)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            headers,
        )
    }
}

/// ARM's (or the flow service's) error code in an error body.
pub fn error_code(body: &Value) -> Option<&str> {
    body["error"]["code"].as_str()
}

/// The ARM URL of the action `action` (`start`, `stop`, `restart`) on a compute `ci` URL.
pub fn action_url(ci: &str, action: &str) -> String {
    format!("{ci}/{action}?api-version=2024-04-01")
}

/// Polls `check` every `every` until it answers, failing once `limit` has passed.
pub async fn wait_for<T>(
    limit: std::time::Duration,
    every: std::time::Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let started = std::time::Instant::now();
    loop {
        if let Some(done) = check().await {
            return done;
        }
        assert!(started.elapsed() < limit, "still waiting after {limit:?}");
        tokio::time::sleep(every).await;
    }
}

/// `POST /organizations/oauth2/v2.0/token` with `form`: the status and the JSON answer.
pub async fn token_form(env: &Env, form: &[(&str, &str)]) -> (u16, Value) {
    let r = env
        .http
        .post(format!(
            "{}/organizations/oauth2/v2.0/token",
            env.info().authority_host
        ))
        .form(form)
        .send()
        .await
        .expect("token");
    (r.status().as_u16(), r.json().await.expect("JSON answer"))
}

/// The sign-in page's form post: `action` is `signin` or `cancel`.
pub async fn post_login(env: &Env, ctx: &str, user: &str, action: &str) -> Response {
    env.http
        .post(format!("{}/organizations/login", env.info().authority_host))
        .form(&[("ctx", ctx), ("username", user), ("action", action)])
        .send()
        .await
        .expect("login")
}

pub fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode((0..32).map(|i| (i * 7 + 3) as u8).collect::<Vec<u8>>());
    let challenge = URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ));
    (verifier, challenge)
}

pub fn claims(token: &str) -> Value {
    pfrm_emulator::jwt::peek_claims(token).expect("JWT claims")
}

/// Pulls `name="ctx" value="..."` (or any hidden input) out of the sign-in page.
pub fn hidden_input(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden input") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

pub fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `GET /{tenant}/oauth2/v2.0/authorize` with `query`.
pub async fn authorize_with(env: &Env, tenant: &str, query: &[(&str, &str)]) -> Response {
    env.http
        .get(format!(
            "{}/{tenant}/oauth2/v2.0/authorize",
            env.info().authority_host
        ))
        .query(query)
        .send()
        .await
        .expect("authorize")
}

/// An authorization code request by the CLI's client to `redirect` for `scope`, with `extra`
/// query parameters (state, PKCE) as the test needs them.
pub async fn authorize_code(
    env: &Env,
    tenant: &str,
    redirect: &str,
    scope: &str,
    extra: &[(&str, &str)],
) -> Response {
    let mut query = vec![
        ("client_id", CLIENT_ID),
        ("response_type", "code"),
        ("redirect_uri", redirect),
        ("scope", scope),
    ];
    query.extend_from_slice(extra);
    authorize_with(env, tenant, &query).await
}

/// The sign-in page for an authorization code request with PKCE (S256) by the CLI's client.
pub async fn authorize(
    env: &Env,
    redirect: &str,
    scope: &str,
    state: &str,
    challenge: &str,
) -> Response {
    authorize_code(
        env,
        "organizations",
        redirect,
        scope,
        &[
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await
}

/// Full browser-less sign-in: authorize page, form post, redirect, code redemption.
pub async fn sign_in(env: &Env, user: &str, scope: &str) -> Value {
    let (verifier, challenge) = pkce();
    let redirect = "http://localhost:53117/";
    let page = authorize(env, redirect, scope, "st-123", &challenge).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    let ctx = hidden_input(&html, "ctx");
    let posted = post_login(env, &ctx, user, "signin").await;
    assert_eq!(posted.status(), 302);
    let location = posted.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert_eq!(query_param(&location, "state").as_deref(), Some("st-123"));
    let code = query_param(&location, "code").expect("code in redirect");
    let (status, token) = token_form(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier.as_str()),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(status, 200);
    token
}
