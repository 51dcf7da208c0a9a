//! [`UserCredential`]: a signed-in user as an `azure_core` [`TokenCredential`].
//!
//! Access tokens live only in memory, per (tenant, scopes). The refresh token lives in the
//! [`TokenVault`] (OS keychain, or memory when there is none). Refresh is single-flight: one
//! async mutex serialises refreshes and every waiter re-checks the cache after taking it, so N
//! concurrent callers with an expired token cause exactly one token request.
//!
//! Other processes (the app, other `pfrm` commands) share the refresh token, and the authority
//! rotates it on every use. So a refresh also holds the [`RefreshLock`] file lock, reads the
//! keychain again under it (another process may have rotated the token), and persists the
//! rotated token before letting go. On `invalid_grant` the keychain is read once more: a token
//! another process stored meanwhile is used; the entry is removed only while it still holds the
//! token that failed. Only then does the credential move into [`SessionState::SignInRequired`]:
//! later calls fail fast with `ErrorCode::SignInRequired` instead of hammering the endpoint.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::oauth::{sign_in_required, TokenEndpoint, TokenError, TokenSet};
use super::refresh_lock::RefreshLock;
use super::store::TokenVault;
use crate::error::{Error, ErrorCode};
use crate::http::TokenRefreshHint;
use crate::secret::Secret;

/// Tokens this close to expiry are refreshed before use.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Whether a credential can still produce tokens without the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    /// The refresh token expired or was revoked: the user must sign in again.
    SignInRequired,
}

/// Who signs in again, for what, and the claims challenge the service asked to satisfy.
#[derive(Debug, Clone, Copy)]
pub struct ReauthRequest<'a> {
    pub tenant: &'a str,
    pub scopes: &'a [String],
    /// The signed-in user's name, so the page offers the same account.
    pub login_hint: Option<&'a str>,
    pub claims: &'a str,
}

/// Runs an interactive sign-in again for the same user, carrying a claims challenge.
#[async_trait]
pub trait InteractiveReauth: Send + Sync + fmt::Debug {
    async fn reauthenticate(
        &self,
        request: ReauthRequest<'_>,
        cancel: &CancellationToken,
    ) -> Result<TokenSet, Error>;
}

#[derive(Clone)]
struct CachedAccessToken {
    token: Secret,
    expires_on: OffsetDateTime,
    obtained_at: OffsetDateTime,
}

impl CachedAccessToken {
    /// Fresh until [`EXPIRY_MARGIN`] before expiry, or half its lifetime for short-lived tokens
    /// (otherwise a token shorter than the margin would be refreshed on every call).
    fn is_fresh(&self) -> bool {
        let lifetime: time::Duration = self.expires_on - self.obtained_at;
        let margin =
            (lifetime / 2_i32).min(time::Duration::seconds(EXPIRY_MARGIN.as_secs() as i64));
        self.expires_on - margin > OffsetDateTime::now_utc()
    }
}

/// A signed-in user. Cheap to clone; clones share caches and state.
#[derive(Clone)]
pub struct UserCredential {
    inner: Arc<Inner>,
}

struct Inner {
    /// Key of the refresh token in the vault.
    vault_key: String,
    username: Option<String>,
    tenant: RwLock<String>,
    endpoint: Arc<dyn TokenEndpoint>,
    vault: TokenVault,
    file_lock: RwLock<RefreshLock>,
    access_tokens: Mutex<HashMap<String, CachedAccessToken>>,
    refresh_lock: tokio::sync::Mutex<()>,
    state: Mutex<SessionState>,
    reauth: Option<Arc<dyn InteractiveReauth>>,
    /// Claims challenges already answered interactively: a second identical one is an error,
    /// not another browser window.
    answered_claims: Mutex<Vec<String>>,
    refreshes: AtomicUsize,
    /// Set once by [`UserCredential::forget`] (sign-out): from then on nothing this credential
    /// obtains is written to the keychain, even by a refresh that was already under way.
    forgotten: AtomicBool,
}

impl fmt::Debug for UserCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCredential")
            .field("account", &self.inner.vault_key)
            .field("tenant", &self.tenant())
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

impl UserCredential {
    /// A credential for an account whose refresh token is (or will be) in `vault` under `vault_key`.
    pub fn new(
        vault_key: impl Into<String>,
        username: Option<String>,
        tenant: impl Into<String>,
        endpoint: Arc<dyn TokenEndpoint>,
        vault: TokenVault,
        reauth: Option<Arc<dyn InteractiveReauth>>,
    ) -> Self {
        UserCredential {
            inner: Arc::new(Inner {
                vault_key: vault_key.into(),
                username,
                tenant: RwLock::new(tenant.into()),
                endpoint,
                vault,
                file_lock: RwLock::new(RefreshLock::none()),
                access_tokens: Mutex::new(HashMap::new()),
                refresh_lock: tokio::sync::Mutex::new(()),
                state: Mutex::new(SessionState::Active),
                reauth,
                answered_claims: Mutex::new(Vec::new()),
                refreshes: AtomicUsize::new(0),
                forgotten: AtomicBool::new(false),
            }),
        }
    }

