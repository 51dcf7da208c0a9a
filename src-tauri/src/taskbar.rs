//! The window's taskbar entry shows what `pfrm_core::ops::taskbar` decides: busy while an
//! operation runs, an error mark when the last one failed. Tauri draws it on Windows' taskbar,
//! macOS's dock and Linux launchers that implement the Unity launcher API; elsewhere the call
//! does nothing. The decision is tested in core against a recording display.

use pfrm_core::ops::taskbar::{ProgressDisplay, TaskbarProgress};
use tauri::window::{ProgressBarState, ProgressBarStatus};

pub struct WindowProgress(pub tauri::WebviewWindow);

impl ProgressDisplay for WindowProgress {
    fn show(&self, progress: TaskbarProgress) {
        let state = match progress {
            TaskbarProgress::Idle => ProgressBarState {
                status: Some(ProgressBarStatus::None),
                progress: None,
            },
            TaskbarProgress::Busy => ProgressBarState {
                status: Some(ProgressBarStatus::Indeterminate),
                progress: None,
            },
            // A full bar in the error colour: the taskbar's way of saying "ended, failed".
            TaskbarProgress::Failed => ProgressBarState {
                status: Some(ProgressBarStatus::Error),
                progress: Some(100),
            },
        };
        if let Err(error) = self.0.set_progress_bar(state) {
            // Not every desktop has a place for it; the app works the same without.
            tracing::debug!(%error, "the taskbar progress could not be shown");
        }
    }
}
