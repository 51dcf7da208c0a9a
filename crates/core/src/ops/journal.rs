//! The operation journal: a small JSON file listing the operations still in flight, so that an
//! app or a `pfrm` command closed (or killed) in the middle of "create runtime" shows the
//! operation again when reopened and resumes watching it. Entries are removed when their
//! operation ends. The app and the CLI share one file; each entry names the cloud and account it
//! belongs to, so one account (or the sandbox) never resumes, or ends, another's operations.
//!
//! Every write replaces the file atomically and privately ([`crate::files::write_private`]), so
//! a crash or a second pfrm never leaves a half-written journal and other users cannot read it.
//! An unreadable journal is moved aside to `operations.json.damaged-<time>` (a new name each
//! time, never deleted) and the app starts with an empty one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::OperationKind;
use crate::error::{Error, ErrorCode, Result};

const FORMAT_VERSION: u32 = 1;

/// The largest journal pfrm reads; a real one lists a handful of operations (a few KB).
pub const MAX_JOURNAL_BYTES: u64 = 4 * 1024 * 1024;

/// What the journal keeps of one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub id: String,
    pub kind: OperationKind,
    pub title: String,
    pub target: String,
    pub started_at: String,
    /// Operation-specific facts needed to watch it again (workspace, runtime name, ...).
    /// Never a secret.
    pub resume: serde_json::Value,
    /// The cloud the operation runs in (its configuration's name). Unset in entries written
    /// before entries were scoped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    /// The account (its id) the operation runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// Whose operations a connection may resume and end: one account in one cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalScope {
    pub cloud: String,
    pub account: String,
}

impl JournalScope {
    pub fn new(cloud: impl Into<String>, account: impl Into<String>) -> JournalScope {
        JournalScope {
            cloud: cloud.into(),
            account: account.into(),
        }
    }

    /// Whether `entry` is this account's. Entries from before scoping name no account; any
    /// signed-in account may resume them (the sandbox never journals, so never sees them).
    pub fn owns(&self, entry: &JournalEntry) -> bool {
        match (&entry.cloud, &entry.account) {
            (Some(cloud), Some(account)) => {
                cloud.eq_ignore_ascii_case(&self.cloud) && account == &self.account
            }
            _ => true,
        }
    }
}

/// The journal file's usual place: beside the settings when `PFRM_CONFIG_DIR` is set (tests,
/// portable setups), else the OS's local data folder (`~/.local/share/pfrm` on Linux). The app
/// and the CLI both use it, so an operation started by one is seen by the other.
pub fn default_journal_path() -> Option<PathBuf> {
    if let Some(dir) =
        std::env::var_os(crate::settings::CONFIG_DIR_ENV).filter(|dir| !dir.is_empty())
    {
        return Some(PathBuf::from(dir).join(JOURNAL_FILE));
    }
    directories::ProjectDirs::from("", "", "pfrm")
        .map(|project| project.data_local_dir().join(JOURNAL_FILE))
}

/// The journal's file name.
pub const JOURNAL_FILE: &str = "operations.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct JournalFile {
    version: u32,
    operations: Vec<JournalEntry>,
}

/// A handle to the journal file. Clones share the same file and lock.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    lock: Arc<Mutex<()>>,
}

/// What opening the journal found.
#[derive(Debug)]
pub struct OpenedJournal {
    pub journal: Journal,
    /// Operations that were in flight when the app last stopped.
    pub pending: Vec<JournalEntry>,
    /// Set when the file could not be read and was moved aside; say so to the user.
    pub warning: Option<Error>,
}

impl Journal {
    /// Opens (or starts) the journal at `path`.
    pub fn open(path: impl Into<PathBuf>) -> OpenedJournal {
        let journal = Journal {
            path: path.into(),
            lock: Arc::new(Mutex::new(())),
        };
        let (pending, warning) = match journal.read() {
            Ok(file) => (file.operations, None),
            Err(error) => {
                let kept = crate::files::set_aside(&journal.path).ok();
                let mut warning = Error::new(
                    ErrorCode::Config,
                    format!(
                        "The list of operations in progress ({}) could not be read, so operations from the last session are not shown.",
                        journal.path.display()
                    ),
                )
                .with_remedy("Check in Azure ML studio whether a runtime you were creating or updating finished.")
                .with_detail("cause", error.message);
                if let Some(kept) = kept {
                    warning = warning.with_detail("keptAs", kept.display().to_string());
                }
                (Vec::new(), Some(warning))
            }
        };
        OpenedJournal {
            journal,
            pending,
            warning,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The entries currently recorded.
    pub fn entries(&self) -> Result<Vec<JournalEntry>> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.read()?.operations)
    }

    pub(crate) fn record(&self, entry: &JournalEntry) -> Result<()> {
        self.change(|file| {
            file.operations.retain(|existing| existing.id != entry.id);
            file.operations.push(entry.clone());
        })
    }

