//! Builds the one [`Services`] a command acts through: the active account's credential in the
//! chosen cloud. Commands that talk to Azure call [`connect`] once and share the result.

use pfrm_core::auth::AccountManager;
use pfrm_core::ops::Operations;
use pfrm_core::services::Services;
use pfrm_core::Error;

/// Services for the active account. Fails with `sign_in_required` when no one is signed in.
pub fn connect(manager: &AccountManager) -> Result<Services, Error> {
    let credential = manager.active_credential()?;
    let services = Services::new(manager.cloud().clone(), credential, Operations::default())?;
    crate::progress::watch(&services.operations);
    Ok(services)
}
