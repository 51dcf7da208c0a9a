//! Browser sign-in: authorization code with PKCE (S256), a fresh `state` and `nonce` per attempt,
//! and the loopback redirect listener. The authority's discovery document decides what is sent
//! (`prompt` only when listed) and checked (RFC 9207 `iss` on the redirect); the ID token is
//! validated before the tokens are handed back.

use std::fmt;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;

use super::discovery::Discovery;
use super::id_token::{self, Expected};
use super::loopback::LoopbackListener;
use super::oauth::{TokenEndpoint, TokenSet};
use super::pkce::{random_token, Pkce};
use crate::error::{Error, ErrorCode};

/// How long the user has to finish signing in in the browser.
pub const BROWSER_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Opens a URL in the user's browser.
pub trait BrowserLauncher: Send + Sync + fmt::Debug {
    fn open(&self, url: &Url) -> Result<(), Error>;
}

/// The system browser. On Linux through `xdg-open`, which honours `$BROWSER`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserLauncher for SystemBrowser {
    fn open(&self, url: &Url) -> Result<(), Error> {
        launch(url.as_str()).map_err(|cause| {
            Error::new(ErrorCode::Internal, "pfrm could not open your web browser.")
                .with_remedy("Use device code sign-in instead (`pfrm login --device-code`).")
                .with_detail("cause", cause)
        })
    }
}

#[cfg(target_os = "linux")]
fn launch(url: &str) -> Result<(), String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("xdg-open")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("xdg-open: {error}"))?;
    // Reap the launcher so it does not linger as a zombie; its exit status says nothing useful.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn launch(url: &str) -> Result<(), String> {
    open::that_detached(url).map_err(|error| error.to_string())
}

/// What to ask for in one browser sign-in.
#[derive(Debug, Clone)]
pub struct BrowserSignInRequest {
    pub tenant: String,
    /// Resource scopes; the OpenID Connect scopes are added.
    pub scopes: Vec<String>,
    pub login_hint: Option<String>,
    /// A claims challenge from a resource, passed through to the authority.
    pub claims: Option<String>,
    pub timeout: Duration,
    /// The loopback host of the redirect URI, as the client registration expects it
    /// (`localhost` for Entra public clients, `127.0.0.1` per RFC 8252 §7.3 elsewhere).
    pub redirect_host: String,
}

impl BrowserSignInRequest {
    pub fn new(tenant: impl Into<String>, scopes: Vec<String>) -> Self {
        BrowserSignInRequest {
            tenant: tenant.into(),
            scopes,
            login_hint: None,
            claims: None,
            timeout: BROWSER_SIGN_IN_TIMEOUT,
            redirect_host: "localhost".into(),
        }
    }
}

/// Runs one browser sign-in to the end: open the page, wait for the redirect, redeem the code,
/// validate the ID token.
pub async fn sign_in_with_browser(
    discovery: &Discovery,
    endpoint: &dyn TokenEndpoint,
    launcher: &dyn BrowserLauncher,
    request: &BrowserSignInRequest,
    cancel: &CancellationToken,
) -> Result<TokenSet, Error> {
    let authority = discovery.authority();
    let metadata = tokio::select! {
        _ = cancel.cancelled() => return Err(Error::cancelled()),
        metadata = discovery.metadata(&request.tenant) => metadata?,
    };
    let pkce = Pkce::generate();
    let state = random_token();
    let nonce = random_token();
    let listener = LoopbackListener::bind(&request.redirect_host).await?;
    let redirect_uri = listener.redirect_uri();
    let scopes = super::with_oidc_scopes(&request.scopes);

    let mut url = authority.authorize_url(&request.tenant);
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("client_id", &authority.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("response_mode", "query")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        // An authority that does not list a prompt value may refuse the whole request for it.
        if metadata.supports_prompt("select_account") {
            query.append_pair("prompt", "select_account");
        }
        if let Some(hint) = &request.login_hint {
            query.append_pair("login_hint", hint);
        }
        if let Some(claims) = &request.claims {
            query.append_pair("claims", claims);
        }
    }
    if !authority.is_own_authorize_url(&url, &request.tenant) {
        return Err(Error::new(
            ErrorCode::Config,
            "pfrm refused to open a sign-in page that is not the configured authority's https address.",
        )
        .with_remedy("Check the authority host in the cloud settings."));
    }
    tracing::info!(authority = %authority.host, tenant = %request.tenant, "opening the browser for sign-in");
    launcher.open(&url)?;

    let response = listener
        .wait_for_code(&state, request.timeout, cancel)
        .await?;
    // RFC 9207: where the authority names itself on the redirect, the name must be its own, or
    // the code came from another authority (a mix-up attack) and must not be redeemed here.
    if metadata.authorization_response_iss_parameter_supported || response.iss.is_some() {
        let matches = response
            .iss
            .as_deref()
            .is_some_and(|iss| metadata.is_issuer(iss));
        if !matches {
            return Err(Error::new(
                ErrorCode::SignInRejected,
                "pfrm refused the sign-in: the answer in the browser came from another authority than the one pfrm asked (issuer). Nothing was saved.",
            )
            .with_remedy("Sign in again. If this keeps happening, check the authority host in the cloud settings.")
            .with_detail("check", "redirect_issuer"));
        }
    }
    let mut tokens = tokio::select! {
        _ = cancel.cancelled() => return Err(Error::cancelled()),
        result = endpoint.redeem_code(&request.tenant, &response.code, &redirect_uri, &pkce.verifier, &scopes) => result.map_err(|e| e.into_error())?,
    };
    let raw = tokens
        .raw_id_token
        .clone()
        .ok_or_else(|| id_token::rejected("is missing from the sign-in answer", "missing"))?;
    let claims = id_token::validate(
        discovery,
        &raw,
        Expected {
            tenant: &request.tenant,
            client_id: &authority.client_id,
            nonce: Some(&nonce),
        },
    )
    .await?;
    tokens.id_token = Some(claims);
    Ok(tokens)
}
