//! The diagnostics bundle: what someone helping a user needs, in one zip, with nothing in it
//! that could sign in as the user or name them. Every file's text passes through
//! [`crate::redact::redact_secrets`] (tokens, keys, connection secrets, email addresses) before
//! it is listed, so the list the user sees before saving is what the zip holds.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};
use crate::redact::{redact_and_count, Redactions};
use crate::user_files::typed_path;

/// What the bundle says of the WebView where there is none (the command line).
pub const NO_WEBVIEW: &str = "not applicable";

/// The folder the desktop app writes its logs to (and `pfrm diagnose` reads them from), per OS
/// conventions: Linux `$XDG_STATE_HOME/pfrm/logs`, macOS
/// `~/Library/Logs/pfrm`, Windows `%LOCALAPPDATA%\pfrm\data\logs`. `None` without a home folder.
pub fn default_log_dir() -> Option<PathBuf> {
    let project = directories::ProjectDirs::from("", "", "pfrm")?;
    #[cfg(target_os = "linux")]
    let dir = project
        .state_dir()
        .unwrap_or_else(|| project.data_local_dir())
        .join("logs");
    #[cfg(target_os = "macos")]
    let dir = directories::BaseDirs::new()
        .map(|base| base.home_dir().join("Library/Logs/pfrm"))
        .unwrap_or_else(|| project.data_local_dir().join("logs"));
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    let dir = project.data_local_dir().join("logs");
    Some(dir)
}

/// How much of each log file goes in (its end, where the failure is).
const LOG_TAIL_BYTES: usize = 512 * 1024;

/// What the host knows; everything optional is left out when absent.
#[derive(Debug, Clone, Default)]
pub struct BundleFacts {
    pub app_version: String,
    /// `linux x86_64`, ...
    pub os: String,
    /// The app's WebView version (the CLI has none).
    pub webview: Option<String>,
    pub cloud: String,
    pub log_dir: Option<PathBuf>,
    /// The newest this many log files are included.
    pub max_logs: usize,
    pub preflight: Option<Value>,
    pub runtime: Option<Value>,
    /// The journal's last operations.
    pub operations: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub name: String,
    /// Already redacted.
    pub text: String,
    /// What the redaction took out of it.
    pub redacted: Redactions,
}

#[derive(Debug, Clone)]
pub struct Bundle {
    /// Quoted to support so they can find this bundle.
    pub id: String,
    pub files: Vec<BundleFile>,
}

impl Bundle {
    pub fn file_names(&self) -> Vec<&str> {
        self.files.iter().map(|file| file.name.as_str()).collect()
    }

    /// The zip's file name: `pfrm-diagnostics-<first 8 of the ID>.zip`.
    pub fn file_name(&self) -> String {
        format!("pfrm-diagnostics-{}.zip", &self.id[..8.min(self.id.len())])
    }

    /// What the user is shown before saving: each file, its size, and what was redacted.
    pub fn summary(&self, suggested_path: Option<&Path>) -> BundleSummary {
        BundleSummary {
            id: self.id.clone(),
            files: self
                .files
                .iter()
                .map(|file| BundleFileSummary {
                    name: file.name.clone(),
                    bytes: u32::try_from(file.text.len()).unwrap_or(u32::MAX),
                    secrets_redacted: u32::try_from(file.redacted.secrets).unwrap_or(u32::MAX),
                    emails_redacted: u32::try_from(file.redacted.emails).unwrap_or(u32::MAX),
                })
                .collect(),
            suggested_path: suggested_path
                .map(|path| path.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.file_name()),
        }
    }
}

/// One file of a bundle, as listed before saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BundleFileSummary {
    /// `manifest.json`, `logs/pfrm.log`, ...
    pub name: String,
    /// Its size in the zip before compression.
    pub bytes: u32,
    /// Tokens, keys and connection secrets replaced by `[redacted]`.
    pub secrets_redacted: u32,
    /// Email addresses (user names) replaced by `[redacted]`.
    pub emails_redacted: u32,
}

