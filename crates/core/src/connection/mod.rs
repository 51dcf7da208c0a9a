//! Connecting to Azure, built once for the desktop app and the CLI: the [`Session`] (settings
//! file, operations journal, accounts, the choice between an account and the sandbox), the
//! active account's credential, the [`Services`] every operation acts through, and the
//! resumption of what an earlier run left in flight, signing in, out and switching (`accounts`),
//! and what the app remembers between runs (`preferences`). The hosts keep only their glue:
//! where files live, how a warning is shown, and how the sandbox's local Azure starts.

mod accounts;
mod preferences;
mod sandbox;
mod session;

pub use accounts::SignIn;
pub use sandbox::{sandbox_pacing, MintedCredential, OpenedSandbox, SandboxOpener};
pub use session::{Session, SessionKind, SessionOptions, StartChoice};

use std::path::PathBuf;

use crate::auth::AccountManager;
use crate::error::Error;
use crate::ops::runtimes::WatchSettings;
use crate::ops::{Journal, JournalScope, Operations};
use crate::services::Services;

/// The operation list of this process, journaled in `journal_path` (the file the app and every
/// command share) when there is one. The error says why the journal could not be read (it was
/// moved aside): the host shows it.
pub fn open_operations(journal_path: Option<PathBuf>) -> (Operations, Option<Error>) {
    match journal_path {
        Some(path) => {
            let opened = Journal::open(path);
            (Operations::new(Some(opened.journal)), opened.warning)
        }
        None => (Operations::default(), None),
    }
}

/// Services for the manager's active account, its operations journaled under that account (so
/// another account's entries are never resumed or ended by it). Fails with `sign_in_required`
/// when no one is signed in.
pub fn connect_active_account(
    manager: &AccountManager,
    operations: &Operations,
) -> Result<Services, Error> {
    let credential = manager.active_credential()?;
    let operations = match manager.active_account_id() {
        Some(account) => {
            operations.for_account(JournalScope::new(manager.cloud().name.clone(), account))
        }
        None => operations.clone(),
    };
    Services::new(manager.cloud().clone(), credential, operations)
}

/// Resumes, in the background, the journal entries of this connection's account that no
/// operation of this process is watching (left by a closed app or a killed command).
pub fn resume_pending_in_background(services: &Services, watch: WatchSettings) {
    let pending = services.operations.pending().unwrap_or_else(|error| {
        tracing::warn!(code = %error.code, "the journal could not be read");
        Vec::new()
    });
    if pending.is_empty() {
        return;
    }
    let services = services.clone();
    tokio::spawn(async move {
        for resumed in crate::ops::resume::resume_operations(&services, pending, watch).await {
            if let Some(error) = resumed.error {
                tracing::warn!(code = %error.code, "a resumed operation ended with an error");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::browser::SystemBrowser;
    use crate::auth::store::{MemoryStore, TokenVault};
    use crate::cloud::CloudConfig;
    use crate::error::ErrorCode;
    use std::sync::Arc;

    #[test]
    fn an_unreadable_journal_is_moved_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("operations.json");
        std::fs::write(&path, "{ not json").unwrap();
        let (operations, warning) = open_operations(Some(path));
        assert!(
            warning.is_some(),
            "the host is told the journal was unreadable"
        );
        assert!(operations.journal().is_some(), "a fresh journal is used");
        let (operations, warning) = open_operations(None);
        assert!(warning.is_none());
        assert!(operations.journal().is_none());
    }

    #[test]
    fn connecting_with_no_one_signed_in_asks_to_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let manager = AccountManager::new(
            CloudConfig::builtin("public").unwrap(),
            dir.path().join("settings.json"),
            TokenVault::new(Arc::new(MemoryStore::new())),
            Arc::new(SystemBrowser),
        )
        .unwrap();
        let error = connect_active_account(&manager, &Operations::default()).unwrap_err();
        assert_eq!(error.code, ErrorCode::SignInRequired);
    }
}
