//! Gathers a diagnostics bundle's parts for either host, the desktop app or `pfrm diagnose`, so
//! both hand support the same files: the host says what only it knows (its version, its WebView,
//! where its logs are); the rest (the workspace's preflight report, the failing runtime's
//! details, the journal's last operations) is read here. Whatever cannot be read (no sign-in, a
//! workspace out of reach) goes into the bundle as the error, instead of stopping it.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::bundle::{self, Bundle, BundleFacts};
use crate::error::Error;
use crate::model::RuntimeStatus;
use crate::ops::journal::Journal;
use crate::services::Services;

/// What only the host knows.
#[derive(Debug, Clone, Default)]
pub struct HostFacts {
    pub app_version: String,
    /// The WebView's version; `None` where there is none (the command line).
    pub webview: Option<String>,
    pub cloud: String,
    pub log_dir: Option<PathBuf>,
    /// The newest this many log files are included.
    pub max_logs: usize,
}

/// What the bundle is about.
#[derive(Debug, Default)]
pub struct Subjects {
    /// The workspace whose preflight report goes in: `Some(Err)` when the host could not even
    /// tell which workspace was meant.
    pub workspace: Option<Result<String, Error>>,
    /// The failing runtime whose details go in. Without one, the workspace's first failed
    /// runtime (if any) is taken: that is the one a user asking for help means.
    pub runtime: Option<String>,
    /// The journal of operations (`None`: no home folder, nothing to include).
    pub journal: Option<PathBuf>,
    /// How many of the journal's last operations go in.
    pub max_operations: usize,
}

fn could_not_read(error: &Error) -> Value {
    json!({ "couldNotRead": error })
}

/// `linux x86_64`, ...
pub fn this_os() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// The journal's last `max` operations.
fn last_operations(journal: Option<&PathBuf>, max: usize) -> Vec<Value> {
    journal
        .map(|path| Journal::open(path.clone()).journal)
        .and_then(|journal| journal.entries().ok())
        .map(|entries| {
            let skip = entries.len().saturating_sub(max);
            entries
                .into_iter()
                .skip(skip)
                .filter_map(|entry| serde_json::to_value(entry).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The named runtime's details, or the first failed one's; `None` when there is nothing to say.
async fn runtime_part(
    services: &Services,
    workspace_id: &str,
    named: Option<&str>,
) -> Option<Value> {
    let name = match named {
        Some(name) => name.to_owned(),
        None => {
            let runtimes = match crate::ops::runtimes::list_runtimes(services, workspace_id).await {
                Ok(runtimes) => runtimes,
                Err(error) => return Some(could_not_read(&error)),
            };
            runtimes
                .into_iter()
                .find(|runtime| runtime.status == RuntimeStatus::Failed)?
                .name
        }
    };
    Some(
        match crate::ops::runtimes::runtime_details(services, workspace_id, &name).await {
            Ok(details) => serde_json::to_value(details).unwrap_or_default(),
            Err(error) => could_not_read(&error),
        },
    )
}

/// Reads what the bundle needs and gathers it, redacted. `services` is the signed-in session's,
/// or why there is none.
pub async fn build(
    host: HostFacts,
    services: Result<&Services, &Error>,
    subjects: Subjects,
) -> Bundle {
    let (preflight, runtime) = match (&subjects.workspace, services) {
        (None, _) => (None, None),
        (Some(Err(error)), _) | (Some(Ok(_)), Err(error)) => (
            Some(could_not_read(error)),
            subjects.runtime.as_ref().map(|_| could_not_read(error)),
        ),
        (Some(Ok(id)), Ok(services)) => {
            let (preflight, runtime) = tokio::join!(
                crate::ops::workspaces::check_workspace(services, id),
                runtime_part(services, id, subjects.runtime.as_deref()),
            );
            let preflight = match preflight {
                Ok(check) => serde_json::to_value(check).unwrap_or_default(),
                Err(error) => could_not_read(&error),
            };
            (Some(preflight), runtime)
        }
    };
    bundle::collect(&BundleFacts {
        app_version: host.app_version,
        os: this_os(),
        webview: host.webview,
        cloud: host.cloud,
        log_dir: host.log_dir,
        max_logs: host.max_logs,
        preflight,
        runtime,
        operations: last_operations(subjects.journal.as_ref(), subjects.max_operations),
    })
}