/// A bundle ready to save: its ID, its files, and where it would go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BundleSummary {
    pub id: String,
    pub files: Vec<BundleFileSummary>,
    /// A place to save it (the Downloads folder, where there is one).
    pub suggested_path: String,
}

/// Where a saved bundle went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedBundle {
    pub id: String,
    pub path: String,
}

fn file(name: &str, text: &str) -> BundleFile {
    let (text, redacted) = redact_and_count(text);
    BundleFile {
        name: name.to_owned(),
        text,
        redacted,
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The newest `max` files of `dir` (by modification time), newest first.
fn newest_logs(dir: &Path, max: usize) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .map(|entry| {
            let modified = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (modified, entry.path())
        })
        .collect();
    files.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    files.into_iter().take(max).map(|(_, path)| path).collect()
}

fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(LOG_TAIL_BYTES);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

/// Gathers the bundle's files, redacted.
pub fn collect(facts: &BundleFacts) -> Bundle {
    let id = uuid::Uuid::new_v4().to_string();
    let mut files = Vec::new();
    let logs: Vec<PathBuf> = facts
        .log_dir
        .as_deref()
        .map(|dir| newest_logs(dir, facts.max_logs))
        .unwrap_or_default();
    let log_names: Vec<String> = logs
        .iter()
        .filter_map(|path| path.file_name())
        .map(|name| format!("logs/{}", name.to_string_lossy()))
        .collect();
    let manifest = json!({
        "id": id,
        "createdAt": time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        "appVersion": facts.app_version,
        "os": facts.os,
        "webview": facts.webview,
        "cloud": facts.cloud,
        "logs": log_names,
        "preflight": facts.preflight.is_some(),
        "runtime": facts.runtime.is_some(),
        "operations": facts.operations.len(),
    });
    files.push(file("manifest.json", &pretty(&manifest)));
    if let Some(preflight) = &facts.preflight {
        files.push(file("preflight.json", &pretty(preflight)));
    }
    if let Some(runtime) = &facts.runtime {
        files.push(file("runtime.json", &pretty(runtime)));
    }
    files.push(file(
        "operations.json",
        &pretty(&Value::Array(facts.operations.clone())),
    ));
    for (path, name) in logs.iter().zip(&log_names) {
        if let Ok(bytes) = std::fs::read(path) {
            files.push(file(name, &tail(&bytes)));
        }
    }
    Bundle { id, files }
}

/// The newest log files a bundle holds unless the user asks for another number.
pub const DEFAULT_MAX_LOGS: usize = 5;
/// The journal's last operations a bundle holds unless the user asks for another number.
pub const DEFAULT_MAX_OPERATIONS: usize = 20;

/// The file the user chose for the bundle, as typed ([`typed_path`]: a relative path only where
/// the host has a working folder), checked before anything is written.
pub fn chosen_path(given: &Path, relative_to: Option<&Path>) -> Result<PathBuf> {
    typed_path(given, relative_to).ok_or_else(|| {
        Error::invalid_input(format!(
            "\"{}\" is not a full path, so it is not clear where the bundle would go.",
            given.display()
        ))
        .with_remedy(
            "Give the full path of the file, for example the one suggested in your Downloads folder.",
        )
    })
}

/// Writes the bundle as a zip at `path` (private to the user where the OS allows).
pub fn write_zip(bundle: &Bundle, path: &Path) -> Result<()> {
    let failed = |error: &dyn std::fmt::Display| {
        Error::new(
            ErrorCode::Config,
            format!(
                "pfrm could not write the diagnostics bundle to {}: {error}",
                path.display()
            ),
        )
        .with_remedy("Choose a file in a folder you can write to, then save again.")
    };
    if path.as_os_str().is_empty() || path.is_dir() {
        return Err(failed(&"that is a folder, not a file name"));
    }
    match path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        Some(parent) if !parent.is_dir() => {
            return Err(failed(&format!(
                "the folder {} does not exist",
                parent.display()
            )));
        }
        _ => {}
    }
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        for entry in &bundle.files {
            zip.start_file(entry.name.as_str(), options)
                .map_err(|e| failed(&e))?;
            zip.write_all(entry.text.as_bytes())
                .map_err(|e| failed(&e))?;
        }
        zip.finish().map_err(|e| failed(&e))?;
    }
    crate::files::write_private(path, buffer.get_ref()).map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_needs_a_full_path_for_the_bundle_and_the_cli_a_working_folder() {
        let error = chosen_path(Path::new(" bundle.zip "), None).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(
            error.message.contains("not a full path"),
            "{}",
            error.message
        );
        assert!(error.remedy.as_deref().unwrap().contains("full path"));
        assert_eq!(
            chosen_path(Path::new(" /tmp/b.zip"), None).unwrap(),
            Path::new("/tmp/b.zip")
        );
        assert_eq!(
            chosen_path(Path::new("b.zip"), Some(Path::new("/work"))).unwrap(),
            Path::new("/work/b.zip")
        );
    }

    /// Secrets of every kind the bundle must never hold, each planted in every source.
    const JWT: &str =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5";
    const CANARIES: [&str; 6] = [
        JWT,
        "opaque-canary-token-0123456789",
        "Q2FuYXJ5S2V5Rm9yU3RvcmFnZQ",
        "canary-client-secret-42",
        "carol.canary@contoso.com",
        "canarySig0123",
    ];

    fn planted(context: &str) -> String {
        format!(
            "{context}: Authorization: Bearer {JWT}; token bearer opaque-canary-token-0123456789; \
             DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=Q2FuYXJ5S2V5Rm9yU3RvcmFnZQ==;EndpointSuffix=core.windows.net; \
             client_secret=canary-client-secret-42&x=1; user carol.canary@contoso.com; \
             https://st1.blob.core.windows.net/c?sv=2024&sig=canarySig0123&se=2026"
        )
    }

    #[test]
    fn a_bundle_full_of_planted_secrets_holds_none_of_them() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        for n in 0..4 {
            std::fs::write(
                logs.join(format!("pfrm.{n}.log")),
                planted(&format!("log {n}")),
            )
            .unwrap();
        }
        let facts = BundleFacts {
            app_version: "1.2.3".into(),
            os: "linux x86_64".into(),
            webview: Some("WebKitGTK 2.44".into()),
            cloud: "AzureCloud".into(),
            log_dir: Some(logs),
            max_logs: 3,
            preflight: Some(json!({"checks": [{"evidence": planted("preflight")}]})),
            runtime: Some(json!({"name": "rt", "errorMessage": planted("runtime")})),
            operations: vec![json!({"id": "op-1", "error": planted("journal")})],
        };
        let bundle = collect(&facts);
        let path = dir.path().join("bundle.zip");
        write_zip(&bundle, &path).unwrap();

        // Read the zip back as the person helping would, and scan every entry.
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut names = Vec::new();
        let mut hits = Vec::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            for canary in CANARIES {
                if text.contains(canary) {
                    hits.push(format!("{} holds {canary}", entry.name()));
                }
            }
            names.push(entry.name().to_owned());
        }
        assert_eq!(hits, Vec::<String>::new(), "0 canary hits expected");
        assert_eq!(
            names,
            bundle.file_names(),
            "the list shown is what is saved"
        );
        // Everything it promises is there: the three newest logs, preflight, runtime, journal.
        assert_eq!(names.iter().filter(|n| n.starts_with("logs/")).count(), 3);
        for name in [
            "manifest.json",
            "preflight.json",
            "runtime.json",
            "operations.json",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        let manifest: Value = serde_json::from_str(&bundle.files[0].text).unwrap();
        assert_eq!(manifest["id"], bundle.id);
        assert_eq!(manifest["appVersion"], "1.2.3");
        assert_eq!(manifest["webview"], "WebKitGTK 2.44");
        assert_eq!(manifest["cloud"], "AzureCloud");
        // Redaction kept the rest readable.
        assert!(bundle
            .files
            .iter()
            .any(|f| f.text.contains("AccountName=st1")));
    }
}
