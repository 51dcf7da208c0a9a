//! Where refresh tokens live: the OS keychain, behind the small [`SecretStore`] trait.
//!
//! [`TokenVault`] adds what every platform needs on top of a raw store:
//! - **one item per account** wherever the keychain allows it. The macOS file keychain trusts an
//!   item only for the program that wrote it, so the app, `pfrm` and every rebuilt binary get a
//!   "wants to use your confidential information" prompt per item they touch: splitting a token
//!   over several items multiplied those prompts. macOS and the Secret Service take a token of any
//!   size in one item, and the vault reads it once and writes it once per refresh.
//!   (The prompt-free data-protection keychain needs a provisioning profile that pfrm's builds do
//!   not have, so on macOS the user sees one prompt per program and account after an update:
//!   "Always Allow" ends it. The README says so.)
//! - **chunking only where the platform needs it**: Windows Credential Manager holds at most
//!   2,560 bytes per credential, counted as UTF-16 ([`EntryLimit::WINDOWS`]), and Entra refresh
//!   tokens can be larger. A value that does not fit is split into pieces under a fresh
//!   generation: the pieces after the first are written first, then the account's own item with a
//!   short header and the first piece, then the old generation's pieces are deleted (a crash in
//!   between leaves either the old or the new value readable, never a mix). Items written by
//!   earlier versions (a header-only item and 1 KB pieces) are still read, and replaced on the
//!   next write;
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
/// Names another service instead of [`KEYCHAIN_SERVICE`]: tests set it so that they never read
/// or write the user's real items.
pub const KEYCHAIN_SERVICE_VARIABLE: &str = "PFRM_KEYCHAIN_SERVICE";
/// The head of an account's item when its value is split (this version's layout).
const HEADER_PREFIX: &str = "pfrm-chunked:v2:";
/// The header-only head that versions before it wrote, with every piece in its own item.
const LEGACY_HEADER_PREFIX: &str = "pfrm-chunked:v1:";
/// Any value starting like this is stored split, so that it cannot be mistaken for a header.
const RESERVED_PREFIX: &str = "pfrm-chunked:";

/// How large one keychain item may be, as the platform counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryLimit {
    /// No limit a token reaches (macOS Keychain, Secret Service): one item per account.
    Unlimited,
    /// At most this many bytes once the value is encoded as UTF-16, as Windows stores passwords.
    Utf16Bytes(usize),
}

impl EntryLimit {
    /// Windows Credential Manager: `CRED_MAX_CREDENTIAL_BLOB_SIZE`, 2,560 bytes of UTF-16.
    pub const WINDOWS: EntryLimit = EntryLimit::Utf16Bytes(2_560);

    /// The rule of the system named like `std::env::consts::OS`.
    pub fn for_os(os: &str) -> EntryLimit {
        match os {
            "windows" => EntryLimit::WINDOWS,
            _ => EntryLimit::Unlimited,
        }
    }

    /// The rule of the system this is running on.
    pub fn of_this_system() -> EntryLimit {
        EntryLimit::for_os(std::env::consts::OS)
    }

    /// The size of `value` as this limit counts it.
    pub fn size_of(self, value: &str) -> usize {
        match self {
            EntryLimit::Unlimited => value.len(),
            EntryLimit::Utf16Bytes(_) => utf16_bytes(value),
        }
    }

    pub fn fits(self, value: &str) -> bool {
        match self {
            EntryLimit::Unlimited => true,
            EntryLimit::Utf16Bytes(limit) => utf16_bytes(value) <= limit,
        }
    }
}

fn utf16_bytes(value: &str) -> usize {
    value.chars().map(char::len_utf16).sum::<usize>() * 2
}

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
    /// How large one entry may be: the rule of the system this runs on unless the store says
    /// otherwise.
    fn entry_limit(&self) -> EntryLimit {
        EntryLimit::of_this_system()
    }
}

