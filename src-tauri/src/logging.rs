//! Logging: always to stderr, and to a daily file in the OS log folder when that folder can be
//! written. Old files are pruned so seven days are kept.

use std::path::{Path, PathBuf};

use pfrm_core::app_info::StartupWarning;
use pfrm_core::log_filter::{log_filter, LogHost, LOG_ENV};
use pfrm_core::startup::{log_dir_unwritable, prepare_log_dir, LOG_FILE_PREFIX};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Daily files kept, one per day.
pub const KEPT_LOG_FILES: usize = 7;

pub struct Logging {
    /// Where log files are written, or why logging goes to stderr only.
    pub folder: Result<PathBuf, StartupWarning>,
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

    match open_log_file(log_dir) {
        Ok((dir, appender)) => {
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
                folder: Ok(dir),
                _guard: Some(guard),
            }
        }
        Err(warning) => {
            let _ = tracing_subscriber::registry().with(stderr_layer).try_init();
            Logging {
                folder: Err(warning),
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

/// The daily log file in `dir`, once the core made the folder ready (`prepare_log_dir`).
fn open_log_file(dir: Option<&Path>) -> Result<(PathBuf, RollingFileAppender), StartupWarning> {
    let dir = prepare_log_dir(dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(&dir)
        .map_err(|error| log_dir_unwritable(&dir, &error.to_string()))?;
    Ok((dir, appender))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writable_folder_gets_a_daily_log_file() {
        use std::io::Write;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/logs");
        let (_, mut appender) = open_log_file(Some(&dir)).unwrap();
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
}
