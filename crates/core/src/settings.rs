//! The settings file: `settings.json` in the OS config directory. It never holds a secret.
//!
//! An unreadable file is never lost silently: it is kept aside as
//! `settings.json.damaged-<time>` (a new name each time, see [`crate::files::set_aside`]),
//! defaults are used, and [`LoadedSettings::warning`] says where (the GUI shows it, the CLI
//! prints it). The file is written atomically and is readable by the user only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode};

/// Overrides the config directory (tests, portable installs).
pub const CONFIG_DIR_ENV: &str = "PFRM_CONFIG_DIR";
pub const SETTINGS_FILE: &str = "settings.json";
/// The largest settings file pfrm reads: far above any real one (a few KB), small enough that a
/// wrong file chosen by mistake is refused rather than loaded whole.
pub const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// How a user signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub enum SignInMethod {
    Browser,
    DeviceCode,
    AzureCli,
}

/// A signed-in account as remembered between runs (no token: those live in the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    pub id: String,
    /// Name of the cloud the account belongs to (`AzureCloud`, or the custom cloud's name).
    pub cloud: String,
    pub username: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub home_tenant_id: Option<String>,
    /// The tenant tokens are requested for now.
    pub tenant_id: String,
    pub method: SignInMethod,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// `public`, `china`, `usgov` or `custom`. `None` means public.
    pub cloud: Option<String>,
    /// The custom cloud's description file (for example the emulator's ready file).
    pub custom_cloud_file: Option<PathBuf>,
    pub accounts: Vec<AccountRecord>,
    pub active_account: Option<String>,
    /// The workspace (ARM id) picked last, offered first next time by the app and the CLI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_workspace_id: Option<String>,
    /// The app's page when it was last left (`runtimes`, `permissions`, ...): the next start
    /// opens there. Never set, the app opens on Welcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_page: Option<String>,
    /// Per `cloud/region`, the day the user last signed in on that region's compute instances
    /// (`YYYY-MM-DD`); the add-runtime wizard skips that step for six months.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instance_sign_ins: BTreeMap<String, String>,
    /// After connecting, check the remembered workspace's runtimes for newer versions and say
    /// how many are behind. Off unless the user turns it on (it costs requests at every start).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub check_updates_at_startup: bool,
    /// The app never looks for newer versions of itself (a managed machine whose software is
    /// deployed centrally). The environment variable [`crate::app_info::APP_UPDATES_OFF_ENV`]
    /// does the same for every user of a machine.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub app_updates_off: bool,
    /// The week (its Monday, `YYYY-MM-DD`) the prompt flow retirement notice was dismissed in;
    /// the notice shows again from the next week on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retirement_notice_dismissed_week: Option<String>,
    /// Keys this version does not know (newer versions, other parts of the app): kept as they are.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// The update preferences the Settings page shows and changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePreferences {
    /// See [`Settings::check_updates_at_startup`].
    pub check_at_startup: bool,
    /// The workspace (ARM id) picked last, checked at start-up when the app remembers none.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_workspace_id: Option<String>,
}

impl UpdatePreferences {
    pub fn from_settings(settings: &Settings) -> UpdatePreferences {
        UpdatePreferences {
            check_at_startup: settings.check_updates_at_startup,
            last_workspace_id: settings.last_workspace_id.clone(),
        }
    }
}

/// Where the app was when it was last left: its page and workspace, reopened at the next start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LastPlace {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// ARM id of the workspace picked last (shared with the CLI).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

/// The longest page name kept: the app's pages are short words; anything longer is not one.
const MAX_PAGE_NAME: usize = 32;

impl LastPlace {
    pub fn from_settings(settings: &Settings) -> LastPlace {
        LastPlace {
            page: settings.last_page.clone(),
            workspace_id: settings.last_workspace_id.clone(),
        }
    }

