//! Where refresh tokens live: the OS keychain, behind the small [`SecretStore`] trait.
//!
//! [`TokenVault`] adds what every platform needs on top of a raw store:
//! - **chunking**: Windows Credential Manager holds at most 2,560 bytes per credential and Entra
//!   refresh tokens can be larger, so a value above [`SecretStore::max_value_len`] is split into
//!   numbered entries under a fresh generation, then a small header naming that generation is
//!   written, then the old generation's chunks are deleted (a crash in between leaves either the
//!   old or the new value readable, never a mix). The same layout is used on every platform so the
//!   large-token path is exercised everywhere;
//! - **off-runtime calls**: keychain APIs block (D-Bus, XPC, Win32), so they run in `spawn_blocking`;
//! - **memory-only fallback**: with no keychain, or a locked or refusing one, values are kept in
//!   memory for this run only, [`TokenVault::is_memory_only`] turns true (the GUI shows a banner),
//!   and nothing secret is written to disk.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// The keychain "service" under which pfrm keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "pfrm";
/// Windows' limit is 2,560 bytes of UTF-16 (1,280 characters); stay well below it.
pub const CHUNK_LIMIT: usize = 1_024;
const HEADER_PREFIX: &str = "pfrm-chunked:v1:";

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreFailure {
    /// No keychain on this system (no Secret Service on the session bus, ...).
    Unavailable(String),
    /// The keychain exists but is locked.
    Locked,
    /// The keychain refused access to the entry.
    Denied(String),
    /// The value is too long for one entry.
    TooLong,
    Other(String),
}

impl fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreFailure::Unavailable(why) => write!(f, "no keychain is available ({why})"),
            StoreFailure::Locked => f.write_str("the keychain is locked"),
            StoreFailure::Denied(why) => write!(f, "the keychain refused access ({why})"),
            StoreFailure::TooLong => f.write_str("the value is too long for one keychain entry"),
            StoreFailure::Other(why) => write!(f, "keychain error ({why})"),
        }
    }
}

/// A raw key/value secret store. Calls may block.
pub trait SecretStore: Send + Sync + fmt::Debug {
    fn get(&self, key: &str) -> Result<Option<Secret>, StoreFailure>;
    fn set(&self, key: &str, value: &Secret) -> Result<(), StoreFailure>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, key: &str) -> Result<(), StoreFailure>;
    /// The longest value one entry accepts, in bytes.
    fn max_value_len(&self) -> usize {
        CHUNK_LIMIT
    }
}

/// An in-memory store for tests, with failure injection and an optional per-entry size limit.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
    failure: Mutex<Option<StoreFailure>>,
    value_limit: Option<usize>,
    writes: std::sync::atomic::AtomicUsize,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rejects any single value longer than `limit` bytes, as Windows does at 2,560.
    pub fn with_value_limit(limit: usize) -> Self {
        MemoryStore {
            value_limit: Some(limit),
            ..Self::default()
        }
    }

    /// Makes every call fail with `failure` (or succeed again with `None`).
    pub fn fail_with(&self, failure: Option<StoreFailure>) {
        *self.failure.lock().unwrap() = failure;
    }

    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.entries.lock().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    pub fn raw(&self, key: &str) -> Option<Secret> {
        self.entries.lock().unwrap().get(key).cloned()
    }

    pub fn write_count(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    fn check(&self) -> Result<(), StoreFailure> {
        match self.failure.lock().unwrap().clone() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, StoreFailure> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(key).cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), StoreFailure> {
        self.check()?;
        if self.value_limit.is_some_and(|limit| value.len() > limit) {
            return Err(StoreFailure::TooLong);
        }
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.entries
            .lock()
            .unwrap()
            .insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), StoreFailure> {
        self.check()?;
        self.entries.lock().unwrap().remove(key);
        Ok(())
    }

    fn max_value_len(&self) -> usize {
        self.value_limit.unwrap_or(CHUNK_LIMIT).min(CHUNK_LIMIT)
    }
}

/// The OS keychain through `keyring-core` and the platform's store crate.
pub struct KeychainStore {
    store: Arc<keyring_core::CredentialStore>,
    service: String,
}

