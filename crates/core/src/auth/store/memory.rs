//! A [`SecretStore`] in memory, for tests: it fails on request, applies another platform's size
//! rule and counts its calls, so tests measure keychain round trips (on macOS, prompts).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{EntryLimit, SecretStore, StoreFailure};
use crate::secret::Secret;

/// An in-memory store for tests: failure injection, a platform's size rule, and counts of the
/// calls made (each is a keychain round trip, and on macOS a possible prompt).
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
    failure: Mutex<Option<StoreFailure>>,
    limit: Option<EntryLimit>,
    writes: AtomicUsize,
    reads: AtomicUsize,
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
