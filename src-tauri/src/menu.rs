//! The native menu: File (refresh, new runtime, settings, quit), Edit (the clipboard keys macOS
//! needs a menu for) and Help (about, check for updates, open logs, copy diagnostics), with the
//! usual shortcuts. Items that belong to a page are forwarded to the UI through the
//! `watch_menu` channel as their id; the UI decides what each does. "Open logs" is done here.
//!
//! The labels are the shell's message catalog ([`LABELS`]): the menu exists before any page.

use std::sync::Mutex;

use tauri::ipc::Channel;
use tauri::menu::{AboutMetadata, Menu, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_opener::OpenerExt;

use crate::commands::{Host, Reply};

/// Ids the UI receives (ui/src/menu.ts handles each).
pub const REFRESH: &str = "refresh";
pub const NEW_RUNTIME: &str = "new-runtime";
pub const SETTINGS: &str = "settings";
pub const CHECK_FOR_UPDATES: &str = "check-for-updates";
pub const COPY_DIAGNOSTICS: &str = "copy-diagnostics";
/// Handled here: opens the logs folder in the file manager.
const OPEN_LOGS: &str = "open-logs";

/// Every label of the menu, in one place.
pub struct Labels {
    pub file: &'static str,
    pub edit: &'static str,
    pub help: &'static str,
    pub refresh: &'static str,
    pub new_runtime: &'static str,
    pub settings: &'static str,
    pub check_for_updates: &'static str,
    pub open_logs: &'static str,
    pub copy_diagnostics: &'static str,
    pub about: &'static str,
}

pub const LABELS: Labels = Labels {
    file: "&File",
    edit: "&Edit",
    help: "&Help",
    refresh: "&Refresh",
    new_runtime: "&New runtime…",
    settings: "&Settings",
    check_for_updates: "Check for &updates…",
    open_logs: "Open &logs folder",
    copy_diagnostics: "&Copy diagnostics",
    about: "&About Prompt Flow Runtime Manager",
};

/// The channel of the UI's menu handler, once the UI has asked for it.
#[derive(Default)]
pub struct MenuListener(Mutex<Option<Channel<String>>>);

/// Builds the menu for `app`.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item = |id: &str, label: &str, accelerator: Option<&str>| {
        let mut builder = MenuItemBuilder::with_id(id, label);
        if let Some(keys) = accelerator {
            builder = builder.accelerator(keys);
        }
        builder.build(app)
    };
    let file = SubmenuBuilder::new(app, LABELS.file)
        .item(&item(REFRESH, LABELS.refresh, Some("CmdOrCtrl+R"))?)
        .item(&item(NEW_RUNTIME, LABELS.new_runtime, Some("CmdOrCtrl+N"))?)
        .item(&item(SETTINGS, LABELS.settings, Some("CmdOrCtrl+Comma"))?)
        .separator()
        .quit()
        .build()?;
    let edit = SubmenuBuilder::new(app, LABELS.edit)
        .undo()
        .redo()
        .separator()
        .cut()
        .copy()
        .paste()
        .select_all()
        .build()?;
    let info = app.package_info();
    let about = AboutMetadata {
        name: Some(info.name.clone()),
        version: Some(info.version.to_string()),
        comments: Some(info.description.to_owned()),
        license: Some("MIT".into()),
        ..AboutMetadata::default()
    };
    let help = SubmenuBuilder::new(app, LABELS.help)
        .item(&item(CHECK_FOR_UPDATES, LABELS.check_for_updates, None)?)
        .item(&item(OPEN_LOGS, LABELS.open_logs, None)?)
        .item(&item(COPY_DIAGNOSTICS, LABELS.copy_diagnostics, None)?)
        .separator()
        .about_with_text(LABELS.about, Some(about))
        .build()?;
    Menu::with_items(app, &[&file, &edit, &help])
}

/// What a click on a menu item does.
pub fn on_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref();
    if id == OPEN_LOGS {
        if let Some(dir) = &app.state::<crate::AppState>().info.log_dir {
            if let Err(error) = app.opener().open_path(dir, None::<&str>) {
                tracing::warn!(%error, "could not open the logs folder from the menu");
            }
        }
        return;
    }
    let listener = app.state::<MenuListener>();
    let channel = listener.0.lock().expect("menu listener lock").clone();
    match channel {
        Some(channel) => {
            if channel.send(id.to_owned()).is_err() {
                tracing::warn!(item = id, "the page did not take the menu item");
            }
        }
        None => tracing::info!(item = id, "menu item before the page listens; ignored"),
    }
}

/// The UI's menu handler: receives the id of every menu item it handles. A newer call (a
/// reloaded page) replaces the older channel.
pub async fn watch_menu(host: &Host, on_item: Channel<String>) -> Reply<()> {
    *host
        .app
        .state::<MenuListener>()
        .0
        .lock()
        .expect("menu listener lock") = Some(on_item);
    Ok(())
}
