//! Prompt flow's retirement in the app: the notice's facts (date, days left, frozen images),
//! its weekly dismissal, and Microsoft's migration guide opened in the system browser.

use pfrm_core::migration::retirement::{RetirementStatus, MIGRATION_GUIDE_URL};
use pfrm_core::settings::Settings;
use pfrm_core::{Error, ErrorCode};
use tauri_plugin_opener::OpenerExt;

use super::{Host, Reply};

/// The retirement as of today (the sandbox's emulated date when in the sandbox), with this
/// week's dismissal applied.
pub async fn retirement_status(host: &Host) -> Reply<RetirementStatus> {
    let today = host.state().session.clock().await.today();
    let settings = Settings::load(host.state().session.settings_path()).settings;
    Ok(RetirementStatus::on(today)
        .with_dismissal(settings.retirement_notice_dismissed_week.as_deref()))
}

/// Hides the notice until the end of this week.
pub async fn dismiss_retirement_notice(host: &Host) -> Reply<RetirementStatus> {
    let status = RetirementStatus::on(host.state().session.clock().await.today());
    let path = host.state().session.settings_path();
    let current = Settings::load(path).settings;
    let week = status.week_of.clone();
    let saved = Settings::update(path, &current, |settings| {
        settings.retirement_notice_dismissed_week = Some(week);
    })?;
    Ok(status.with_dismissal(saved.retirement_notice_dismissed_week.as_deref()))
}

/// Opens Microsoft's migration guide in the system browser. Only this one address can be
/// opened: the page passes no URL.
pub async fn open_migration_guide(host: &Host) -> Reply<()> {
    host.app
        .opener()
        .open_url(MIGRATION_GUIDE_URL, None::<&str>)
        .map_err(|error| {
            Error::new(
                ErrorCode::Internal,
                format!("The browser could not be opened ({error})."),
            )
            .with_remedy(format!("Open {MIGRATION_GUIDE_URL} in your browser."))
        })
}
