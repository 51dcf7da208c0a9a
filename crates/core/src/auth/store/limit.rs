//! How large one keychain item may be: the one platform rule ([`EntryLimit::WINDOWS`]) that
//! decides whether a token is split.

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

pub(super) fn utf16_bytes(value: &str) -> usize {
    value.chars().map(char::len_utf16).sum::<usize>() * 2
}