impl fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeychainStore")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl KeychainStore {
    /// Opens the platform keychain. Blocking: call from `spawn_blocking` or before the runtime.
    pub fn open(service: &str) -> Result<Self, StoreFailure> {
        let store = platform_store()?;
        Ok(KeychainStore {
            store,
            service: service.to_owned(),
        })
    }

    fn entry(&self, key: &str) -> Result<keyring_core::Entry, StoreFailure> {
        keyring_core::Entry::new_in_store(&self.store, &self.service, key).map_err(classify)
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreFailure> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(classify)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreFailure> {
    let store = windows_native_keyring_store::Store::new().map_err(classify)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreFailure> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(classify)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreFailure> {
    Err(StoreFailure::Unavailable(
        "no keychain support on this platform".into(),
    ))
}

/// Maps keyring errors without their payloads (`BadEncoding` and friends carry secret bytes).
fn classify(error: keyring_core::Error) -> StoreFailure {
    use keyring_core::Error as E;
    match error {
        E::NoStorageAccess(cause) => {
            let text = cause.to_string();
            if text.to_ascii_lowercase().contains("lock") {
                StoreFailure::Locked
            } else {
                StoreFailure::Denied(text)
            }
        }
        E::PlatformFailure(cause) => StoreFailure::Unavailable(cause.to_string()),
        E::NoDefaultStore => StoreFailure::Unavailable("no default store".into()),
        E::TooLong(..) => StoreFailure::TooLong,
        E::BadEncoding(_) | E::BadDataFormat(..) => StoreFailure::Other("unreadable entry".into()),
        E::Ambiguous(_) => StoreFailure::Other("several entries match".into()),
        E::BadStoreFormat(why) => StoreFailure::Other(why),
        E::Invalid(what, why) => StoreFailure::Other(format!("{what}: {why}")),
        E::NotSupportedByStore(why) => StoreFailure::Unavailable(why),
        E::NoEntry => StoreFailure::Other("no entry".into()),
        _ => StoreFailure::Other("unknown keychain error".into()),
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, StoreFailure> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(classify(error)),
        }
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), StoreFailure> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(classify)
    }

    fn delete(&self, key: &str) -> Result<(), StoreFailure> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}

/// Chunked, off-runtime secret storage with a memory-only fallback. See the module docs.
#[derive(Debug, Clone)]
pub struct TokenVault {
    inner: Arc<VaultInner>,
}

#[derive(Debug)]
struct VaultInner {
    store: Option<Arc<dyn SecretStore>>,
    memory: Mutex<HashMap<String, Secret>>,
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

