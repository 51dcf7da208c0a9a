//! Logging: always to stderr, and to a daily file in the OS log folder when that folder can be
//! written. Old files are pruned so seven days are kept.

use std::path::{Path, PathBuf};

use pfrm_core::app_info::{StartupWarning, StartupWarningKind};
use pfrm_core::log_filter::{log_filter, LogHost, LOG_ENV};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Daily files kept, one per day.
pub const KEPT_LOG_FILES: usize = 7;
pub const LOG_FILE_PREFIX: &str = "pfrm";

pub struct Logging {
    /// Where log files are written; `None` when logging to stderr only.
    pub file_dir: Option<PathBuf>,
    pub warning: Option<StartupWarning>,
    /// Flushes the file writer when dropped: keep it alive until the app ends.
    _guard: Option<WorkerGuard>,
}

pub fn init(log_dir: Option<&Path>) -> Logging {
    let filter = || app_filter(std::env::var(LOG_ENV).ok().as_deref());
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        // Whatever reaches a log line, a token never leaves the process.
        .with_writer(|| pfrm_core::redact::Redacting(std::io::stderr()))
        .with_filter(filter());

    let (file, warning) = match log_dir {
        Some(dir) => match open_log_file(dir) {
            Ok(appender) => (Some((dir.to_path_buf(), appender)), None),
            Err(reason) => (None, Some(unwritable(dir, &reason))),
        },
        None => (
            None,
            Some(unwritable(
                Path::new("(no home folder)"),
                "the OS reported no home folder",
            )),
        ),
    };

    match file {
        Some((dir, appender)) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(move || pfrm_core::redact::Redacting(writer.clone()))
                .with_filter(filter());
            let _ = tracing_subscriber::registry()
                .with(stderr_layer)
                .with(file_layer)
                .try_init();
            Logging {
                file_dir: Some(dir),
                warning: None,
                _guard: Some(guard),
            }
        }
        None => {
            let _ = tracing_subscriber::registry().with(stderr_layer).try_init();
            Logging {
                file_dir: None,
                warning,
                _guard: None,
            }
        }
    }
}

/// The CLI's filter with the app's default: the same caps on protocol libraries whatever
/// `PFRM_LOG` says. A `PFRM_LOG` that cannot be read falls back to the default.
fn app_filter(requested: Option<&str>) -> EnvFilter {
    EnvFilter::try_new(log_filter(LogHost::App, requested))
        .unwrap_or_else(|_| EnvFilter::new(log_filter(LogHost::App, None)))
}

fn open_log_file(dir: &Path) -> Result<RollingFileAppender, String> {
    std::fs::create_dir_all(dir).map_err(|error| error.to_string())?;
    // Logs name accounts, workspaces and hosts: the folder and its files are for the user only
    // (the folder's mode also covers the files the appender creates later, at each new day).
    pfrm_core::files::make_private(dir);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(LOG_FILE_PREFIX)
            {
                pfrm_core::files::make_private(&entry.path());
            }
        }
    }
    // The appender opens its file lazily on some platforms; prove now that the folder takes writes.
    let probe = dir.join(".pfrm-write-test");
    std::fs::write(&probe, b"").map_err(|error| error.to_string())?;
    let _ = std::fs::remove_file(&probe);
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)
        .map_err(|error| error.to_string())
}

fn unwritable(dir: &Path, reason: &str) -> StartupWarning {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_place_of_the_log_folder_is_reported_not_fatal() {
        let root = tempfile::tempdir().unwrap();
        let blocked = root.path().join("logs");
        std::fs::write(&blocked, "not a folder").unwrap();
        let error = open_log_file(&blocked.join("pfrm")).unwrap_err();
        assert!(!error.is_empty());
        // The file that was in the way is untouched.
        assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "not a folder");
    }

    #[test]
    fn a_writable_folder_gets_a_daily_log_file() {
        use std::io::Write;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/logs");
        let mut appender = open_log_file(&dir).unwrap();
        appender.write_all(b"hello\n").unwrap();
        appender.flush().unwrap();
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(
            names[0].starts_with("pfrm.") && names[0].ends_with(".log"),
            "{names:?}"
        );
    }

    #[test]
    fn trace_logging_keeps_protocol_libraries_at_warn_like_the_cli() {
        use tracing::level_filters::LevelFilter;
        let filter = app_filter(Some("trace"));
        // EnvFilter prints its directives; the capped libraries are at warn, pfrm at trace.
        let text = filter.to_string();
        for library in ["zbus", "hyper", "reqwest", "h2", "rustls"] {
            assert!(text.contains(&format!("{library}=warn")), "{text}");
        }
        assert_eq!(filter.max_level_hint(), Some(LevelFilter::TRACE));
        // A PFRM_LOG that is not a filter falls back to the default, with the caps.
        assert!(app_filter(Some("[[[")).to_string().contains("hyper=warn"));
    }

    #[test]
    fn the_warning_names_the_folder_and_the_way_out() {
        let warning = unwritable(Path::new("/x/logs"), "Permission denied");
        assert_eq!(warning.kind, StartupWarningKind::LogDirUnwritable);
        assert!(warning.message.contains("/x/logs"));
        assert!(warning.message.contains("Permission denied"));
        assert!(warning.remedy.contains("restart"));
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
        open_log_file(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&old), 0o600);
    }
}
