//! What the desktop app found while starting, as it tells the user: its log folder made ready
//! (or why logging to a file is off), the settings file and the journal it could not use, and
//! the [`AppInfo`] built from them. Phrased here once, so the shell and the page tests' fixtures
//! show the same words.

use std::path::{Path, PathBuf};

use crate::app_info::{AppInfo, StartupWarning, StartupWarningKind};
use crate::error::Error;
use crate::settings::LoadedSettings;

/// The app's name, as it introduces itself.
pub const APP_NAME: &str = "Prompt Flow Runtime Manager";

/// The prefix of the app's daily log files (`pfrm.2026-12-06.log`).
pub const LOG_FILE_PREFIX: &str = "pfrm";

/// Makes `dir` ready for the app's daily log files: created, private to the user with the log
/// files already in it (logs name accounts, workspaces and hosts), and shown to take writes (the
/// log appender opens its file lazily on some platforms, too late to tell the user). `Err` is the
/// warning that says why this session is not logged to a file; `None` is a system without a home
/// folder.
pub fn prepare_log_dir(dir: Option<&Path>) -> Result<PathBuf, StartupWarning> {
    let Some(dir) = dir else {
        return Err(log_dir_unwritable(
            Path::new("(no home folder)"),
            "the OS reported no home folder",
        ));
    };
    let unwritable = |error: std::io::Error| log_dir_unwritable(dir, &error.to_string());
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    // The folder's mode also covers the files the appender creates later, at each new day.
    crate::files::make_private(dir);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(LOG_FILE_PREFIX)
            {
                crate::files::make_private(&entry.path());
            }
        }
    }
    let probe = dir.join(".pfrm-write-test");
    std::fs::write(&probe, b"").map_err(unwritable)?;
    let _ = std::fs::remove_file(&probe);
    Ok(dir.to_path_buf())
}

/// The log folder `dir` cannot be written, for `reason`: the app goes on, logging to the terminal.
pub fn log_dir_unwritable(dir: &Path, reason: &str) -> StartupWarning {
    StartupWarning {
        kind: StartupWarningKind::LogDirUnwritable,
        message: format!(
            "The log folder {} cannot be written ({reason}), so this session is not logged to a file.",
            dir.display()
        ),
        remedy: "Make the folder writable (or remove whatever file is in its place) and restart \
                 the app. Until then, logs go to the terminal that started the app."
            .into(),
    }
}

/// The settings file could not be used: what to do. The message names where the old settings
/// went already, so the remedy does not repeat that long path: it names the file to restore by
/// its name alone.
fn settings_unusable(
    config_file: &Path,
    kept_as: Option<&Path>,
    message: String,
) -> StartupWarning {
    let remedy = if kept_as.is_some() {
        let name = config_file.file_name().map_or_else(
            || config_file.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        format!(
            "To get your old settings back, fix the kept file and rename it to {name} while the \
             app is closed; or choose your settings again in the app."
        )
    } else {
        format!(
            "Fix or remove {}, then restart the app.",
            config_file.display()
        )
    };
    StartupWarning {
        kind: StartupWarningKind::ConfigUnreadable,
        message,
        remedy,
    }
}

/// What the app found while starting.
pub struct Startup<'a> {
    /// The app's version (the shell's package version).
    pub version: &'a str,
    pub config_file: &'a Path,
    /// The settings as [`crate::settings::Settings::load`] read them from `config_file`.
    pub settings: &'a LoadedSettings,
    /// The log folder in use, or why there is none ([`prepare_log_dir`]).
    pub log_dir: Result<&'a Path, &'a StartupWarning>,
    /// Why the journal of operations in flight could not be read, if it could not.
    pub journal_warning: Option<&'a Error>,
}