    /// Opens the OS keychain, or falls back to memory only when there is none.
    pub async fn open_system() -> Self {
        match tokio::task::spawn_blocking(|| KeychainStore::open(KEYCHAIN_SERVICE)).await {
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
        let key = key.to_owned();
        match run_blocking(move || write_chunked(store.as_ref(), &key, &value)).await {
            Ok(()) => Ok(()),
            Err(failure) => {
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
            Ok(Some(value)) => {
                self.inner
                    .memory
                    .lock()
                    .unwrap()
                    .insert(key.to_owned(), value.clone());
                Ok(Some(value))
            }
            Ok(None) => Ok(None),
            Err(failure) => {
                self.fall_back(failure);
                Ok(None)
            }
        }
    }

    /// Removes `key` from memory and the keychain (all chunks).
    pub async fn remove(&self, key: &str) -> Result<(), Error> {
        self.inner.memory.lock().unwrap().remove(key);
        let Some(store) = self.inner.store.clone() else {
            return Ok(());
        };
        let key = key.to_owned();
        run_blocking(move || delete_chunked(store.as_ref(), &key))
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

fn chunk_key(key: &str, generation: &str, index: usize) -> String {
    format!("{key}#{generation}.{index}")
}

fn parse_header(value: &str) -> Option<(String, usize)> {
    let rest = value.strip_prefix(HEADER_PREFIX)?;
    let (generation, count) = rest.split_once(':')?;
    Some((generation.to_owned(), count.parse().ok()?))
}

/// Splits at char boundaries into pieces of at most `limit` bytes.
fn split(value: &str, limit: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let mut end = limit.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

pub(crate) fn write_chunked(
    store: &dyn SecretStore,
    key: &str,
    value: &Secret,
) -> Result<(), StoreFailure> {
    let previous = store.get(key)?;
    let limit = store.max_value_len().max(64);
    if value.len() <= limit && !value.expose().starts_with(HEADER_PREFIX) {
        store.set(key, value)?;
    } else {
        let generation = super::pkce::random_token()[..8].to_owned();
        let pieces = split(value.expose(), limit);
        for (index, piece) in pieces.iter().enumerate() {
            store.set(&chunk_key(key, &generation, index), &Secret::new(*piece))?;
        }
        store.set(
            key,
            &Secret::new(format!("{HEADER_PREFIX}{generation}:{}", pieces.len())),
        )?;
    }
    if let Some((generation, count)) = previous.as_ref().and_then(|p| parse_header(p.expose())) {
        for index in 0..count {
            store.delete(&chunk_key(key, &generation, index))?;
        }
    }
    Ok(())
}

pub(crate) fn read_chunked(
    store: &dyn SecretStore,
    key: &str,
) -> Result<Option<Secret>, StoreFailure> {
    let Some(head) = store.get(key)? else {
        return Ok(None);
    };
    let Some((generation, count)) = parse_header(head.expose()) else {
        return Ok(Some(head));
    };
    let mut value = String::new();
    for index in 0..count {
        match store.get(&chunk_key(key, &generation, index))? {
            Some(piece) => value.push_str(piece.expose()),
            // A torn entry is as good as none: the user signs in again.
            None => return Ok(None),
        }
    }
    Ok(Some(Secret::new(value)))
}

pub(crate) fn delete_chunked(store: &dyn SecretStore, key: &str) -> Result<(), StoreFailure> {
    if let Some(head) = store.get(key)? {
        if let Some((generation, count)) = parse_header(head.expose()) {
            for index in 0..count {
                store.delete(&chunk_key(key, &generation, index))?;
            }
        }
    }
    store.delete(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_token(len: usize) -> Secret {
        Secret::new("0.AXYZ-é".repeat(len / 9 + 1))
    }

    #[tokio::test]
    async fn large_tokens_are_chunked_under_the_windows_limit_and_read_back() {
        let store = Arc::new(MemoryStore::with_value_limit(2_560));
        let vault = TokenVault::new(store.clone());
        let token = big_token(9_000);
        vault.put("acct-1", token.clone()).await.unwrap();
        assert!(!vault.is_memory_only());
        assert!(store.keys().len() > 2, "{:?}", store.keys());
        for key in store.keys() {
            assert!(store.raw(&key).unwrap().len() <= CHUNK_LIMIT);
        }
        // A fresh vault (a new app run) reads it from the store alone.
        let fresh = TokenVault::new(store.clone());
        assert_eq!(fresh.get("acct-1").await.unwrap().unwrap(), token);

        // Rotation replaces the generation and leaves no stale chunks behind.
        let rotated = big_token(5_000);
        fresh.put("acct-1", rotated.clone()).await.unwrap();
        let again = TokenVault::new(store.clone());
        assert_eq!(again.get("acct-1").await.unwrap().unwrap(), rotated);
        let chunk_count = store.keys().len() - 1;
        assert_eq!(chunk_count, split(rotated.expose(), CHUNK_LIMIT).len());

        again.remove("acct-1").await.unwrap();
        assert!(store.keys().is_empty());
    }

    #[tokio::test]
    async fn small_values_use_one_entry() {
        let store = Arc::new(MemoryStore::new());
        let vault = TokenVault::new(store.clone());
        vault.put("k", Secret::new("short")).await.unwrap();
        assert_eq!(store.keys(), vec!["k".to_owned()]);
    }

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
    fn a_torn_chunked_entry_reads_as_missing() {
        let store = MemoryStore::new();
        write_chunked(&store, "k", &big_token(3_000)).unwrap();
        let first_chunk = store.keys().into_iter().find(|k| k.contains('#')).unwrap();
        store.delete(&first_chunk).unwrap();
        assert!(read_chunked(&store, "k").unwrap().is_none());
    }

    #[test]
    fn split_respects_char_boundaries() {
        let text = "é".repeat(10);
        let pieces = split(&text, 5);
        assert!(pieces.iter().all(|p| p.len() <= 5));
        assert_eq!(pieces.concat(), text);
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