    /// Refreshes under `lock`, shared with every other process using the same keychain entry.
    pub fn with_refresh_lock(self, lock: RefreshLock) -> Self {
        *self.inner.file_lock.write().unwrap() = lock;
        self
    }

    /// Takes in the tokens of a finished interactive sign-in: persist the refresh token, cache
    /// the access token for `scopes`.
    pub async fn accept_sign_in(&self, tokens: TokenSet, scopes: &[String]) -> Result<(), Error> {
        if let Some(refresh_token) = tokens.refresh_token.clone() {
            // Under the lock, like a refresh: a sign-out waiting for it removes this token after.
            let lock = self.inner.file_lock.read().unwrap().clone();
            let _file_lock = lock.acquire().await?;
            if self.is_forgotten() {
                return Err(signed_out());
            }
            self.inner
                .vault
                .put(&self.inner.vault_key, refresh_token)
                .await?;
        }
        self.cache(scopes, &tokens);
        *self.inner.state.lock().unwrap() = SessionState::Active;
        Ok(())
    }

    pub fn state(&self) -> SessionState {
        *self.inner.state.lock().unwrap()
    }

    pub fn tenant(&self) -> String {
        self.inner.tenant.read().unwrap().clone()
    }

    /// Switches the tenant tokens are requested for. Cached access tokens of other tenants stay
    /// valid for their own tenant (the cache is keyed by tenant).
    pub fn set_tenant(&self, tenant: &str) {
        *self.inner.tenant.write().unwrap() = tenant.to_owned();
    }

    /// How many refresh requests this credential has sent (diagnostics and tests).
    pub fn refresh_count(&self) -> usize {
        self.inner.refreshes.load(Ordering::SeqCst)
    }

    /// Signs out: forgets every access token and removes the refresh token (memory and keychain).
    ///
    /// A refresh may be under way at that moment, here or in another process (the app beside a
    /// `pfrm logout`), and it writes the rotated token back when it ends. So the removal waits
    /// for the refresh lock: a refresh that holds it finishes its write first and the removal
    /// comes after; a refresh of this credential that has not written yet sees the sign-out and
    /// writes nothing; a refresh in any process after it finds no token. No token is left behind.
    pub async fn forget(&self) -> Result<(), Error> {
        self.inner.forgotten.store(true, Ordering::SeqCst);
        self.inner.access_tokens.lock().unwrap().clear();
        *self.inner.state.lock().unwrap() = SessionState::SignInRequired;
        let lock = self.inner.file_lock.read().unwrap().clone();
        let _file_lock = lock.acquire().await?;
        self.inner.vault.remove(&self.inner.vault_key).await
    }

    fn is_forgotten(&self) -> bool {
        self.inner.forgotten.load(Ordering::SeqCst)
    }

    fn cache_key(tenant: &str, scopes: &[String]) -> String {
        let mut sorted: Vec<&str> = scopes.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        format!("{tenant}|{}", sorted.join(" "))
    }

    fn cached(&self, key: &str) -> Option<CachedAccessToken> {
        self.inner
            .access_tokens
            .lock()
            .unwrap()
            .get(key)
            .filter(|token| token.is_fresh())
            .cloned()
    }

    fn cache(&self, scopes: &[String], tokens: &TokenSet) {
        let key = Self::cache_key(&self.tenant(), scopes);
        self.inner.access_tokens.lock().unwrap().insert(
            key,
            CachedAccessToken {
                token: tokens.access_token.clone(),
                expires_on: tokens.expires_on,
                obtained_at: OffsetDateTime::now_utc(),
            },
        );
    }

