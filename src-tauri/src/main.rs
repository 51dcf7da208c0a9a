//! The desktop shell: one window, thin commands over `pfrm_core`, logging, single instance.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod logging;
mod paths;

use std::time::Instant;

use pfrm_core::app_info::{AppInfo, StartupWarning, StartupWarningKind};
use tauri::Manager;

/// What the commands share: facts gathered at start-up that do not change while the app runs.
pub struct AppState {
    pub info: AppInfo,
    pub started: Instant,
}

/// The settings file could not be used: say where the old settings went and what to do.
fn config_warning(config_file: &std::path::Path, message: String) -> StartupWarning {
    let mut backup = config_file.as_os_str().to_owned();
    backup.push(".bak");
    let backup = std::path::PathBuf::from(backup);
    let remedy = if backup.exists() && !config_file.exists() {
        format!(
            "Your old settings are kept in {}. Fix that file and rename it back to {} while the \
             app is closed, or choose your settings again in the app.",
            backup.display(),
            config_file.display()
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

fn main() {
    let started = Instant::now();
    let dirs = paths::AppDirs::from_environment();

    let mut warnings: Vec<StartupWarning> = Vec::new();
    let log = logging::init(dirs.log_dir.as_deref());
    warnings.extend(log.warning.clone());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");

    let settings = pfrm_core::settings::Settings::load(&dirs.config_file);
    if let Some(message) = settings.warning {
        warnings.push(config_warning(&dirs.config_file, message));
    }
    for warning in &warnings {
        tracing::warn!(kind = ?warning.kind, "{} {}", warning.message, warning.remedy);
    }

    let state = AppState {
        info: AppInfo {
            name: "Prompt Flow Runtime Manager".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            log_dir: log.file_dir.as_ref().map(|dir| dir.display().to_string()),
            config_path: dirs.config_file.display().to_string(),
            warnings,
        },
        started,
    };

    let result = tauri::Builder::default()
        // Must come first: a second launch hands over to the running app and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("second launch: focusing the existing window");
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::validate_runtime_name,
            commands::open_logs_folder,
            commands::frontend_ready,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        tracing::error!(%error, "the app stopped with an error");
        drop(log);
        std::process::exit(1);
    }
    drop(log);
}
