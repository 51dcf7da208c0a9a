//! What the app remembers between runs in the session's settings file, apart from accounts: the
//! place it was left on, whether to check versions at start-up, the week the retirement notice
//! was dismissed, and whether the app may update itself. Each answers what the app shows after
//! the change.

use super::Session;
use crate::app_info::{app_updates_turned_off, AppUpdateState, APP_UPDATES_OFF_ENV};
use crate::error::Error;
use crate::migration::retirement::RetirementStatus;
use crate::settings::{LastPlace, UpdatePreferences};

impl Session {
    /// The page and workspace the app was left on.
    pub fn last_place(&self) -> LastPlace {
        LastPlace::from_settings(&self.settings())
    }

    /// Remembers the page and workspace shown now (each when given). The page changes often, so
    /// the file is written only when the place moved.
    pub fn remember_place(
        &self,
        page: Option<&str>,
        workspace_id: Option<&str>,
    ) -> Result<LastPlace, Error> {
        let mut current = self.settings();
        if !LastPlace::record(&mut current, page, workspace_id) {
            return Ok(LastPlace::from_settings(&current));
        }
        let saved = self.update_settings(|settings| {
            LastPlace::record(settings, page, workspace_id);
        })?;
        Ok(LastPlace::from_settings(&saved))
    }

    pub fn update_preferences(&self) -> UpdatePreferences {
        UpdatePreferences::from_settings(&self.settings())
    }

    /// Whether the app checks the shown workspace's runtime versions when it starts.
    pub fn set_check_updates_at_startup(&self, enabled: bool) -> Result<UpdatePreferences, Error> {
        let saved = self.update_settings(|settings| {
            settings.check_updates_at_startup = enabled;
        })?;
        Ok(UpdatePreferences::from_settings(&saved))
    }

    /// Why the app may not look for newer versions of itself now, if it may not: the
    /// administrator's variable, else the settings (read again, so an edit counts at once).
    pub fn app_updates_turned_off(&self) -> Option<AppUpdateState> {
        let env = std::env::var(APP_UPDATES_OFF_ENV).ok();
        app_updates_turned_off(env.as_deref(), &self.settings())
    }

    /// Prompt flow's retirement as of today (the sandbox's emulated date in the sandbox), with
    /// this week's dismissal of the notice applied.
    pub async fn retirement_status(&self) -> RetirementStatus {
        let dismissed = self.settings().retirement_notice_dismissed_week;
        RetirementStatus::on(self.clock().await.today()).with_dismissal(dismissed.as_deref())
    }

    /// Hides the retirement notice until the end of this week.
    pub async fn dismiss_retirement_notice(&self) -> Result<RetirementStatus, Error> {
        let status = RetirementStatus::on(self.clock().await.today());
        let week = status.week_of.clone();
        let saved = self.update_settings(|settings| {
            settings.retirement_notice_dismissed_week = Some(week);
        })?;
        Ok(status.with_dismissal(saved.retirement_notice_dismissed_week.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SessionKind, SessionOptions};
    use super::*;

    fn session(dir: &tempfile::TempDir) -> Session {
        Session::new(SessionOptions {
            kind: SessionKind::App,
            settings_path: dir.path().join("settings.json"),
            journal_path: None,
            cloud: None,
            cloud_file: None,
        })
    }

    #[test]
    fn the_place_is_written_only_when_it_moved_and_a_later_run_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let first = session(&dir);
        let place = first
            .remember_place(Some("runtimes"), Some("ws-1"))
            .unwrap();
        assert_eq!(place.page.as_deref(), Some("runtimes"));
        let written = std::fs::read_to_string(&path).unwrap();
        // The same place again costs no write: the file is left as it was, even when another
        // process has changed it meanwhile.
        std::fs::write(&path, written.replace("ws-1", "ws-other")).unwrap();
        first.remember_place(Some("runtimes"), None).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("ws-other"));
        first.remember_place(None, Some("ws-2")).unwrap();
        let next_run = session(&dir).last_place();
        assert_eq!(next_run.page.as_deref(), Some("runtimes"));
        assert_eq!(next_run.workspace_id.as_deref(), Some("ws-2"));
    }

    #[test]
    fn the_start_up_check_choice_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let before = session(&dir).update_preferences().check_at_startup;
        let saved = session(&dir).set_check_updates_at_startup(!before).unwrap();
        assert_eq!(saved.check_at_startup, !before);
        assert_eq!(session(&dir).update_preferences().check_at_startup, !before);
    }

    #[tokio::test]
    async fn a_dismissed_notice_stays_hidden_for_the_week_in_a_later_run() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!session(&dir).retirement_status().await.dismissed_this_week);
        let dismissed = session(&dir).dismiss_retirement_notice().await.unwrap();
        assert!(dismissed.dismissed_this_week);
        let next_run = session(&dir).retirement_status().await;
        assert!(next_run.dismissed_this_week);
        assert_eq!(next_run.week_of, dismissed.week_of);
    }
}