    /// Records `page` and `workspace_id` (each when given) in `settings`; says whether anything
    /// changed, so an unchanged place costs no write. A page that is not a short lower-case word
    /// is not kept.
    pub fn record(settings: &mut Settings, page: Option<&str>, workspace_id: Option<&str>) -> bool {
        let mut changed = false;
        if let Some(page) = page.filter(|page| {
            !page.is_empty()
                && page.len() <= MAX_PAGE_NAME
                && page.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        }) {
            if settings.last_page.as_deref() != Some(page) {
                settings.last_page = Some(page.to_owned());
                changed = true;
            }
        }
        if let Some(id) = workspace_id.filter(|id| !id.is_empty()) {
            if settings.last_workspace_id.as_deref() != Some(id) {
                settings.last_workspace_id = Some(id.to_owned());
                changed = true;
            }
        }
        changed
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSettings {
    pub settings: Settings,
    /// Set when the file could not be used and defaults were taken instead.
    pub warning: Option<String>,
    /// Where the unusable file was moved to, when it could be moved.
    pub kept_as: Option<PathBuf>,
}

/// The config directory: `$PFRM_CONFIG_DIR`, else the OS one (`~/.config/pfrm` on Linux).
pub fn config_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "pfrm")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Config,
                "pfrm could not find your configuration folder.",
            )
            .with_remedy(format!(
                "Set {CONFIG_DIR_ENV} to a folder pfrm may write to."
            ))
        })
}

pub fn default_settings_path() -> Result<PathBuf, Error> {
    Ok(config_dir()?.join(SETTINGS_FILE))
}

impl Settings {
    /// Reads the settings; a missing file gives defaults, a broken one gives defaults + warning.
    pub fn load(path: &Path) -> LoadedSettings {
        let problem = match crate::files::read_capped(path, MAX_SETTINGS_BYTES) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(settings) => {
                    return LoadedSettings {
                        settings,
                        warning: None,
                        kept_as: None,
                    }
                }
                Err(error) => format!("it was damaged: {error}"),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return LoadedSettings {
                    settings: Settings::default(),
                    warning: None,
                    kept_as: None,
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::FileTooLarge => {
                format!("it is larger than {MAX_SETTINGS_BYTES} bytes")
            }
            Err(error) => {
                return LoadedSettings {
                    settings: Settings::default(),
                    warning: Some(format!(
                    "The settings file {} could not be read ({error}); default settings are used.",
                    path.display()
                )),
                    kept_as: None,
                }
            }
        };
        let (warning, kept_as) = match crate::files::set_aside(path) {
            Ok(kept) => (
                format!(
                    "The settings file {} could not be used ({problem}); default settings are used and the old file was kept as {}.",
                    path.display(),
                    kept.display()
                ),
                Some(kept),
            ),
            Err(error) => (
                format!(
                    "The settings file {} could not be used ({problem}) nor moved aside ({error}); default settings are used for this run.",
                    path.display()
                ),
                None,
            ),
        };
        tracing::warn!("{warning}");
        LoadedSettings {
            settings: Settings::default(),
            warning: Some(warning),
            kept_as,
        }
    }

    /// Writes the settings atomically (a staging file of this writer's own, fsync, rename),
    /// readable by the user only.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let fail = |error: std::io::Error| {
            Error::new(
                ErrorCode::Config,
                format!(
                    "pfrm could not save its settings to {}: {error}.",
                    path.display()
                ),
            )
            .with_remedy("Check that the folder exists and that you may write to it.")
        };
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::internal(e.to_string()))?;
        crate::files::write_private(path, text.as_bytes()).map_err(fail)
    }

    /// Read-modify-write: applies `change` to the settings currently on disk (so changes made
    /// meanwhile by the app or the CLI are kept), saves, and returns the result. A file that cannot
    /// be parsed is left alone and `fallback` is changed and saved instead.
    pub fn update(
        path: &Path,
        fallback: &Settings,
        change: impl FnOnce(&mut Settings),
    ) -> Result<Settings, Error> {
        let mut current = crate::files::read_capped(path, MAX_SETTINGS_BYTES)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .unwrap_or_else(|| fallback.clone());
        change(&mut current);
        current.save(path)?;
        Ok(current)
    }

    pub fn account(&self, id: &str) -> Option<&AccountRecord> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// The cloud chosen for this run: an explicit `selection` (`public`, `china`, `usgov`, `custom`)