    /// An access token for `scopes` in the current tenant, refreshing at most once per expiry
    /// however many callers ask at the same time.
    pub async fn access_token(
        &self,
        scopes: &[String],
        force_refresh: bool,
    ) -> Result<(Secret, OffsetDateTime), Error> {
        let tenant = self.tenant();
        let key = Self::cache_key(&tenant, scopes);
        if !force_refresh {
            if let Some(token) = self.cached(&key) {
                return Ok((token.token, token.expires_on));
            }
        }
        if self.state() == SessionState::SignInRequired {
            return Err(sign_in_required(
                "You are signed out or your sign-in has expired.",
            ));
        }
        let stale = self
            .inner
            .access_tokens
            .lock()
            .unwrap()
            .get(&key)
            .map(|t| t.token.clone());
        let _guard = self.inner.refresh_lock.lock().await;
        // Someone else may have refreshed while we waited.
        if let Some(token) = self.cached(&key) {
            if !force_refresh || stale.as_ref() != Some(&token.token) {
                return Ok((token.token, token.expires_on));
            }
        }
        if self.state() == SessionState::SignInRequired {
            return Err(sign_in_required(
                "You are signed out or your sign-in has expired.",
            ));
        }
        let lock = self.inner.file_lock.read().unwrap().clone();
        let _file_lock = lock.acquire().await?;
        // Under the lock, the keychain holds the newest refresh token: another process may have
        // rotated it since this one last looked.
        let mut refresh_token = self.stored_refresh_token().await?;
        let scopes_with_offline = super::with_oidc_scopes(scopes);
        let mut retried = false;
        loop {
            self.inner.refreshes.fetch_add(1, Ordering::SeqCst);
            match self
                .inner
                .endpoint
                .refresh(&tenant, &refresh_token, &scopes_with_offline)
                .await
            {
                Ok(tokens) => {
                    // Signed out while the request was out: the user asked for no token to stay.
                    if self.is_forgotten() {
                        return Err(signed_out());
                    }
                    if let Some(rotated) = tokens.refresh_token.clone() {
                        // Persisted before the lock is released: the next process must find
                        // this one, not the token just spent.
                        self.inner.vault.put(&self.inner.vault_key, rotated).await?;
                    }
                    self.cache(scopes, &tokens);
                    return Ok((tokens.access_token, tokens.expires_on));
                }
                Err(error) if error.needs_interaction() => {
                    let now_stored = self.inner.vault.get_stored(&self.inner.vault_key).await?;
                    match now_stored {
                        // Someone stored a newer token meanwhile (a process that does not take
                        // the lock, or a sign-in): use it, once.
                        Some(newer) if newer != refresh_token && !retried => {
                            retried = true;
                            refresh_token = newer;
                            continue;
                        }
                        // Still the token that failed: it is dead, drop it (keep the account).
                        Some(current) if current == refresh_token => {
                            let _ = self.inner.vault.remove(&self.inner.vault_key).await;
                        }
                        // Gone, or a newer token that failed to be used: leave the keychain as is.
                        _ => {}
                    }
                    return Err(self.sign_in_lost(error));
                }
                Err(error) => return Err(error.into_error()),
            }
        }
    }

    async fn stored_refresh_token(&self) -> Result<Secret, Error> {
        match self.inner.vault.get_stored(&self.inner.vault_key).await? {
            Some(token) => Ok(token),
            None => {
                *self.inner.state.lock().unwrap() = SessionState::SignInRequired;
                Err(sign_in_required(
                    "pfrm has no saved sign-in for this account.",
                ))
            }
        }
    }

    fn sign_in_lost(&self, error: TokenError) -> Error {
        tracing::info!(account = %self.inner.vault_key, "refresh refused; the user must sign in again");
        *self.inner.state.lock().unwrap() = SessionState::SignInRequired;
        self.inner.access_tokens.lock().unwrap().clear();
        error.into_error()
    }

    /// Answers a claims challenge (conditional access, MFA step-up) with one interactive sign-in
    /// carrying the claims. A challenge already answered once is not answered again.
    pub async fn answer_claims_challenge(
        &self,
        scopes: &[String],
        claims: &str,
        cancel: &CancellationToken,
    ) -> Result<(Secret, OffsetDateTime), Error> {
        let Some(reauth) = self.inner.reauth.clone() else {
            return Err(sign_in_required(
                "The service asks for additional sign-in conditions that this sign-in method cannot satisfy.",
            ));
        };
        let _guard = self.inner.refresh_lock.lock().await;
        {
            let mut answered = self.inner.answered_claims.lock().unwrap();
            if answered.iter().any(|c| c == claims) {
                return Err(Error::new(
                    ErrorCode::PermissionDenied,
                    "The service still refuses the token after you signed in again with its extra conditions.",
                )
                .with_remedy("Ask your administrator which conditional access policy applies, then sign in again."));
            }
            answered.push(claims.to_owned());
        }
        let tenant = self.tenant();
        let tokens = reauth
            .reauthenticate(
                ReauthRequest {
                    tenant: &tenant,
                    scopes,
                    login_hint: self.inner.username.as_deref(),
                    claims,
                },
                cancel,
            )
            .await?;
        self.accept_sign_in(tokens.clone(), scopes).await?;
        Ok((tokens.access_token, tokens.expires_on))
    }
}

#[async_trait]
impl TokenCredential for UserCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let hint = options
            .as_ref()
            .and_then(|o| o.method_options.context.value::<TokenRefreshHint>())
            .cloned();
        let result = match hint {
            Some(TokenRefreshHint {
                claims: Some(claims),
                ..
            }) => {
                self.answer_claims_challenge(&scopes, &claims, &CancellationToken::new())
                    .await
            }
            Some(hint) => self.access_token(&scopes, hint.force_refresh).await,
            None => self.access_token(&scopes, false).await,
        };
        let (token, expires_on) = result.map_err(super::to_azure_error)?;
        Ok(AccessToken::new(token, expires_on))
    }
}

fn signed_out() -> Error {
    sign_in_required("You signed out of this account.")
}

#[cfg(test)]
mod tests;
