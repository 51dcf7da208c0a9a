//! Sign-in through an existing `az login`: `azure_identity::AzureCliCredential` plus the
//! in-memory token cache it lacks. pfrm never reads the Azure CLI's own token files; it only
//! runs `az account get-access-token` through the SDK credential.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_identity::{AzureCliCredential, AzureCliCredentialOptions};
use time::OffsetDateTime;

use super::session::EXPIRY_MARGIN;
use crate::error::{Error, ErrorCode};
use crate::http::TokenRefreshHint;

/// `AzureCliCredential` with a per-scope cache and single-flight fetching.
pub struct CachedAzureCliCredential {
    inner: Arc<dyn TokenCredential>,
    tenant: Option<String>,
    cache: tokio::sync::Mutex<HashMap<String, AccessToken>>,
}

impl fmt::Debug for CachedAzureCliCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedAzureCliCredential")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl CachedAzureCliCredential {
    pub fn new(tenant: Option<String>) -> Result<Self, Error> {
        let options = AzureCliCredentialOptions {
            tenant_id: tenant.clone(),
            ..Default::default()
        };
        let inner = AzureCliCredential::new(Some(options)).map_err(|error| {
            Error::new(
                ErrorCode::InvalidInput,
                "The Azure CLI sign-in could not be set up.",
            )
            .with_remedy("Check the tenant id.")
            .with_detail("cause", error.to_string())
        })?;
        Ok(Self::wrap(inner, tenant))
    }

    /// Wraps any credential (tests wrap a counting one).
    pub fn wrap(inner: Arc<dyn TokenCredential>, tenant: Option<String>) -> Self {
        CachedAzureCliCredential {
            inner,
            tenant,
            cache: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }
}

/// Turns the SDK's error into ours: the usual cause is "not logged in" or "az not installed".
fn cli_error(error: azure_core::Error) -> azure_core::Error {
    let text = error.to_string();
    let ours = if text.contains("az login") || text.to_ascii_lowercase().contains("not logged") {
        Error::new(ErrorCode::SignInRequired, "The Azure CLI is not signed in.")
            .with_remedy("Run `az login` in a terminal, then try again.")
    } else if text.contains("not found")
        || text.contains("No such file")
        || text.contains("not installed")
    {
        Error::new(
            ErrorCode::SignInRequired,
            "The Azure CLI (`az`) was not found.",
        )
        .with_remedy("Install the Azure CLI and run `az login`, or choose another sign-in method.")
    } else {
        Error::new(
            ErrorCode::SignInRequired,
            "The Azure CLI could not provide a token.",
        )
        .with_remedy("Run `az login` again, or choose another sign-in method.")
    };
    super::to_azure_error(ours.with_detail("cause", crate::http::redact_secrets(&text)))
}

#[async_trait]
impl TokenCredential for CachedAzureCliCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let force = options
            .as_ref()
            .and_then(|o| o.method_options.context.value::<TokenRefreshHint>())
            .is_some_and(|hint| hint.force_refresh);
        let key = scopes.join(" ");
        // Holding the lock across the fetch makes concurrent callers share one `az` run.
        let mut cache = self.cache.lock().await;
        if !force {
            if let Some(token) = cache.get(&key) {
                if token.expires_on - EXPIRY_MARGIN > OffsetDateTime::now_utc() {
                    return Ok(token.clone());
                }
            }
        }
        let token = self
            .inner
            .get_token(scopes, None)
            .await
            .map_err(cli_error)?;
        cache.insert(key, token.clone());
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[derive(Debug, Default)]
    struct CountingCredential {
        calls: AtomicUsize,
    }

    #[async_trait]
    impl TokenCredential for CountingCredential {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            Ok(AccessToken::new(
                format!("cli-{n}"),
                OffsetDateTime::now_utc() + time::Duration::hours(1),
            ))
        }
    }

    #[tokio::test]
    async fn tokens_are_cached_and_concurrent_callers_share_one_cli_run() {
        let counting = Arc::new(CountingCredential::default());
        let credential = Arc::new(CachedAzureCliCredential::wrap(counting.clone(), None));
        let mut callers = Vec::new();
        for _ in 0..10 {
            let credential = credential.clone();
            callers.push(tokio::spawn(async move {
                credential.get_token(&["arm/.default"], None).await.unwrap()
            }));
        }
        for caller in callers {
            assert_eq!(caller.await.unwrap().token.secret(), "cli-0");
        }
        assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
        credential
            .get_token(&["graph/.default"], None)
            .await
            .unwrap();
        assert_eq!(counting.calls.load(Ordering::SeqCst), 2);
        assert!(!format!("{credential:?}").contains("cli-0"));
    }
}
