//! The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) through
//! `keyring-core`. The platform's store is chosen at compile time, with one fallback for other
//! systems that says there is no keychain, so the vault keeps tokens in memory there.

use std::fmt;
use std::sync::Arc;

use super::{EntryLimit, SecretStore, StoreFailure};
use crate::secret::Secret;

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
