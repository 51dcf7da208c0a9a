//! What the app tells the user about itself: version, where its files are, and anything that
//! went wrong while starting that the user should know about (the app still opens).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Something that went wrong while starting; the app carries on with a safe fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StartupWarningKind {
    /// The configuration file could not be read or understood; defaults are in use and the
    /// file was kept aside so nothing is lost.
    ConfigUnreadable,
    /// The log folder could not be created or written; logs go to the terminal only.
    LogDirUnwritable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StartupWarning {
    pub kind: StartupWarningKind,
    /// What happened, in a sentence.
    pub message: String,
    /// What the user can do about it.
    pub remedy: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Folder of the daily log files; `None` when logging to a file is not possible.
    pub log_dir: Option<String>,
    pub config_path: String,
    pub warnings: Vec<StartupWarning>,
}

/// Set to `1` (or `true`) by an administrator, the app never looks for newer versions of itself.
pub const APP_UPDATES_OFF_ENV: &str = "PFRM_DISABLE_APP_UPDATES";

/// Where "Check for updates" (of the app itself) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppUpdateState {
    UpToDate,
    /// A newer, signed version is offered; nothing is downloaded until the user says so.
    Available,
    /// Turned off for the machine by [`APP_UPDATES_OFF_ENV`].
    TurnedOffByAdministrator,
    /// Turned off in the settings file (`appUpdatesOff`).
    TurnedOffInSettings,
    /// This build has no update feed and key (it was not made by the release workflow).
    NotAvailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppUpdateCheck {
    pub state: AppUpdateState,
    pub current_version: String,
    /// The version offered, when one is.
    pub version: Option<String>,
    /// Its release notes, when the feed has them.
    pub notes: Option<String>,
}

/// A version of the app the release feed offers, newer than the running one (the updater that
/// reads the feed compares the versions and checks the signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedUpdate {
    pub version: String,
    /// Its release notes, when the feed has them.
    pub notes: Option<String>,
}

impl AppUpdateCheck {
    /// The answer when the feed is not asked: updates are turned off (`turned_off`, from
    /// [`app_updates_turned_off`]), else this build has no feed.
    pub fn not_asked(current_version: &str, turned_off: Option<AppUpdateState>) -> AppUpdateCheck {
        AppUpdateCheck {
            state: turned_off.unwrap_or(AppUpdateState::NotAvailable),
            current_version: current_version.to_owned(),
            version: None,
            notes: None,
        }
    }

    /// The answer once the feed was asked: the version it offers, if any is newer.
    pub fn from_feed(current_version: &str, offered: Option<OfferedUpdate>) -> AppUpdateCheck {
        match offered {
            Some(update) => AppUpdateCheck {
                state: AppUpdateState::Available,
                current_version: current_version.to_owned(),
                version: Some(update.version),
                notes: update.notes,
            },
            None => AppUpdateCheck {
                state: AppUpdateState::UpToDate,
                ..AppUpdateCheck::not_asked(current_version, None)
            },
        }
    }
}

/// Whether the app may look for newer versions of itself: `Some(reason)` when it may not.
/// The administrator's variable wins over the user's settings.
pub fn app_updates_turned_off(
    env_value: Option<&str>,
    settings: &crate::settings::Settings,
) -> Option<AppUpdateState> {
    let env_says_off = env_value
        .map(|value| value.trim().to_ascii_lowercase())
        .is_some_and(|value| matches!(value.as_str(), "1" | "true" | "yes" | "on"));
    if env_says_off {
        Some(AppUpdateState::TurnedOffByAdministrator)
    } else if settings.app_updates_off {
        Some(AppUpdateState::TurnedOffInSettings)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_updates_are_off_when_the_administrator_or_the_settings_say_so() {
        let mut settings = crate::settings::Settings::default();
        assert_eq!(app_updates_turned_off(None, &settings), None);
        assert_eq!(app_updates_turned_off(Some("0"), &settings), None);
        assert_eq!(app_updates_turned_off(Some(""), &settings), None);
        for on in ["1", "true", "TRUE", " yes "] {
            assert_eq!(
                app_updates_turned_off(Some(on), &settings),
                Some(AppUpdateState::TurnedOffByAdministrator),
                "{on:?}"
            );
        }
        settings.app_updates_off = true;
        assert_eq!(
            app_updates_turned_off(None, &settings),
            Some(AppUpdateState::TurnedOffInSettings)
        );
        assert_eq!(
            app_updates_turned_off(Some("1"), &settings),
            Some(AppUpdateState::TurnedOffByAdministrator)
        );
    }

    #[test]
    fn the_check_offers_the_feeds_newer_version_with_its_notes_or_says_why_not() {
        let offered = OfferedUpdate {
            version: "0.2.0".into(),
            notes: Some("Faster start-up.".into()),
        };
        let available = AppUpdateCheck::from_feed("0.1.0", Some(offered));
        assert_eq!(available.state, AppUpdateState::Available);
        assert_eq!(available.current_version, "0.1.0");
        assert_eq!(available.version.as_deref(), Some("0.2.0"));
        assert_eq!(available.notes.as_deref(), Some("Faster start-up."));
        let none = AppUpdateCheck::from_feed("0.1.0", None);
        assert_eq!(none.state, AppUpdateState::UpToDate);
        assert_eq!((none.version, none.notes), (None, None));
        let off = AppUpdateCheck::not_asked("0.1.0", Some(AppUpdateState::TurnedOffInSettings));
        assert_eq!(off.state, AppUpdateState::TurnedOffInSettings);
        assert_eq!(
            AppUpdateCheck::not_asked("0.1.0", None).state,
            AppUpdateState::NotAvailable
        );
    }

    #[test]
    fn the_settings_file_keeps_the_app_updates_switch() {
        let settings: crate::settings::Settings =
            serde_json::from_str(r#"{"appUpdatesOff":true}"#).unwrap();
        assert!(settings.app_updates_off);
        let default = serde_json::to_string(&crate::settings::Settings::default()).unwrap();
        assert!(!default.contains("appUpdatesOff"), "{default}");
    }

    #[test]
    fn app_info_serialises_in_camel_case_with_snake_case_warning_kinds() {
        let info = AppInfo {
            name: "Prompt Flow Runtime Manager".into(),
            version: "0.1.0".into(),
            log_dir: None,
            config_path: "/home/u/.config/pfrm/settings.json".into(),
            warnings: vec![StartupWarning {
                kind: StartupWarningKind::LogDirUnwritable,
                message: "m".into(),
                remedy: "r".into(),
            }],
        };
        assert_eq!(
            serde_json::to_string(&info).unwrap(),
            concat!(
                r#"{"name":"Prompt Flow Runtime Manager","version":"0.1.0","logDir":null,"#,
                r#""configPath":"/home/u/.config/pfrm/settings.json","#,
                r#""warnings":[{"kind":"log_dir_unwritable","message":"m","remedy":"r"}]}"#
            )
        );
    }
}
