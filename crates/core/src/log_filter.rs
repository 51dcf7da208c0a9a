//! The one log filter of the desktop app and the CLI, as `tracing_subscriber::EnvFilter`
//! directives, so `PFRM_LOG` means the same in both.
//!
//! Two rules hold whatever `PFRM_LOG` says:
//! - libraries that log raw protocol traffic (D-Bus, HTTP, TLS) never go above `warn`: at debug
//!   or trace they would print request bodies and keychain traffic, which may hold secrets;
//! - a cap only ever lowers a level: `PFRM_LOG=error` does not bring back `warn` lines of those
//!   libraries.
//!
//! Without `PFRM_LOG`, each host has its default: the CLI shows pfrm's own warnings and no
//! library lines (its stderr carries progress and `--json` errors); the app logs more to its file.

/// The environment variable that chooses what is logged (`EnvFilter` directive syntax).
pub const LOG_ENV: &str = "PFRM_LOG";

/// Libraries whose verbose levels print protocol bytes, and the highest level they may log at.
pub const CAPPED: &[(&str, Level)] = &[
    ("zbus", Level::Warn),
    ("hyper", Level::Warn),
    ("hyper_util", Level::Warn),
    ("reqwest", Level::Warn),
    ("h2", Level::Warn),
    ("rustls", Level::Warn),
    ("tokio_rustls", Level::Warn),
];

/// Which program is logging; decides the default when `PFRM_LOG` is not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogHost {
    /// The `pfrm` command line: pfrm's warnings only.
    Cli,
    /// The desktop app: its log file keeps pfrm's debug lines and libraries' info lines.
    App,
}

impl LogHost {
    fn default_directives(self) -> &'static str {
        match self {
            // `off` first: library lines (a rustls handshake error, for one) stay out of the
            // terminal; pfrm reports such failures itself, as its own error.
            LogHost::Cli => "off,pfrm=warn",
            LogHost::App => "info,pfrm=debug",
        }
    }
}

/// A log level, in `EnvFilter`'s order (`Off` shows nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "off" => Level::Off,
            "error" => Level::Error,
            "warn" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            "trace" => Level::Trace,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

/// The filter directives for `host`, given the value of `PFRM_LOG` (`None` or blank: the host's
/// default). Pass the result to `EnvFilter::try_new`.
pub fn log_filter(host: LogHost, requested: Option<&str>) -> String {
    let base = requested
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .unwrap_or(host.default_directives());
    let (global, targets) = parse(base);
    let mut directives = base.trim_end_matches(',').to_owned();
    for (library, cap) in CAPPED {
        // What the directives alone would give this library: its most specific directive, or
        // the global level (EnvFilter's default is `error` when none is given).
        let asked = targets
            .iter()
            .filter(|(target, _)| library.starts_with(target.as_str()))
            .max_by_key(|(target, _)| target.len())
            .map(|(_, level)| *level)
            .unwrap_or(global.unwrap_or(Level::Error));
        directives.push_str(&format!(",{library}={}", asked.min(*cap).as_str()));
    }
    directives
}

/// The global level and the `target=level` pairs of `directives`. Directives this cannot read
/// (span filters, for one) are left to EnvFilter and do not lift a cap.
fn parse(directives: &str) -> (Option<Level>, Vec<(String, Level)>) {
    let mut global = None;
    let mut targets = Vec::new();
    for directive in directives.split(',').map(str::trim) {
        match directive.split_once('=') {
            Some((target, level)) if !target.contains('[') => {
                if let Some(level) = Level::parse(level) {
                    targets.push((target.trim().to_owned(), level));
                }
            }
            Some(_) => {}
            None => match Level::parse(directive) {
                Some(level) => global = Some(level),
                // A bare target means every level of it.
                None if !directive.is_empty() && !directive.contains('[') => {
                    targets.push((directive.to_owned(), Level::Trace));
                }
                None => {}
            },
        }
    }
    (global, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level_of(directives: &str, target: &str) -> Option<String> {
        directives
            .split(',')
            .rev()
            .find_map(|d| d.strip_prefix(&format!("{target}=")).map(str::to_owned))
    }

    #[test]
    fn trace_everywhere_still_keeps_protocol_libraries_at_warn_in_both_hosts() {
        for host in [LogHost::Cli, LogHost::App] {
            let filter = log_filter(host, Some("trace"));
            assert!(filter.starts_with("trace,"), "{filter}");
            for library in ["zbus", "hyper", "hyper_util", "reqwest", "h2", "rustls"] {
                assert_eq!(
                    level_of(&filter, library).as_deref(),
                    Some("warn"),
                    "{filter}"
                );
            }
        }
        // The same request gives the same filter in the app and the CLI.
        assert_eq!(
            log_filter(LogHost::Cli, Some("debug,pfrm_core=trace")),
            log_filter(LogHost::App, Some("debug,pfrm_core=trace"))
        );
    }

    #[test]
    fn asking_for_a_library_by_name_is_capped_too() {
        let filter = log_filter(LogHost::App, Some("info,hyper=trace,reqwest=debug"));
        assert_eq!(level_of(&filter, "hyper").as_deref(), Some("warn"));
        assert_eq!(level_of(&filter, "reqwest").as_deref(), Some("warn"));
    }

    #[test]
    fn a_cap_never_raises_what_was_asked() {
        let filter = log_filter(LogHost::Cli, Some("error"));
        assert_eq!(level_of(&filter, "rustls").as_deref(), Some("error"));
        let filter = log_filter(LogHost::Cli, Some("debug,rustls=off"));
        assert_eq!(level_of(&filter, "rustls").as_deref(), Some("off"));
        // Without a global level EnvFilter shows errors only; the caps keep to that.
        let filter = log_filter(LogHost::Cli, Some("pfrm=trace"));
        assert_eq!(level_of(&filter, "hyper").as_deref(), Some("error"));
    }

    #[test]
    fn without_pfrm_log_the_cli_shows_no_library_lines_and_the_app_logs_info() {
        for unset in [None, Some(""), Some("  ")] {
            let cli = log_filter(LogHost::Cli, unset);
            assert!(cli.starts_with("off,pfrm=warn,"), "{cli}");
            for (library, _) in CAPPED {
                assert_eq!(level_of(&cli, library).as_deref(), Some("off"), "{cli}");
            }
            let app = log_filter(LogHost::App, unset);
            assert!(app.starts_with("info,pfrm=debug,"), "{app}");
            assert_eq!(level_of(&app, "rustls").as_deref(), Some("warn"), "{app}");
        }
    }
}
