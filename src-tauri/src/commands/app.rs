//! The app itself: its facts, the runtime-name rule, the logs folder, links in the browser,
//! start-up timing and OS notifications.

use pfrm_core::app_info::AppInfo;
use pfrm_core::settings::LastPlace;
use pfrm_core::Error;
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

use super::{Host, Reply};

pub async fn app_info(host: &Host) -> Reply<AppInfo> {
    Ok(host.state().info.clone())
}

pub async fn validate_runtime_name(_: &Host, name: String) -> Reply<()> {
    pfrm_core::naming::validate_runtime_name(&name)
}

pub async fn suggest_runtime_name(
    _: &Host,
    instance_name: Option<String>,
    taken: Vec<String>,
) -> Reply<String> {
    Ok(pfrm_core::naming::suggest_runtime_name(
        instance_name.as_deref(),
        &taken,
    ))
}

pub async fn last_place(host: &Host) -> Reply<LastPlace> {
    Ok(host.session().last_place())
}

pub async fn remember_place(
    host: &Host,
    page: Option<String>,
    workspace_id: Option<String>,
) -> Reply<LastPlace> {
    let session = host.session();
    session.remember_place(page.as_deref(), workspace_id.as_deref())
}

pub async fn open_logs_folder(host: &Host) -> Reply<()> {
    let Some(dir) = &host.state().info.log_dir else {
        return Err(Error::new(
            pfrm_core::ErrorCode::Config,
            "There is no logs folder in this session: the app could not write one at start-up.",
        )
        .with_remedy(
            "See the warning at the top of the window for the reason, then restart the app.",
        ));
    };
    host.app
        .opener()
        .open_path(dir, None::<&str>)
        .map_err(|error| {
            Error::new(
                pfrm_core::ErrorCode::Internal,
                format!("The logs folder {dir} could not be opened ({error})."),
            )
            .with_remedy(format!("Open {dir} in your file manager."))
        })
}

/// Opens a link in the system browser, when it is an https address of Azure or Microsoft's
/// documentation (`pfrm_core::links`); anything else is refused with the reason.
pub async fn open_link(host: &Host, url: String) -> Reply<()> {
    let url = pfrm_core::links::checked_link(&url)?;
    host.open_in_browser(url.as_str(), format!("Copy {url} into your browser."))
}

/// Called by the UI once its first screen is painted and can take input. Logged with the time
/// since the process started; the start-up benchmark reads this line.
pub async fn frontend_ready(host: &Host) -> Reply<()> {
    let elapsed = host.state().started.elapsed();
    tracing::info!(elapsed_ms = elapsed.as_millis() as u64, "frontend ready");
    eprintln!("PFRM_FRONTEND_READY {}", elapsed.as_micros());
    Ok(())
}

/// Tells the user, through the OS, that a long operation ended while they were in another
/// window. Does nothing while the app's window has the focus (the Activity panel shows it).
/// Returns whether the notification went to a system that can show it: `false` while focused,
/// where this system would drop it silently (see `notifications`), or when it could not be sent.
pub async fn notify_when_unfocused(host: &Host, title: String, body: String) -> Reply<bool> {
    Ok(notify(&host.app, &host.window, title, body))
}

fn notify(
    app: &tauri::AppHandle,
    window: &tauri::WebviewWindow,
    title: String,
    body: String,
) -> bool {
    if window.is_focused().unwrap_or(false) {
        return false;
    }
    let product_name = app.config().product_name.clone().unwrap_or_default();
    let facts = crate::notifications::facts_here(&product_name, tauri::is_dev());
    if let crate::notifications::Support::Unavailable(why) = crate::notifications::support(&facts) {
        static TOLD: std::sync::Once = std::sync::Once::new();
        TOLD.call_once(|| {
            tracing::info!(
                why,
                "notifications are not shown; the Activity panel has the results"
            )
        });
        return false;
    }
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => true,
        Err(error) => {
            // No notification service (a bare X session, a locked-down desktop): the Activity
            // panel still has the result, so this is not worth an error dialog.
            tracing::warn!(%error, "the notification could not be shown");
            false
        }
    }
}
