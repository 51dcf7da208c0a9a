//! The Linux installers as a user gets them: the `.deb` names the packages the app needs (and
//! this system has them, so `dpkg -i` would configure it), carries a desktop entry and icons, and
//! once unpacked into a scratch root its binary starts to a window showing the embedded UI. The
//! `.rpm` names its requirements and carries the same files.
//!
//! `cargo xtask test` bundles the debug app (`tauri bundle`) and sets PFRM_DEB_PACKAGE and
//! PFRM_RPM_PACKAGE; without them these tests skip, saying why. By hand:
//! `cargo xtask bundle`, then `PFRM_DEB_PACKAGE=… xvfb-run -a cargo test -p pfrm-tests --test
//! gui_installer`.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TITLE: &str = "Prompt Flow Runtime Manager";
const BINARY: &str = "pfrm-desktop";
/// A cold debug build under a busy virtual display can take a while to draw its first page.
const FIRST_PAGE_TIMEOUT: Duration = Duration::from_secs(90);

fn package_or_skip(variable: &str, test: &str) -> Option<PathBuf> {
    match std::env::var_os(variable) {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "{variable}={} is not a file",
                path.display()
            );
            Some(path)
        }
        None => {
            eprintln!(
                "skipping {test}: {variable} is not set (`cargo xtask test` bundles the app and \
                 sets it; by hand: `cargo xtask bundle`, then set it to the installer's path)"
            );
            None
        }
    }
}

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program} is needed: {error}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Package names of a Debian `Depends:` field, without versions; `a | b` keeps the first.
fn debian_dependencies(field: &str) -> Vec<String> {
    field
        .split(',')
        .filter_map(|item| item.split('|').next())
        .filter_map(|name| name.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

fn desktop_entry(root: &Path) -> String {
    let folder = root.join("usr/share/applications");
    let entries: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("no {}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "desktop"))
        .collect();
    assert_eq!(entries.len(), 1, "one desktop entry: {entries:?}");
    std::fs::read_to_string(&entries[0]).unwrap()
}

fn assert_desktop_entry(entry: &str) {
    for line in [
        "Type=Application",
        &format!("Name={TITLE}"),
        &format!("Exec={BINARY}"),
        &format!("Icon={BINARY}"),
        "Terminal=false",
    ] {
        assert!(
            entry.lines().any(|l| l == line),
            "the desktop entry has no {line:?}:\n{entry}"
        );
    }
}

#[test]
fn gui_installer_deb_installs_an_app_that_starts_to_its_window() {
    let Some(deb) = package_or_skip("PFRM_DEB_PACKAGE", "the .deb test") else {
        return;
    };
    let deb = deb.to_str().unwrap();

    // What dpkg reads: the name, and dependencies that this (Debian) system can satisfy.
    let package = output("dpkg-deb", &["-f", deb, "Package"]);
    assert_eq!(package.trim(), "prompt-flow-runtime-manager");
    let depends = debian_dependencies(&output("dpkg-deb", &["-f", deb, "Depends"]));
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "xdg-utils"] {
        assert!(
            depends.iter().any(|d| d == needed),
            "the .deb does not depend on {needed}: {depends:?}"
        );
    }
    for dependency in &depends {
        let status = output("dpkg-query", &["-W", "-f", "${Status}", dependency]);
        assert_eq!(
            status, "install ok installed",
            "{dependency}, which the .deb depends on, is not installed here"
        );
    }

    // Installed into a scratch root: the same files dpkg -i would put under /.
    let scratch = tempfile::Builder::new()
        .prefix("pfrm-deb-")
        .tempdir()
        .unwrap();
    let root = scratch.path().join("root");
    output("dpkg-deb", &["-x", deb, root.to_str().unwrap()]);
    let installed = root.join("usr/bin").join(BINARY);
    assert!(installed.is_file(), "the .deb has no /usr/bin/{BINARY}");
    assert_desktop_entry(&desktop_entry(&root));
    for size in ["32x32", "128x128"] {
        let icon = root.join(format!("usr/share/icons/hicolor/{size}/apps/{BINARY}.png"));
        let bytes = std::fs::read(&icon)
            .unwrap_or_else(|error| panic!("no {size} icon at {}: {error}", icon.display()));
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is no PNG",
            icon.display()
        );
    }

    launch_to_first_page(&installed, scratch.path());
}

#[test]
fn gui_installer_rpm_names_its_requirements_and_files() {
    let Some(rpm) = package_or_skip("PFRM_RPM_PACKAGE", "the .rpm test") else {
        return;
    };
    let rpm = rpm.to_str().unwrap();
    // `rpm` reads the package as dnf would (`cargo xtask setup` installs it on Debian).
    let name = output("rpm", &["-qp", "--queryformat", "%{NAME}", rpm]);
    assert_eq!(name, "prompt-flow-runtime-manager");
    let requires = output("rpm", &["-qp", "--requires", rpm]);
    // The libraries by soname (as rpm finds them, whatever package provides them) and the tools.
    for needed in [
        "libwebkit2gtk-4.1.so.0",
        "libgtk-3.so.0",
        "xdg-utils",
        "dbus-libs",
    ] {
        assert!(
            requires.lines().any(|line| line.starts_with(needed)),
            "the .rpm does not require {needed}:\n{requires}"
        );
    }
    let files = output("rpm", &["-qpl", rpm]);
    for file in [
        format!("/usr/bin/{BINARY}"),
        format!("/usr/share/applications/{TITLE}.desktop"),
        format!("/usr/share/icons/hicolor/128x128/apps/{BINARY}.png"),
    ] {
        assert!(
            files.lines().any(|line| line == file),
            "the .rpm has no {file}:\n{files}"
        );
    }
}

/// Starts the installed binary in the sandbox with a throwaway home and waits until its page
/// has loaded from the embedded UI and called the backend (the app prints PFRM_FRONTEND_READY)
/// and the X server shows its window. Ends the app and everything it started.
fn launch_to_first_page(binary: &Path, scratch: &Path) {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "DISPLAY is not set: run under Xvfb, as `cargo xtask test` does"
    );
    let home = scratch.join("home");
    let mut command = Command::new(binary);
    command
        .arg("--sandbox")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own process group, so the WebKit helper processes end with it.
        .process_group(0);
    std::fs::create_dir_all(&home).unwrap();
    let mut child = command.spawn().expect("start the installed app");
    let group = child.id();
    let ended = GroupGuard(group);

    let (sender, receiver) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("PFRM_FRONTEND_READY") {
                let _ = sender.send(());
            }
        }
    });
    let started = Instant::now();
    if receiver.recv_timeout(FIRST_PAGE_TIMEOUT).is_err() {
        let status = child.try_wait().ok().flatten();
        panic!(
            "the installed app did not load its page within {FIRST_PAGE_TIMEOUT:?} (exit: {status:?})"
        );
    }
    println!(
        "the installed app loaded its page in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let window = wait_for_window(TITLE, Duration::from_secs(15));
    if let Some(folder) = std::env::var_os("PFRM_SCREENSHOT_DIR") {
        // Best effort: the window is already proven; the picture is for people.
        let _ = std::fs::create_dir_all(&folder);
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(Path::new(&folder).join("installed-deb.png"))
            .status();
    }
    drop(ended);
    let _ = child.wait();
    if let Err(tree) = window {
        panic!("no X window titled {TITLE:?} after the page loaded; windows:\n{tree}");
    }
}

fn wait_for_window(title: &str, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        let tree = output("xwininfo", &["-root", "-tree"]);
        if tree.contains(&format!("\"{title}\"")) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(tree);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Signals the process group when dropped, even when the test panics.
struct GroupGuard(u32);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.0 <= 1 {
            return;
        }
        // `--` before the negative id: without it, `kill` may read `-ID` as something else.
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &format!("-{}", self.0)])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        std::thread::sleep(Duration::from_millis(500));
        signal("-KILL");
    }
}

#[test]
fn debian_dependencies_keep_names_without_versions() {
    assert_eq!(
        debian_dependencies("libgtk-3-0, libc6 (>= 2.34), a | b"),
        ["libgtk-3-0", "libc6", "a"]
    );
}
