//! Builds the one [`Services`] a command acts through: the active account's credential in the
//! chosen cloud. Commands that talk to Azure call [`connect`] once and share the result.
//!
//! Operations are journaled in the file the app uses too, under the active account, so a
//! command that is killed mid-way leaves an entry that `pfrm operations resume` (or the app)
//! picks up, and a rerun of the same create sees that it is already under way.

use pfrm_core::auth::AccountManager;
use pfrm_core::ops::{default_journal_path, Journal, JournalScope, Operations};
use pfrm_core::services::Services;
use pfrm_core::Error;

/// The journal-backed operation list of this process (none without a data folder).
pub fn operations() -> Operations {
    let Some(path) = default_journal_path() else {
        return Operations::default();
    };
    let opened = Journal::open(path);
    if let Some(warning) = &opened.warning {
        eprintln!("warning: {}", warning.message);
        if let Some(remedy) = &warning.remedy {
            eprintln!("  {remedy}");
        }
    }
    Operations::new(Some(opened.journal))
}

/// Services for the active account. Fails with `sign_in_required` when no one is signed in.
pub fn connect(manager: &AccountManager) -> Result<Services, Error> {
    let credential = manager.active_credential()?;
    let operations = operations();
    let operations = match manager.active_account_id() {
        Some(account) => {
            operations.for_account(JournalScope::new(manager.cloud().name.clone(), account))
        }
        None => operations,
    };
    let services = Services::new(manager.cloud().clone(), credential, operations)?;
    crate::progress::watch(&services.operations);
    Ok(services)
}
