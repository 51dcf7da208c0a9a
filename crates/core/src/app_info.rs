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

#[cfg(test)]
mod tests {
    use super::*;

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
