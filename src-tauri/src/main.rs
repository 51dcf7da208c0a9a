//! The desktop shell: one window, thin commands over `pfrm_core`, logging, single instance.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app_update;
mod commands;
mod logging;
mod menu;
mod notifications;
mod paths;
mod sandbox;
mod taskbar;
mod webkit_renderer;
mod window_state;

use std::time::Instant;

use std::sync::Arc;

use pfrm_core::app_info::AppInfo;
use pfrm_core::connection::{Session, SessionKind, SessionOptions, StartChoice};
use tauri::Manager;

/// What the commands share: facts gathered at start-up that do not change while the app runs.
pub struct AppState {
    pub info: AppInfo,
    pub started: Instant,
    pub session: pfrm_core::connection::Session,
}

/// Command-line options of the desktop app (also read from the environment, for tests).
#[derive(Debug, Default)]
struct LaunchOptions {
    /// `--sandbox`: start in the sandbox; `--sandbox-when-signed-out`: unless an account is
    /// signed in (`cargo xtask run`).
    start: StartChoice,
    /// The sandbox's world (`--sandbox-scenario NAME`, `--sandbox-user EMAIL`).
    sandbox_world: sandbox::SandboxWorld,
    cloud: Option<String>,
    cloud_config: Option<std::path::PathBuf>,
}

impl LaunchOptions {
    fn parse(args: impl Iterator<Item = String>) -> LaunchOptions {
        let mut options = LaunchOptions {
            cloud: std::env::var("PFRM_CLOUD").ok().filter(|v| !v.is_empty()),
            cloud_config: std::env::var_os("PFRM_CLOUD_CONFIG")
                .filter(|v| !v.is_empty())
                .map(Into::into),
            start: if std::env::var_os("PFRM_SANDBOX").is_some_and(|v| v == "1") {
                StartChoice::Sandbox
            } else {
                StartChoice::SavedAccount
            },
            sandbox_world: sandbox::SandboxWorld {
                scenario: std::env::var("PFRM_SANDBOX_SCENARIO")
                    .ok()
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| sandbox::DEFAULT_SANDBOX_SCENARIO.into()),
                user: std::env::var("PFRM_SANDBOX_USER")
                    .ok()
                    .filter(|v| !v.is_empty()),
            },
        };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--sandbox" => options.start = StartChoice::Sandbox,
                "--sandbox-when-signed-out" if options.start != StartChoice::Sandbox => {
                    options.start = StartChoice::SandboxWhenSignedOut
                }
                "--sandbox-when-signed-out" => {}
                "--sandbox-scenario" => {
                    if let Some(scenario) = args.next() {
                        options.sandbox_world.scenario = scenario;
                    }
                }
                "--sandbox-user" => options.sandbox_world.user = args.next(),
                "--cloud" => options.cloud = args.next(),
                "--cloud-config" => options.cloud_config = args.next().map(Into::into),
                other => tracing::warn!(argument = other, "ignoring an unknown argument"),
            }
        }
        options
    }
}

fn main() {
    let started = Instant::now();
    // First, while the process has one thread: it may set a variable WebKit reads later.
    let renderer = webkit_renderer::apply_before_any_thread();
    let dirs = paths::AppDirs::from_environment();

    let log = logging::init(dirs.log_dir.as_deref());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    match &renderer {
        webkit_renderer::RendererChoice::CpuPaintingWithoutGpu => tracing::info!(
            "no GPU found: {}=1 for a faster first paint",
            webkit_renderer::CPU_PAINTING_SWITCH
        ),
        webkit_renderer::RendererChoice::UserChoice(value) => tracing::info!(
            "{}={value} as set by the user",
            webkit_renderer::CPU_PAINTING_SWITCH
        ),
        webkit_renderer::RendererChoice::GpuDefault
        | webkit_renderer::RendererChoice::NotApplicable => {}
    }

    let settings = pfrm_core::settings::Settings::load(&dirs.config_file);

    let launch = LaunchOptions::parse(std::env::args().skip(1));
    let session = Session::new(SessionOptions {
        kind: SessionKind::App,
        settings_path: dirs.config_file.clone(),
        journal_path: dirs.journal_file.clone(),
        cloud: launch.cloud.clone(),
        cloud_file: launch.cloud_config.clone(),
    })
    .with_sandbox(Arc::new(launch.sandbox_world.clone()));
    let info = pfrm_core::startup::app_info(pfrm_core::startup::Startup {
        version: env!("CARGO_PKG_VERSION"),
        config_file: &dirs.config_file,
        settings: &settings,
        log_dir: log.folder.as_deref(),
        journal_warning: session.journal_warning(),
    });
    for warning in &info.warnings {
        tracing::warn!(kind = ?warning.kind, "{} {}", warning.message, warning.remedy);
    }

    let state = AppState {
        info,
        started,
        session,
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
        .plugin(tauri_plugin_notification::init())
        // Checks and installs only when the user asks (app_update); no JavaScript access.
        .plugin(tauri_plugin_updater::Builder::new().build())
        // The window opens where and as large as the user left it.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // ...and written as soon as it changes, not only when the app exits.
        .manage(window_state::Changes::default())
        .on_window_event(window_state::on_event)
        // Native open and save dialogs; the window may open them and nothing more
        // (capabilities/main-window.json).
        .plugin(tauri_plugin_dialog::init())
        .manage(app_update::PendingUpdate::default())
        .manage(menu::MenuListener::default())
        .manage(commands::Diagnostics::default())
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .manage(state)
        .setup(move |app| {
            // Long operations show on the taskbar while they run.
            if let Some(window) = app.get_webview_window("main") {
                let operations = app.state::<AppState>().session.operations().clone();
                tauri::async_runtime::spawn(pfrm_core::ops::taskbar::follow(
                    operations,
                    taskbar::WindowProgress(window),
                ));
            }
            if launch.start != StartChoice::SavedAccount {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    let state = handle.state::<AppState>();
                    if let Err(error) = state.session.start(launch.start).await {
                        tracing::error!(code = %error.code, "{}", error.message);
                    }
                });
            }
            Ok(())
        })
        .invoke_handler(commands::invoke_handler())
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(error) = result {
        tracing::error!(%error, "the app stopped with an error");
        drop(log);
        std::process::exit(1);
    }
    drop(log);
}
