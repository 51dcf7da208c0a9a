//! The diagnostics bundle from Settings: gathered by the core (the same parts as `pfrm diagnose`,
//! plus this app's WebView), listed to the user (names, sizes, what was redacted) before anything
//! is written, then saved where the user says, and shown in its folder.

use std::path::{Path, PathBuf};

use pfrm_core::diagnosis::bundle::{self, Bundle, BundleSummary, SavedBundle};
use pfrm_core::diagnosis::gather::{self, HostFacts, Subjects};
use pfrm_core::{Error, ErrorCode};
use tauri::Manager;
use tauri_plugin_opener::OpenerExt;

use super::{Host, Reply};

/// The bundle the user was shown, kept until it is saved (what is saved is what was listed), and
/// where the last one went.
#[derive(Default)]
pub struct Diagnostics {
    shown: std::sync::Mutex<Option<Bundle>>,
    saved: std::sync::Mutex<Option<PathBuf>>,
}

/// The WebView this window runs in, named as its platform calls it.
fn webview() -> String {
    let engine = if cfg!(target_os = "linux") {
        "WebKitGTK"
    } else if cfg!(target_os = "windows") {
        "WebView2"
    } else {
        "WKWebView"
    };
    match tauri::webview_version() {
        Ok(version) => format!("{engine} {version}"),
        Err(error) => format!("{engine} (version unknown: {error})"),
    }
}

pub async fn prepare_diagnostics(host: &Host) -> Reply<BundleSummary> {
    let state = host.state();
    let cloud = match host.session().status().await {
        Ok(status) => status.cloud,
        Err(error) => format!("unknown ({})", error.message),
    };
    // The workspace the app shows (or showed last): its preflight and its failed runtime go in.
    let workspace = host.session().last_place().workspace_id.map(Ok);
    let services = host.services().await;
    let host_facts = HostFacts {
        app_version: state.info.version.clone(),
        webview: Some(webview()),
        cloud,
        log_dir: state.info.log_dir.as_ref().map(PathBuf::from),
        max_logs: bundle::DEFAULT_MAX_LOGS,
    };
    let subjects = Subjects {
        workspace,
        runtime: None,
        journal: pfrm_core::ops::default_journal_path(),
        max_operations: bundle::DEFAULT_MAX_OPERATIONS,
    };
    let bundle = gather::build(host_facts, services.as_ref(), subjects).await;
    let suggested = host
        .app
        .path()
        .download_dir()
        .ok()
        .map(|folder| folder.join(bundle.file_name()));
    let summary = bundle.summary(suggested.as_deref());
    *diagnostics(host)
        .shown
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(bundle);
    Ok(summary)
}

fn diagnostics(host: &Host) -> &Diagnostics {
    host.app.state::<Diagnostics>().inner()
}

pub async fn save_diagnostics(host: &Host, bundle_id: String, path: String) -> Reply<SavedBundle> {
    let path = bundle::chosen_path(Path::new(&path), None)?;
    let state = diagnostics(host);
    let shown = state
        .shown
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let Some(bundle) = shown.filter(|bundle| bundle.id == bundle_id) else {
        return Err(Error::new(
            ErrorCode::Config,
            "That diagnostics bundle is no longer the one shown: a newer one was made since.",
        )
        .with_remedy("Create the diagnostics bundle again, check its files, then save it."));
    };
    bundle::write_zip(&bundle, &path)?;
    tracing::info!(id = %bundle.id, "diagnostics bundle saved");
    *state.saved.lock().unwrap_or_else(|e| e.into_inner()) = Some(path.clone());
    Ok(SavedBundle {
        id: bundle.id,
        path: path.display().to_string(),
    })
}

/// Opens the file manager on the folder of the bundle saved last, with the file selected.
pub async fn show_saved_diagnostics(host: &Host) -> Reply<()> {
    let saved = diagnostics(host)
        .saved
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let Some(path) = saved else {
        return Err(
            Error::invalid_input("No diagnostics bundle was saved in this session.")
                .with_remedy("Create and save a diagnostics bundle first."),
        );
    };
    host.app
        .opener()
        .reveal_item_in_dir(&path)
        .map_err(|error| {
            Error::new(
                ErrorCode::Internal,
                format!(
                    "The folder of {} could not be opened ({error}).",
                    path.display()
                ),
            )
            .with_remedy(format!("Open {} in your file manager.", path.display()))
        })
}
