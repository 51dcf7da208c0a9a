//! The command's [`Session`] (the core's: settings file, journal, accounts of the chosen cloud)
//! and the one [`Services`] a command acts through. Commands that talk to Azure call
//! [`connect`] once and share the result.
//!
//! Operations are journaled in the file the app uses too, under the active account, so a
//! command that is killed mid-way leaves an entry that `pfrm operations resume` (or the app)
//! picks up, and a rerun of the same create sees that it is already under way.

use std::path::PathBuf;

use pfrm_core::connection::{Session, SessionKind, SessionOptions};
use pfrm_core::ops::default_journal_path;
use pfrm_core::services::Services;
use pfrm_core::settings::default_settings_path;
use pfrm_core::Error;

/// The session of this command, in the cloud its options (or the remembered choice) name.
pub fn session(cloud: Option<&str>, cloud_file: Option<PathBuf>) -> Result<Session, Error> {
    Ok(Session::new(SessionOptions {
        kind: SessionKind::Command,
        settings_path: default_settings_path()?,
        journal_path: default_journal_path(),
        cloud: cloud.map(str::to_owned),
        cloud_file,
    }))
}

/// Says on stderr why the journal could not be read, once it has been opened.
pub fn warn_about_journal(session: &Session) {
    if let Some(warning) = session.journal_warning() {
        eprintln!("warning: {}", warning.message);
        if let Some(remedy) = &warning.remedy {
            eprintln!("  {remedy}");
        }
    }
}

/// Services for the active account. Fails with `sign_in_required` when no one is signed in.
pub async fn connect(session: &Session) -> Result<Services, Error> {
    let (services, _) = session.services().await?;
    warn_about_journal(session);
    crate::progress::watch(&services.operations);
    Ok(services)
}
