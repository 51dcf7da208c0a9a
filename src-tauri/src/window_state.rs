//! Keeps the window's size and place on disk while the app runs, not only when it exits.
//!
//! `tauri-plugin-window-state` writes its file on `RunEvent::Exit`, which never comes when the
//! app is killed, crashes, or loses its window without exiting (a WebDriver session that closes
//! its only window ends the app at once). So the state is also written when the window's close
//! is requested, and as the window is resized or moved: at once for the first change, then at
//! most every `SETTLE` while a drag goes on, and once more when it has settled, so the file
//! always ends with the last size without a write for every step of a drag.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// How long the window must stay still before its last size or place is written.
const SETTLE: Duration = Duration::from_millis(300);

/// When the state was last written, and which change the pending write is for.
#[derive(Default)]
pub struct Changes(Mutex<ChangeLog>);

#[derive(Default)]
struct ChangeLog {
    last_saved: Option<Instant>,
    /// Counts moves and resizes, so that only the last of a burst writes the file once it settles.
    latest: u64,
}

/// The app's window-event hook: writes the window state at the moments above.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    match event {
        WindowEvent::CloseRequested { .. } => save(window.app_handle()),
        WindowEvent::Resized(_) | WindowEvent::Moved(_) => changed(window.app_handle()),
        _ => {}
    }
}

fn changed<R: Runtime>(app: &tauri::AppHandle<R>) {
    let (this_change, save_now) = {
        let changes = app.state::<Changes>();
        let mut log = changes
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        log.latest += 1;
        let save_now = log.last_saved.is_none_or(|at| at.elapsed() >= SETTLE);
        if save_now {
            log.last_saved = Some(Instant::now());
        }
        (log.latest, save_now)
    };
    if save_now {
        save(app);
    }
    // Whatever came after this write is written once the window has been still for a while.
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        let settled = {
            let changes = app.state::<Changes>();
            let mut log = changes
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let settled = log.latest == this_change;
            if settled {
                log.last_saved = Some(Instant::now());
            }
            settled
        };
        if settled {
            save(&app);
        }
    });
}

fn save<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Err(error) = app.save_window_state(StateFlags::all()) {
        // The app works the same; it only opens at its default size next time.
        tracing::warn!(%error, "the window's size and place could not be saved");
    }
}
