//! Where the app keeps its files, per OS conventions.

use std::path::PathBuf;

use directories::ProjectDirs;

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
        let project = ProjectDirs::from("", "", "pfrm");
        let config_file = pfrm_core::settings::default_settings_path()
            .unwrap_or_else(|_| PathBuf::from(pfrm_core::settings::SETTINGS_FILE));
        AppDirs {
            log_dir: project.as_ref().map(log_dir),
            // Shared with the CLI, so each sees the other's operations in flight.
            journal_file: pfrm_core::ops::default_journal_path(),
            config_file,
        }
    }
}

/// Linux: `$XDG_STATE_HOME/pfrm/logs` (logs are state in the XDG spec).
#[cfg(target_os = "linux")]
fn log_dir(project: &ProjectDirs) -> PathBuf {
    project
        .state_dir()
        .unwrap_or_else(|| project.data_local_dir())
        .join("logs")
}

/// macOS: `~/Library/Logs/pfrm`, where Console.app looks.
#[cfg(target_os = "macos")]
fn log_dir(project: &ProjectDirs) -> PathBuf {
    directories::BaseDirs::new()
        .map(|base| base.home_dir().join("Library/Logs/pfrm"))
        .unwrap_or_else(|| project.data_local_dir().join("logs"))
}

/// Windows: `%LOCALAPPDATA%\pfrm\data\logs` (`ProjectDirs` with no organisation adds one folder,
/// `pfrm`, and puts local data in its `data` subfolder).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn log_dir(project: &ProjectDirs) -> PathBuf {
    project.data_local_dir().join("logs")
}
