//! Where the app keeps its files, per OS conventions.

use std::path::PathBuf;

pub struct AppDirs {
    /// `None` only when the OS reports no home folder at all.
    pub log_dir: Option<PathBuf>,
    /// `settings.json` where `pfrm_core::settings` keeps it.
    pub config_file: PathBuf,
    /// The journal of operations in flight (`None` without a home folder: no resume then).
    pub journal_file: Option<PathBuf>,
}

impl AppDirs {
    pub fn from_environment() -> Self {
        // The same names as pfrm_core::settings uses, so the CLI and the app share one folder.
        let config_file = pfrm_core::settings::default_settings_path()
            .unwrap_or_else(|_| PathBuf::from(pfrm_core::settings::SETTINGS_FILE));
        AppDirs {
            // One rule for the logs folder, in the core, so `pfrm diagnose` finds the app's logs.
            log_dir: pfrm_core::diagnosis::bundle::default_log_dir(),
            // Shared with the CLI, so each sees the other's operations in flight.
            journal_file: pfrm_core::ops::default_journal_path(),
            config_file,
        }
    }
}
