//! Whether a desktop notification can reach the user, decided before asking for one.
//!
//! The notification plugin hands the notification to the OS on a background task and reports
//! success as soon as it is prepared, so its `Ok` says nothing about what the user sees. Two
//! systems drop notifications silently for an app they do not know:
//! - **Windows** shows a toast only for a registered AppUserModelID. The plugin sets the app's
//!   identifier as that ID unless the program runs from `target\debug` or `target\release` (then
//!   it borrows PowerShell's). The installer registers the identifier through its Start-menu
//!   shortcut; a copied or portable `pfrm-desktop.exe` has neither, and every toast vanishes.
//! - **macOS** attributes a notification to a bundle identifier; outside an `.app` bundle the
//!   identifier is unknown to the system and nothing is shown.
//!
//! Where notifications cannot be shown, the command says so (`false`) and the Activity panel
//! stays the record of what finished; nothing claims a notification was shown.

use std::path::{Path, PathBuf};

/// Whether notifications can be shown, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    Available,
    Unavailable(&'static str),
}

/// The facts the decision rests on, gathered apart from the rule so that the rule can be tested
/// for every system anywhere.
#[derive(Debug, Clone)]
pub struct Facts {
    /// `std::env::consts::OS` of the running app.
    pub os: &'static str,
    /// The folder holding the app's executable, as text.
    pub exe_dir: String,
    /// Windows: a Start-menu shortcut from the installer exists (it registers the app's ID).
    pub installed_shortcut: bool,
    /// A development build (`tauri dev`): the plugin then borrows Terminal's identity on macOS.
    pub dev: bool,
}

pub fn support(facts: &Facts) -> Support {
    match facts.os {
        "windows" => {
            let dir = facts.exe_dir.trim_end_matches(['\\', '/']);
            let borrowed_id = ["\\target\\debug", "\\target\\release"]
                .iter()
                .any(|end| dir.ends_with(end));
            if borrowed_id || facts.installed_shortcut {
                Support::Available
            } else {
                Support::Unavailable(
                    "Windows shows notifications only for installed apps; install pfrm with its installer to get them",
                )
            }
        }
        "macos" => {
            let bundled = facts
                .exe_dir
                .trim_end_matches('/')
                .ends_with(".app/Contents/MacOS");
            if bundled || facts.dev {
                Support::Available
            } else {
                Support::Unavailable(
                    "macOS shows notifications only for an app bundle; run pfrm from its .app to get them",
                )
            }
        }
        // Linux: the notification server answers on the session bus; the plugin reports a
        // failure to reach it.
        _ => Support::Available,
    }
}

/// The facts for the running app. `product_name` names the installer's Start-menu shortcut.
pub fn facts_here(product_name: &str, dev: bool) -> Facts {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    Facts {
        os: std::env::consts::OS,
        exe_dir: exe_dir.display().to_string(),
        installed_shortcut: cfg!(windows)
            && start_menu_shortcuts(product_name).any(|s| s.is_file()),
        dev,
    }
}

/// Where the installers put the Start-menu shortcut: per user, then per machine.
fn start_menu_shortcuts(product_name: &str) -> impl Iterator<Item = PathBuf> + '_ {
    ["APPDATA", "ProgramData"]
        .into_iter()
        .filter_map(std::env::var_os)
        .map(move |base| {
            PathBuf::from(base)
                .join("Microsoft")
                .join("Windows")
                .join("Start Menu")
                .join("Programs")
                .join(format!("{product_name}.lnk"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(os: &'static str, exe_dir: &str) -> Facts {
        Facts {
            os,
            exe_dir: exe_dir.into(),
            installed_shortcut: false,
            dev: false,
        }
    }

    #[test]
    fn a_copied_windows_exe_without_the_installer_cannot_show_toasts() {
        let portable = facts("windows", r"C:\Users\ana\Downloads\pfrm");
        assert!(
            matches!(support(&portable), Support::Unavailable(why) if why.contains("installer"))
        );
        let installed = Facts {
            installed_shortcut: true,
            ..facts("windows", r"C:\Program Files\Prompt Flow Runtime Manager")
        };
        assert_eq!(support(&installed), Support::Available);
        // The plugin borrows PowerShell's registered ID for a cargo build.
        for dir in [r"C:\src\pfrm\target\debug", r"C:\src\pfrm\target\release\"] {
            assert_eq!(support(&facts("windows", dir)), Support::Available, "{dir}");
        }
        // A cargo build in another target folder gets no borrowed ID.
        assert_ne!(
            support(&facts("windows", r"C:\cache\pfrm\targets\debug")),
            Support::Available
        );
    }

    #[test]
    fn macos_shows_notifications_for_an_app_bundle_only() {
        let bundled = facts(
            "macos",
            "/Applications/Prompt Flow Runtime Manager.app/Contents/MacOS",
        );
        assert_eq!(support(&bundled), Support::Available);
        let bare = facts("macos", "/Users/ana/pfrm/target/release");
        assert!(matches!(support(&bare), Support::Unavailable(why) if why.contains(".app")));
        let dev = Facts { dev: true, ..bare };
        assert_eq!(support(&dev), Support::Available);
    }

    #[test]
    fn linux_leaves_it_to_the_notification_server() {
        assert_eq!(support(&facts("linux", "/usr/bin")), Support::Available);
    }

    #[test]
    fn the_shortcut_is_looked_for_under_the_start_menu() {
        let shortcuts: Vec<PathBuf> = start_menu_shortcuts("Prompt Flow Runtime Manager").collect();
        for shortcut in shortcuts {
            assert!(shortcut.ends_with(
                Path::new("Start Menu")
                    .join("Programs")
                    .join("Prompt Flow Runtime Manager.lnk")
            ));
        }
    }
}