/// An in-memory store for tests: failure injection, a platform's size rule, and counts of the
/// calls made (each is a keychain round trip, and on macOS a possible prompt).
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
    failure: Mutex<Option<StoreFailure>>,
    limit: Option<EntryLimit>,
    writes: std::sync::atomic::AtomicUsize,
    reads: std::sync::atomic::AtomicUsize,
}

impl MemoryStore {
    /// A store with the rule of the system the tests run on.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store with another system's rule; it rejects a value over the limit, as that system does.
    pub fn with_entry_limit(limit: EntryLimit) -> Self {
        MemoryStore {
            limit: Some(limit),
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

    pub fn read_count(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
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
        self.reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.entries.lock().unwrap().get(key).cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), StoreFailure> {
        self.check()?;
        if !self.entry_limit().fits(value.expose()) {
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

    fn entry_limit(&self) -> EntryLimit {
        self.limit.unwrap_or_else(EntryLimit::of_this_system)
    }
}

/// The OS keychain through `keyring-core` and the platform's store crate.
pub struct KeychainStore {
    store: Arc<keyring_core::CredentialStore>,
    service: String,
    limit: EntryLimit,
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
            limit: EntryLimit::of_this_system(),
        })
    }

    /// Splits values as if the keychain had `limit` (tests run Windows' rule on a real keychain).
    pub fn with_entry_limit(mut self, limit: EntryLimit) -> Self {
        self.limit = limit;
        self
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

    fn entry_limit(&self) -> EntryLimit {
        self.limit
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

fn chunk_key(key: &str, generation: &str, index: usize) -> String {
    format!("{key}#{generation}.{index}")
}

/// How one entry is laid out in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Nothing stored.
    Absent,
    /// The whole value in the account's own item.
    Single,
    /// The account's item holds a header (and, in this version's layout, the first piece);
    /// the other pieces are `chunk_key(key, generation, index)`.
    Split {
        generation: String,
        count: usize,
        legacy: bool,
    },
}

impl Layout {
    /// The items besides the account's own that this layout occupies.
    fn piece_keys(&self, key: &str) -> Vec<String> {
        match self {
            Layout::Absent | Layout::Single => Vec::new(),
            Layout::Split {
                generation,
                count,
                legacy,
            } => {
                let first = if *legacy { 0 } else { 1 };
                (first..*count)
                    .map(|index| chunk_key(key, generation, index))
                    .collect()
            }
        }
    }
}

/// Reads the head item: its layout and, for this version's split layout, the first piece.
fn parse_head(value: &str) -> (Layout, Option<&str>) {
    if let Some(rest) = value.strip_prefix(HEADER_PREFIX) {
        let mut fields = rest.splitn(3, ':');
        if let (Some(generation), Some(count), Some(first)) =
            (fields.next(), fields.next(), fields.next())
        {
            if let Ok(count) = count.parse::<usize>() {
                let layout = Layout::Split {
                    generation: generation.to_owned(),
                    count,
                    legacy: false,
                };
                return (layout, Some(first));
            }
        }
    } else if let Some(rest) = value.strip_prefix(LEGACY_HEADER_PREFIX) {
        if let Some((generation, count)) = rest.split_once(':') {
            if let Ok(count) = count.parse::<usize>() {
                let layout = Layout::Split {
                    generation: generation.to_owned(),
                    count,
                    legacy: true,
                };
                return (layout, None);
            }
        }
    }
    (Layout::Single, None)
}

/// Splits at char boundaries into pieces whose size (as `limit` counts it) is at most `first`
/// for the first piece and `rest` for the others.
fn split(value: &str, limit: EntryLimit, first: usize, rest: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut remaining = value;
    while !remaining.is_empty() {
        let budget = if pieces.is_empty() { first } else { rest };
        let mut size = 0;
        let mut end = 0;
        for (index, character) in remaining.char_indices() {
            let mut buffer = [0u8; 4];
            let grown = size + limit.size_of(character.encode_utf8(&mut buffer));
            if grown > budget {
                break;
            }
            size = grown;
            end = index + character.len_utf8();
        }
        if end == 0 {
            // Not even one character fits (a limit far below any real keychain's).
            end = remaining.chars().next().map_or(0, char::len_utf8);
        }
        let (piece, tail) = remaining.split_at(end);
        pieces.push(piece);
        remaining = tail;
    }
    pieces
}

/// Lays `value` out for a store with `limit`: the head item's text and the other pieces.
fn encode(value: &str, limit: EntryLimit) -> (String, Vec<(usize, String)>, Layout) {
    let EntryLimit::Utf16Bytes(max) = limit else {
        if value.starts_with(RESERVED_PREFIX) {
            let generation = new_generation();
            let head = format!("{HEADER_PREFIX}{generation}:1:{value}");
            let layout = Layout::Split {
                generation,
                count: 1,
                legacy: false,
            };
            return (head, Vec::new(), layout);
        }
        return (value.to_owned(), Vec::new(), Layout::Single);
    };
    if limit.fits(value) && !value.starts_with(RESERVED_PREFIX) {
        return (value.to_owned(), Vec::new(), Layout::Single);
    }
    let generation = new_generation();
    // The header's count has as many digits as the pieces need; try widths until it fits.
    let mut digits = 1;
    loop {
        let header_size = limit.size_of(&format!(
            "{HEADER_PREFIX}{generation}:{}:",
            "9".repeat(digits)
        ));
        let pieces = split(value, limit, max.saturating_sub(header_size), max);
        if pieces.len().to_string().len() <= digits {
            let head = format!("{HEADER_PREFIX}{generation}:{}:{}", pieces.len(), pieces[0]);
            let rest = pieces
                .iter()
                .enumerate()
                .skip(1)
                .map(|(index, piece)| (index, (*piece).to_owned()))
                .collect();
            let layout = Layout::Split {
                generation,
                count: pieces.len(),
                legacy: false,
            };
            return (head, rest, layout);
        }
        digits += 1;
    }
}

fn new_generation() -> String {
    super::pkce::random_token()[..8].to_owned()
}

/// Writes `value` under `key`. `known` is the entry's current layout when this run already knows
/// it; otherwise the head item is read to find pieces that the new value replaces.
pub(crate) fn write_chunked(
    store: &dyn SecretStore,
    key: &str,
    value: &Secret,
    known: Option<Layout>,
) -> Result<Layout, StoreFailure> {
    let previous = match known {
        Some(layout) => layout,
        None => match store.get(key)? {
            Some(head) => parse_head(head.expose()).0,
            None => Layout::Absent,
        },
    };
    let (head, pieces, layout) = encode(value.expose(), store.entry_limit());
    if let Layout::Split { generation, .. } = &layout {
        for (index, piece) in pieces {
            store.set(&chunk_key(key, generation, index), &Secret::new(piece))?;
        }
    }
    store.set(key, &Secret::new(head))?;
    for stale in previous.piece_keys(key) {
        if !layout.piece_keys(key).contains(&stale) {
            store.delete(&stale)?;
        }
    }
    Ok(layout)
}

/// Reads `key`: the value (`None` when absent or torn) and the layout found.
pub(crate) fn read_chunked(
    store: &dyn SecretStore,
    key: &str,
) -> Result<(Option<Secret>, Layout), StoreFailure> {
    let Some(head) = store.get(key)? else {
        return Ok((None, Layout::Absent));
    };
    let (layout, first) = parse_head(head.expose());
    if layout == Layout::Single {
        return Ok((Some(head), layout));
    }
    let mut value = first.unwrap_or_default().to_owned();
    for piece_key in layout.piece_keys(key) {
        match store.get(&piece_key)? {
            Some(piece) => value.push_str(piece.expose()),
            // A torn entry is as good as none: the user signs in again.
            None => return Ok((None, layout)),
        }
    }
    Ok((Some(Secret::new(value)), layout))
}

pub(crate) fn delete_chunked(
    store: &dyn SecretStore,
    key: &str,
    known: Option<Layout>,
) -> Result<(), StoreFailure> {
    let layout = match known {
        Some(layout) => layout,
        None => match store.get(key)? {
            Some(head) => parse_head(head.expose()).0,
            None => Layout::Absent,
        },
    };
    for piece_key in layout.piece_keys(key) {
        store.delete(&piece_key)?;
    }
    store.delete(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refresh token of about `len` bytes.
    fn ascii_token(len: usize) -> Secret {
        Secret::new("0.AXYZ-rt_".repeat(len / 10 + 1)[..len].to_owned())
    }

    /// Text outside the Basic Multilingual Plane: 4 bytes in UTF-8, 2 UTF-16 units each.
    fn astral_text(len: usize) -> Secret {
        Secret::new("\u{1D538}\u{1F511}".repeat(len / 8 + 1))
    }

    #[tokio::test]
    async fn on_macos_and_linux_a_4_kb_token_is_one_item_one_write_and_one_read() {
        for os in ["macos", "linux"] {
            let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::for_os(os)));
            let token = ascii_token(4_096);
            // Sign-in: the first write of an account this run knows nothing about.
            let vault = TokenVault::new(store.clone());
            vault.put("acct-1", token.clone()).await.unwrap();
            assert_eq!(store.keys(), vec!["acct-1".to_owned()], "{os}");
            assert_eq!(store.write_count(), 1, "{os}");

            // The next run: read it once, then store the rotated token with one write.
            let (reads, writes) = (store.read_count(), store.write_count());
            let next_run = TokenVault::new(store.clone());
            assert_eq!(next_run.get("acct-1").await.unwrap().unwrap(), token);
            let rotated = ascii_token(4_200);
            next_run.put("acct-1", rotated.clone()).await.unwrap();
            assert_eq!(store.read_count() - reads, 1, "{os}: one read");
            assert_eq!(store.write_count() - writes, 1, "{os}: one write");
            assert_eq!(store.keys(), vec!["acct-1".to_owned()], "{os}");
            assert_eq!(store.raw("acct-1").unwrap(), rotated, "stored as it is");
        }
    }

    #[tokio::test]
    async fn on_windows_a_4_kb_token_is_split_within_the_utf16_limit() {
        for token in [ascii_token(4_096), astral_text(4_096)] {
            // This store refuses any item over 2,560 bytes of UTF-16, as Credential Manager does.
            let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::WINDOWS));
            let vault = TokenVault::new(store.clone());
            vault.put("acct-1", token.clone()).await.unwrap();
            assert!(!vault.is_memory_only(), "{:?}", vault.keychain_problem());
            let keys = store.keys();
            assert!(keys.len() > 1, "{keys:?}");
            let sizes: Vec<usize> = keys
                .iter()
                .map(|key| utf16_bytes(store.raw(key).unwrap().expose()))
                .collect();
            assert!(sizes.iter().all(|&size| size <= 2_560), "{sizes:?}");
            // Compact: no more items than the UTF-16 size needs, plus at most one for the header.
            let needed = utf16_bytes(token.expose()).div_ceil(2_560);
            assert!(
                keys.len() <= needed + 1,
                "{} items for {needed}",
                keys.len()
            );

            let next_run = TokenVault::new(store.clone());
            assert_eq!(next_run.get("acct-1").await.unwrap().unwrap(), token);
        }
    }

