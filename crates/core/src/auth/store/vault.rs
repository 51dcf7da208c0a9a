//! [`TokenVault`]: the store the sign-in code uses. Keychain calls run off the async runtime,
//! values are laid out by [`super::chunks`], and a keychain that is missing, locked or refusing
//! turns the vault memory-only for the rest of the run instead of failing the sign-in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::chunks::{delete_chunked, read_chunked, write_chunked, Layout};
use super::{
    EntryLimit, KeychainStore, SecretStore, StoreFailure, KEYCHAIN_SERVICE,
    KEYCHAIN_SERVICE_VARIABLE,
};
use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// Chunked, off-runtime secret storage with a memory-only fallback. See the module docs.
#[derive(Debug, Clone)]
pub struct TokenVault {
    inner: Arc<VaultInner>,
}

#[derive(Debug)]
struct VaultInner {
    store: Option<Arc<dyn SecretStore>>,
    memory: Mutex<HashMap<String, Secret>>,
    /// How each entry this run read or wrote is laid out in the store, so that rewriting it needs
    /// no read first (on macOS, each access can be a prompt).
    layouts: Mutex<HashMap<String, Layout>>,
    memory_only: AtomicBool,
    last_failure: Mutex<Option<StoreFailure>>,
}

impl TokenVault {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self::build(Some(store))
    }

    /// A vault that never touches a keychain (no keychain found at start).
    pub fn memory_only(reason: StoreFailure) -> Self {
        let vault = Self::build(None);
        vault.fall_back(reason);
        vault
    }

    /// Opens the OS keychain, or falls back to memory only when there is none. The service is
    /// [`KEYCHAIN_SERVICE`] unless [`KEYCHAIN_SERVICE_VARIABLE`] names another.
    pub async fn open_system() -> Self {
        let service = std::env::var(KEYCHAIN_SERVICE_VARIABLE)
            .ok()
            .filter(|service| !service.is_empty())
            .unwrap_or_else(|| KEYCHAIN_SERVICE.to_owned());
        match tokio::task::spawn_blocking(move || KeychainStore::open(&service)).await {
            Ok(Ok(store)) => Self::new(Arc::new(store)),
            Ok(Err(failure)) => Self::memory_only(failure),
            Err(_) => Self::memory_only(StoreFailure::Other("keychain start-up panicked".into())),
        }
    }

    fn build(store: Option<Arc<dyn SecretStore>>) -> Self {
        TokenVault {
            inner: Arc::new(VaultInner {
                store,
                memory: Mutex::new(HashMap::new()),
                layouts: Mutex::new(HashMap::new()),
                memory_only: AtomicBool::new(false),
                last_failure: Mutex::new(None),
            }),
        }
    }

    /// True when secrets are kept for this run only (show the "not remembered" banner).
    pub fn is_memory_only(&self) -> bool {
        self.inner.memory_only.load(Ordering::SeqCst)
    }

    /// Why the keychain is not used, for the banner.
    pub fn keychain_problem(&self) -> Option<String> {
        self.inner
            .last_failure
            .lock()
            .unwrap()
            .as_ref()
            .map(|f| f.to_string())
    }

    fn fall_back(&self, failure: StoreFailure) {
        tracing::info!(%failure, "keychain unusable; sign-in is kept in memory for this session only");
        self.inner.memory_only.store(true, Ordering::SeqCst);
        *self.inner.last_failure.lock().unwrap() = Some(failure);
    }

    /// Stores `value` under `key`, in the keychain when possible, else in memory.
    pub async fn put(&self, key: &str, value: Secret) -> Result<(), Error> {
        self.inner
            .memory
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.clone());
        let Some(store) = self.usable_store() else {
            return Ok(());
        };
        let known = self.known_layout(key, store.as_ref());
        let owned = key.to_owned();
        match run_blocking(move || write_chunked(store.as_ref(), &owned, &value, known)).await {
            Ok(layout) => {
                self.remember_layout(key, layout);
                Ok(())
            }
            Err(failure) => {
                self.forget_layout(key);
                self.fall_back(failure);
                Ok(())
            }
        }
    }

    /// Reads `key`: memory first (this run's value is the newest), then the keychain.
    pub async fn get(&self, key: &str) -> Result<Option<Secret>, Error> {
        if let Some(value) = self.inner.memory.lock().unwrap().get(key).cloned() {
            return Ok(Some(value));
        }
        let Some(store) = self.usable_store() else {
            return Ok(None);
        };
        let owned = key.to_owned();
        match run_blocking(move || read_chunked(store.as_ref(), &owned)).await {
            Ok((Some(value), layout)) => {
                self.remember_layout(key, layout);
                self.inner
                    .memory
                    .lock()
                    .unwrap()
                    .insert(key.to_owned(), value.clone());
                Ok(Some(value))
            }
            Ok((None, layout)) => {
                self.remember_layout(key, layout);
                Ok(None)
            }
            Err(failure) => {
                self.fall_back(failure);
                Ok(None)
            }
        }
    }

    /// Reads `key` from the keychain itself, not this process's copy: another process (the app,
    /// another command) may have replaced or removed it. A memory-only vault answers from memory.
    pub async fn get_stored(&self, key: &str) -> Result<Option<Secret>, Error> {
        let Some(store) = self.usable_store() else {
            return Ok(self.inner.memory.lock().unwrap().get(key).cloned());
        };
        let owned = key.to_owned();
        match run_blocking(move || read_chunked(store.as_ref(), &owned)).await {
            Ok((value, layout)) => {
                self.remember_layout(key, layout);
                let mut memory = self.inner.memory.lock().unwrap();
                match &value {
                    Some(value) => memory.insert(key.to_owned(), value.clone()),
                    None => memory.remove(key),
                };
                Ok(value)
            }
            Err(failure) => {
                self.fall_back(failure);
                Ok(self.inner.memory.lock().unwrap().get(key).cloned())
            }
        }
    }

    /// Removes `key` from memory and the keychain (all chunks).
    pub async fn remove(&self, key: &str) -> Result<(), Error> {
        self.inner.memory.lock().unwrap().remove(key);
        let Some(store) = self.inner.store.clone() else {
            return Ok(());
        };
        let known = self.known_layout(key, store.as_ref());
        self.forget_layout(key);
        let key = key.to_owned();
        run_blocking(move || delete_chunked(store.as_ref(), &key, known))
            .await
            .map_err(|failure| {
                Error::new(
                    ErrorCode::Keychain,
                    "pfrm could not remove the sign-in from the OS keychain.",
                )
                .with_remedy("Unlock the keychain and sign out again, or remove the 'pfrm' entries with your keychain tool.")
                .with_detail("cause", failure.to_string())
            })
    }

    /// The layout this run saw for `key`, trusted only where the store never splits values: there
    /// another program (the app beside the CLI) can only have written one item, and skipping the
    /// read spares a macOS prompt. Where values are split, the store is read first so that no
    /// other program's pieces are left behind.
    fn known_layout(&self, key: &str, store: &dyn SecretStore) -> Option<Layout> {
        if store.entry_limit() != EntryLimit::Unlimited {
            return None;
        }
        self.inner.layouts.lock().unwrap().get(key).cloned()
    }

    fn remember_layout(&self, key: &str, layout: Layout) {
        self.inner
            .layouts
            .lock()
            .unwrap()
            .insert(key.to_owned(), layout);
    }

    fn forget_layout(&self, key: &str) {
        self.inner.layouts.lock().unwrap().remove(key);
    }

    fn usable_store(&self) -> Option<Arc<dyn SecretStore>> {
        if self.is_memory_only() {
            None
        } else {
            self.inner.store.clone()
        }
    }
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreFailure> + Send + 'static,
) -> Result<T, StoreFailure> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(StoreFailure::Other("keychain call panicked".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::store::MemoryStore;

    #[tokio::test]
    async fn locked_missing_or_denied_keychain_keeps_the_session_in_memory_only() {
        for failure in [
            StoreFailure::Locked,
            StoreFailure::Unavailable("no bus".into()),
            StoreFailure::Denied("policy".into()),
        ] {
            let store = Arc::new(MemoryStore::new());
            store.fail_with(Some(failure.clone()));
            let vault = TokenVault::new(store.clone());
            vault.put("k", Secret::new("canary-rt")).await.unwrap();
            assert!(vault.is_memory_only(), "{failure:?}");
            assert!(vault.keychain_problem().is_some());
            assert_eq!(vault.get("k").await.unwrap().unwrap().expose(), "canary-rt");
            store.fail_with(None);
            assert!(
                store.keys().is_empty(),
                "nothing may reach the store after {failure:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_store_that_fails_on_read_is_treated_as_empty() {
        let store = Arc::new(MemoryStore::new());
        store.set("k", &Secret::new("v")).unwrap();
        store.fail_with(Some(StoreFailure::Locked));
        let vault = TokenVault::new(store);
        assert!(vault.get("k").await.unwrap().is_none());
        assert!(vault.is_memory_only());
    }

    #[test]
    fn debug_of_stores_and_vault_shows_no_secret() {
        let store = Arc::new(MemoryStore::new());
        store.set("k", &Secret::new("canary-xyz")).unwrap();
        let vault = TokenVault::new(store.clone());
        let text = format!("{store:?} {vault:?}");
        assert!(!text.contains("canary-xyz"), "{text}");
    }
}