/// What the app tells the user about itself: its version, where its files are, and each problem
/// of the start (the log folder, the settings file, the journal), in that order.
pub fn app_info(startup: Startup<'_>) -> AppInfo {
    let mut warnings = Vec::new();
    if let Err(warning) = startup.log_dir {
        warnings.push(warning.clone());
    }
    if let Some(message) = &startup.settings.warning {
        warnings.push(settings_unusable(
            startup.config_file,
            startup.settings.kept_as.as_deref(),
            message.clone(),
        ));
    }
    if let Some(journal) = startup.journal_warning {
        warnings.push(StartupWarning {
            kind: StartupWarningKind::ConfigUnreadable,
            message: journal.message.clone(),
            remedy: journal.remedy.clone().unwrap_or_default(),
        });
    }
    AppInfo {
        name: APP_NAME.into(),
        version: startup.version.into(),
        log_dir: startup.log_dir.ok().map(|dir| dir.display().to_string()),
        config_path: startup.config_file.display().to_string(),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn a_file_in_place_of_the_log_folder_is_reported_not_fatal() {
        let root = tempfile::tempdir().unwrap();
        let blocked = root.path().join("logs");
        std::fs::write(&blocked, "not a folder").unwrap();
        let dir = blocked.join("pfrm");
        let warning = prepare_log_dir(Some(&dir)).unwrap_err();
        assert_eq!(warning.kind, StartupWarningKind::LogDirUnwritable);
        assert!(
            warning.message.contains(&dir.display().to_string()),
            "{warning:?}"
        );
        assert!(warning.remedy.contains("restart"), "{warning:?}");
        // The file that was in the way is untouched.
        assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "not a folder");
    }

    #[test]
    fn without_a_home_folder_logging_to_a_file_is_off_and_said_so() {
        let warning = prepare_log_dir(None).unwrap_err();
        assert!(warning.message.contains("no home folder"), "{warning:?}");
    }

    #[test]
    fn a_writable_log_folder_is_created_and_left_without_the_probe() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/logs");
        assert_eq!(prepare_log_dir(Some(&dir)).unwrap(), dir);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn the_log_folder_and_earlier_log_files_are_for_the_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("logs");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let old = dir.join("pfrm.2026-01-01.log");
        std::fs::write(&old, "yesterday").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        prepare_log_dir(Some(&dir)).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&old), 0o600);
    }

    #[test]
    fn a_damaged_settings_file_and_an_unwritable_log_folder_are_both_told_with_their_way_out() {
        let root = tempfile::tempdir().unwrap();
        let config_file = root.path().join("settings.json");
        std::fs::write(&config_file, "{ not json").unwrap();
        let settings = Settings::load(&config_file);
        let kept = settings
            .kept_as
            .clone()
            .expect("the damaged file kept aside");
        let no_logs = log_dir_unwritable(Path::new("/x/logs"), "Permission denied");
        let info = app_info(Startup {
            version: "1.2.3",
            config_file: &config_file,
            settings: &settings,
            log_dir: Err(&no_logs),
            journal_warning: None,
        });
        assert_eq!(info.name, APP_NAME);
        assert_eq!(info.version, "1.2.3");
        assert_eq!(info.log_dir, None);
        assert_eq!(info.config_path, config_file.display().to_string());
        let kinds: Vec<_> = info.warnings.iter().map(|w| w.kind).collect();
        assert_eq!(
            kinds,
            [
                StartupWarningKind::LogDirUnwritable,
                StartupWarningKind::ConfigUnreadable
            ]
        );
        assert!(info.warnings[0].message.contains("/x/logs"));
        assert!(info.warnings[0].message.contains("Permission denied"));
        let config = &info.warnings[1];
        assert!(config.message.contains("could not be used"), "{config:?}");
        // Where the old settings went is said once, in the message; the remedy says how to
        // get them back without repeating the long path.
        assert!(
            config.message.contains(&kept.display().to_string()),
            "{config:?}"
        );
        assert!(
            !config.remedy.contains(&kept.display().to_string()),
            "{config:?}"
        );
        assert!(
            config.remedy.contains("rename it to settings.json"),
            "{config:?}"
        );
    }

    #[test]
    fn a_good_start_has_no_warnings_and_names_the_log_folder() {
        let root = tempfile::tempdir().unwrap();
        let config_file = root.path().join("settings.json");
        let settings = Settings::load(&config_file);
        let logs = root.path().join("logs");
        let info = app_info(Startup {
            version: "1.2.3",
            config_file: &config_file,
            settings: &settings,
            log_dir: Ok(&logs),
            journal_warning: None,
        });
        assert!(info.warnings.is_empty(), "{info:?}");
        assert_eq!(info.log_dir, Some(logs.display().to_string()));
    }

    #[test]
    fn an_unreadable_journal_is_told_with_its_remedy() {
        let root = tempfile::tempdir().unwrap();
        let config_file = root.path().join("settings.json");
        let settings = Settings::load(&config_file);
        let logs = root.path().join("logs");
        let journal = Error::new(crate::ErrorCode::Config, "The journal is damaged.")
            .with_remedy("Check in Azure ML studio.");
        let info = app_info(Startup {
            version: "1.2.3",
            config_file: &config_file,
            settings: &settings,
            log_dir: Ok(&logs),
            journal_warning: Some(&journal),
        });
        assert_eq!(info.warnings.len(), 1);
        assert_eq!(info.warnings[0].kind, StartupWarningKind::ConfigUnreadable);
        assert_eq!(info.warnings[0].message, "The journal is damaged.");
        assert_eq!(info.warnings[0].remedy, "Check in Azure ML studio.");
    }
}