    #[test]
    fn the_windows_limit_counts_utf16_not_utf8() {
        // 1,280 ASCII characters are 2,560 bytes of UTF-16: exactly the limit.
        assert!(EntryLimit::WINDOWS.fits(&"a".repeat(1_280)));
        assert!(!EntryLimit::WINDOWS.fits(&"a".repeat(1_281)));
        // 640 characters outside the BMP: 2,560 UTF-8 bytes and 2,560 UTF-16 bytes.
        assert!(EntryLimit::WINDOWS.fits(&"\u{1F511}".repeat(640)));
        assert!(!EntryLimit::WINDOWS.fits(&"\u{1F511}".repeat(641)));
        // A split never cuts a character, whatever its width.
        let text = astral_text(100);
        let pieces = split(text.expose(), EntryLimit::WINDOWS, 6, 10);
        assert!(pieces.iter().all(|p| utf16_bytes(p) <= 10));
        assert!(utf16_bytes(pieces[0]) <= 6);
        assert_eq!(pieces.concat(), text.expose());
    }

    #[tokio::test]
    async fn items_written_by_earlier_versions_are_read_and_replaced() {
        // The layout versions before this one wrote: a header item and 1 KB pieces.
        let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::for_os("macos")));
        let token = ascii_token(3_000);
        let pieces: Vec<&str> = token
            .expose()
            .as_bytes()
            .chunks(1_024)
            .map(|piece| std::str::from_utf8(piece).unwrap())
            .collect();
        for (index, piece) in pieces.iter().enumerate() {
            store
                .set(&format!("acct#oldgen01.{index}"), &Secret::new(*piece))
                .unwrap();
        }
        store
            .set(
                "acct",
                &Secret::new(format!("pfrm-chunked:v1:oldgen01:{}", pieces.len())),
            )
            .unwrap();

        let vault = TokenVault::new(store.clone());
        assert_eq!(vault.get("acct").await.unwrap().unwrap(), token);
        vault.put("acct", ascii_token(3_100)).await.unwrap();
        assert_eq!(store.keys(), vec!["acct".to_owned()], "old pieces removed");
        let next_run = TokenVault::new(store.clone());
        assert_eq!(
            next_run.get("acct").await.unwrap().unwrap(),
            ascii_token(3_100)
        );
    }

    #[tokio::test]
    async fn rotation_and_removal_leave_no_stale_pieces_on_windows() {
        let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::WINDOWS));
        let vault = TokenVault::new(store.clone());
        vault.put("acct-1", ascii_token(9_000)).await.unwrap();
        let rotated = ascii_token(5_000);
        vault.put("acct-1", rotated.clone()).await.unwrap();
        let pieces = store.keys().len();
        assert_eq!(
            TokenVault::new(store.clone()).get("acct-1").await.unwrap(),
            Some(rotated)
        );
        // Back to a small token: one item again.
        vault.put("acct-1", Secret::new("short")).await.unwrap();
        assert!(pieces > 1);
        assert_eq!(store.keys(), vec!["acct-1".to_owned()]);
        vault.put("acct-1", ascii_token(5_000)).await.unwrap();
        TokenVault::new(store.clone())
            .remove("acct-1")
            .await
            .unwrap();
        assert!(store.keys().is_empty(), "{:?}", store.keys());
    }

    #[tokio::test]
    async fn a_value_that_looks_like_a_header_reads_back_as_itself() {
        for limit in [EntryLimit::Unlimited, EntryLimit::WINDOWS] {
            let store = Arc::new(MemoryStore::with_entry_limit(limit));
            let tricky = Secret::new("pfrm-chunked:v1:abc:3");
            TokenVault::new(store.clone())
                .put("k", tricky.clone())
                .await
                .unwrap();
            let read = TokenVault::new(store.clone()).get("k").await.unwrap();
            assert_eq!(read, Some(tricky), "{limit:?}");
        }
    }

    #[tokio::test]
    async fn small_values_use_one_entry() {
        let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::WINDOWS));
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
        let store = MemoryStore::with_entry_limit(EntryLimit::WINDOWS);
        write_chunked(&store, "k", &ascii_token(6_000), None).unwrap();
        let piece = store.keys().into_iter().find(|k| k.contains('#')).unwrap();
        store.delete(&piece).unwrap();
        assert!(read_chunked(&store, "k").unwrap().0.is_none());
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