/// or custom file first, then the remembered choice, then Azure Public. Returns the config, the
/// selection's name and the custom file (absolute) so the caller can remember them.
pub fn resolve_cloud(
    selection: Option<&str>,
    custom_file: Option<&Path>,
    settings: &Settings,
) -> Result<(crate::cloud::CloudConfig, String, Option<PathBuf>), Error> {
    let selection = match (selection, custom_file) {
        (Some(choice), _) => choice.to_ascii_lowercase(),
        (None, Some(_)) => "custom".to_owned(),
        (None, None) => settings
            .cloud
            .clone()
            .unwrap_or_else(|| "public".to_owned()),
    };
    if selection == "custom" {
        let file = custom_file
            .map(Path::to_path_buf)
            .or_else(|| settings.custom_cloud_file.clone())
            .ok_or_else(|| {
                Error::invalid_input("The custom cloud needs a description file.").with_remedy(
                    "Pass --cloud-config FILE (for example the emulator's ready file), or choose the file in Settings.",
                )
            })?;
        let file = std::path::absolute(&file).unwrap_or(file);
        let cloud = crate::cloud::CloudConfig::from_custom_file(&file)?;
        return Ok((cloud, selection, Some(file)));
    }
    let cloud = crate::cloud::CloudConfig::builtin(&selection).ok_or_else(|| {
        Error::invalid_input(format!("Unknown cloud '{selection}'."))
            .with_remedy("Use public, china, usgov or custom.")
    })?;
    Ok((cloud, selection, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_a_missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(SETTINGS_FILE);
        let loaded = Settings::load(&path);
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.warning.is_none());
        let settings = Settings {
            cloud: Some("custom".into()),
            custom_cloud_file: Some(PathBuf::from("/tmp/ready.json")),
            accounts: vec![AccountRecord {
                id: "u1.t1".into(),
                cloud: "emulator".into(),
                username: "alice@contoso.test".into(),
                display_name: Some("Alice".into()),
                home_tenant_id: Some("t1".into()),
                tenant_id: "t1".into(),
                method: SignInMethod::Browser,
            }],
            active_account: Some("u1.t1".into()),
            last_workspace_id: Some(
                "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws".into(),
            ),
            ..Settings::default()
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path).settings, settings);

        // Keys written by another part of the app survive an update made from here.
        let mut text: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        text["theme"] = serde_json::json!("dark");
        std::fs::write(&path, text.to_string()).unwrap();
        let updated = Settings::update(&path, &settings, |s| s.active_account = None).unwrap();
        assert_eq!(updated.other["theme"], "dark");
        let reread: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(reread["theme"], "dark");
        assert!(reread.get("activeAccount").is_none_or(|v| v.is_null()));
    }

    #[test]
    fn the_start_up_update_check_is_off_until_turned_on_and_then_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(
            &path,
            r#"{"lastWorkspaceId":"/subscriptions/s/ws","theme":"dark"}"#,
        )
        .unwrap();
        let loaded = Settings::load(&path).settings;
        assert!(!loaded.check_updates_at_startup, "off by default");
        let on = Settings::update(&path, &loaded, |s| s.check_updates_at_startup = true).unwrap();
        let preferences = UpdatePreferences::from_settings(&Settings::load(&path).settings);
        assert!(preferences.check_at_startup);
        assert_eq!(
            preferences.last_workspace_id.as_deref(),
            Some("/subscriptions/s/ws")
        );
        assert_eq!(on.other["theme"], "dark", "other keys are kept");
        Settings::update(&path, &on, |s| s.check_updates_at_startup = false).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("checkUpdatesAtStartup"), "{text}");
    }

    #[test]
    fn the_cloud_comes_from_flags_then_settings_then_public() {
        let settings = Settings::default();
        let (cloud, name, file) = resolve_cloud(None, None, &settings).unwrap();
        assert_eq!(
            (cloud.kind, name.as_str(), file),
            (crate::cloud::CloudKind::Public, "public", None)
        );
        let (cloud, _, _) = resolve_cloud(Some("usgov"), None, &settings).unwrap();
        assert_eq!(cloud.kind, crate::cloud::CloudKind::UsGov);
        let remembered = Settings {
            cloud: Some("china".into()),
            ..Settings::default()
        };
        assert_eq!(
            resolve_cloud(None, None, &remembered).unwrap().0.kind,
            crate::cloud::CloudKind::China
        );
        let custom_without_file = Settings {
            cloud: Some("custom".into()),
            ..Settings::default()
        };
        assert_eq!(
            resolve_cloud(None, None, &custom_without_file)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            resolve_cloud(Some("mars"), None, &settings)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn two_damaged_files_in_a_row_are_both_kept_and_the_user_told_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        let mut kept = Vec::new();
        for damaged in ["{ not json", "{ also not json"] {
            std::fs::write(&path, damaged).unwrap();
            let loaded = Settings::load(&path);
            assert_eq!(loaded.settings, Settings::default());
            let warning = loaded.warning.unwrap();
            let copy = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .find(|p| !kept.contains(p) && p != &path)
                .expect("a new copy");
            assert!(warning.contains(&copy.display().to_string()), "{warning}");
            assert_eq!(std::fs::read_to_string(&copy).unwrap(), damaged);
            assert!(!path.exists());
            kept.push(copy);
        }
        // The first copy was not overwritten by the second.
        assert_eq!(std::fs::read_to_string(&kept[0]).unwrap(), "{ not json");
    }

    #[test]
    fn an_oversized_settings_file_is_refused_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        let huge = format!(
            "{{\"theme\":\"{}\"}}",
            "x".repeat(MAX_SETTINGS_BYTES as usize)
        );
        std::fs::write(&path, &huge).unwrap();
        let loaded = Settings::load(&path);
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.warning.unwrap().contains("larger than"));
    }

    #[cfg(unix)]
    #[test]
    fn saved_settings_are_readable_by_the_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pfrm").join(SETTINGS_FILE);
        Settings::default().save(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn concurrent_account_switches_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        Settings::default().save(&path).unwrap();
        let threads: Vec<_> = (0..120)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    Settings::update(&path, &Settings::default(), |s| {
                        s.active_account = Some(format!("account-{i}"));
                    })
                })
            })
            .collect();
        let failures = threads
            .into_iter()
            .filter_map(|thread| thread.join().unwrap().err())
            .collect::<Vec<_>>();
        assert!(failures.is_empty(), "{failures:?}");
        let after = Settings::load(&path);
        assert!(after.warning.is_none());
        assert!(after
            .settings
            .active_account
            .unwrap()
            .starts_with("account-"));
    }

    #[test]
    fn the_last_place_is_kept_and_an_unchanged_one_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        let mut settings = Settings::default();
        assert_eq!(LastPlace::from_settings(&settings), LastPlace::default());
        assert!(LastPlace::record(
            &mut settings,
            Some("runtimes"),
            Some("/subscriptions/s/ws")
        ));
        assert!(!LastPlace::record(&mut settings, Some("runtimes"), None));
        // Not a page name: ignored.
        assert!(!LastPlace::record(&mut settings, Some("../../etc"), None));
        settings.save(&path).unwrap();
        let place = LastPlace::from_settings(&Settings::load(&path).settings);
        assert_eq!(place.page.as_deref(), Some("runtimes"));
        assert_eq!(place.workspace_id.as_deref(), Some("/subscriptions/s/ws"));
    }
}