    /// Ends an entry without watching it (its operation is known to be over).
    pub fn remove(&self, id: &str) -> Result<()> {
        self.change(|file| file.operations.retain(|existing| existing.id != id))
    }

    fn change(&self, edit: impl FnOnce(&mut JournalFile)) -> Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // A journal that became unreadable meanwhile is rewritten from scratch rather than
        // blocking every operation; `open` already preserved any earlier bad file.
        let mut file = self.read().unwrap_or_default();
        file.version = FORMAT_VERSION;
        edit(&mut file);
        self.write(&file)
    }

    fn read(&self) -> Result<JournalFile> {
        match crate::files::read_capped(&self.path, MAX_JOURNAL_BYTES) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                Error::new(
                    ErrorCode::Config,
                    format!("The journal is not valid JSON: {error}."),
                )
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(JournalFile {
                version: FORMAT_VERSION,
                operations: Vec::new(),
            }),
            Err(error) => Err(Error::new(
                ErrorCode::Config,
                format!(
                    "The journal {} could not be read: {error}.",
                    self.path.display()
                ),
            )),
        }
    }

    fn write(&self, file: &JournalFile) -> Result<()> {
        let io_error = |error: std::io::Error| {
            Error::new(
                ErrorCode::Config,
                format!(
                    "The list of operations in progress could not be saved to {}: {error}.",
                    self.path.display()
                ),
            )
            .with_remedy("Check that the folder exists and is writable; the operation itself is not affected.")
        };

        let text = serde_json::to_vec_pretty(file).map_err(|error| {
            Error::internal(format!("The journal could not be encoded: {error}."))
        })?;
        crate::files::write_private(&self.path, &text).map_err(io_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{OperationState, Operations};
    use serde_json::json;

    #[tokio::test]
    async fn an_operation_in_flight_survives_a_restart_and_leaves_the_journal_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("operations.json");

        let first_run = Journal::open(&path);
        assert!(first_run.pending.is_empty());
        assert!(first_run.warning.is_none());
        let operations = Operations::new(Some(first_run.journal));
        let handle = operations
            .begin(
                OperationKind::CreateRuntime,
                "Create runtime rt-1 on ci-alice",
                "flow:/ws/rt-1",
                json!({"runtime": "rt-1"}),
            )
            .unwrap();
        let id = handle.id().to_owned();
        // The app is closed here: the work is dropped without finishing.
        drop(handle);

        let second_run = Journal::open(&path);
        assert_eq!(second_run.pending.len(), 1);
        let entry = second_run.pending[0].clone();
        assert_eq!(entry.id, id);
        assert_eq!(entry.resume, json!({"runtime": "rt-1"}));

        let operations = Operations::new(Some(second_run.journal.clone()));
        let resumed = operations.resume(entry).unwrap();
        let snapshot = operations.get(&id).unwrap();
        assert!(snapshot.resumed);
        assert_eq!(snapshot.state, OperationState::Running);
        resumed.finish(&Ok(()));
        assert!(second_run.journal.entries().unwrap().is_empty());
        assert!(Journal::open(&path).pending.is_empty());
    }

    #[test]
    fn an_unreadable_journal_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("operations.json");
        std::fs::write(&path, b"{ not json").unwrap();

        let opened = Journal::open(&path);
        assert!(opened.pending.is_empty());
        let warning = opened.warning.expect("a warning for the user");
        assert_eq!(warning.code, ErrorCode::Config);
        assert!(warning.remedy.is_some());
        let backup = PathBuf::from(warning.details.unwrap()["keptAs"].as_str().unwrap());
        assert_eq!(std::fs::read(&backup).unwrap(), b"{ not json");
        assert!(backup
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("operations.json.damaged-"));

        // A second damaged journal is kept too, under another name.
        std::fs::write(&path, b"{ also not json").unwrap();
        let again = Journal::open(&path).warning.unwrap();
        let second = PathBuf::from(again.details.unwrap()["keptAs"].as_str().unwrap());
        assert_ne!(second, backup);
        assert_eq!(std::fs::read(&backup).unwrap(), b"{ not json");
        assert_eq!(std::fs::read(&second).unwrap(), b"{ also not json");
    }

    #[cfg(unix)]
    #[test]
    fn the_journal_is_readable_by_the_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pfrm").join("operations.json");
        let opened = Journal::open(&path);
        let operations = Operations::new(Some(opened.journal));
        let _handle = operations
            .begin(OperationKind::GrantRole, "Grant", "scope", json!(null))
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn writes_leave_no_staging_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let opened = Journal::open(dir.path().join("operations.json"));
        let entry = JournalEntry {
            id: "1".into(),
            kind: OperationKind::GrantRole,
            title: "Grant".into(),
            target: "scope".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            resume: json!(null),
            cloud: None,
            account: None,
        };
        opened.journal.record(&entry).unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["operations.json"]);
        assert_eq!(opened.journal.entries().unwrap(), [entry]);
    }
}
