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
//!
//! One module per concern: `limit` (how large one item may be, per platform), `keychain` (the
//! OS keychain), `memory` (the stand-in the tests use), `chunks` (how a value is laid out over
//! items and read back), `vault` (the [`TokenVault`] the sign-in code uses).

mod chunks;
mod keychain;
mod limit;
mod memory;
mod vault;

use std::fmt;

use crate::secret::Secret;

pub use keychain::KeychainStore;
pub use limit::EntryLimit;
pub use memory::MemoryStore;
pub use vault::TokenVault;

/// The keychain "service" under which pfrm keeps its entries.
pub const KEYCHAIN_SERVICE: &str = "pfrm";
/// Names another service instead of [`KEYCHAIN_SERVICE`]: tests set it so that they never read
/// or write the user's real items.
pub const KEYCHAIN_SERVICE_VARIABLE: &str = "PFRM_KEYCHAIN_SERVICE";

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
