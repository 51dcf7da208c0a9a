//! Builds the one [`Services`] a command acts through: the active account's credential in the
//! chosen cloud. Commands that talk to Azure call [`connect`] once and share the result.
//!
//! Operations are journaled in the file the app uses too, under the active account, so a
//! command that is killed mid-way leaves an entry that `pfrm operations resume` (or the app)
//! picks up, and a rerun of the same create sees that it is already under way.

use pfrm_core::auth::AccountManager;
use pfrm_core::connection::{connect_active_account, open_operations};
use pfrm_core::ops::{default_journal_path, Operations};
use pfrm_core::services::Services;
use pfrm_core::Error;

/// The journal-backed operation list of this process (none without a data folder).
pub fn operations() -> Operations {
    let (operations, warning) = open_operations(default_journal_path());
    if let Some(warning) = &warning {
        eprintln!("warning: {}", warning.message);
        if let Some(remedy) = &warning.remedy {
            eprintln!("  {remedy}");
        }
    }
    operations
}

/// Services for the active account. Fails with `sign_in_required` when no one is signed in.
pub fn connect(manager: &AccountManager) -> Result<Services, Error> {
    // The credential is checked before the journal is opened: a signed-out command says so
    // without a journal warning first.
    manager.active_credential()?;
    let services = connect_active_account(manager, &operations())?;
    crate::progress::watch(&services.operations);
    Ok(services)
}
