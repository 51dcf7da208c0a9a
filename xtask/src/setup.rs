//! Installs what building, running and testing pfrm needs, and only what is missing.
//!
//! On Debian and Ubuntu this installs system packages with apt (as root, or through sudo). On
//! other systems it checks what it can and says exactly what to install by hand.

use std::path::Path;
use std::process::Command;

use crate::{steps, Context};

/// The tests' own creation of the Agent Framework environment (standard library only), so that
/// set-up and a test run alone create it alike.
#[path = "../../tests/src/agent_framework.rs"]
mod agent_framework;

use agent_framework::AGENT_FRAMEWORK_CORE;

/// Debian packages the desktop app needs to build and run (WebKitGTK and friends).
const RUN_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "file",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "xdg-utils",
];

/// Extra Debian packages for the tests: a virtual display, the WebDriver for WebKitGTK, a
/// private D-Bus session with a real Secret Service, headless Chromium for page tests, and
/// fonts so screenshots show text.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    "libsecret-tools",
    "x11-utils",
    // The window-state GUI test resizes the app's window as a window manager would.
    "xdotool",
    "fonts-dejavu-core",
    "fonts-noto-core",
    "chromium",
    // The installer test reads the .rpm's requirements and file list.
    "rpm",
    // The generated Agent Framework skeletons are built with the real framework in a venv.
    "python3-venv",
];

pub fn install_for_run(context: &Context) -> Result<(), String> {
    install_system_packages(RUN_PACKAGES)?;
    install_ui_packages(context)
}

pub fn install_everything(context: &Context) -> Result<(), String> {
    let all: Vec<&str> = RUN_PACKAGES.iter().chain(TEST_PACKAGES).copied().collect();
    install_system_packages(&all)?;
    install_ui_packages(context)?;
    install_agent_framework(context);
    crate::cargo_tools::install_all(context)?;
    install_test_peer_packages(context)
}

/// Third-party servers the tests run as peers, from their own package-lock.json: the AutoRest
/// test server (tests/autorest) that the long-running-operation poller is checked against.
fn install_test_peer_packages(context: &Context) -> Result<(), String> {
    install_npm_folder(
        &context.repo_root.join("tests").join("autorest"),
        "install the AutoRest test server",
    )
}

/// A Python virtual environment in the build cache (never the repository) with the real
/// `agent-framework-core`, for the tests that build generated skeletons. Not fatal: without it
/// those tests say why they are skipped.
fn install_agent_framework(context: &Context) {
    let venv = context.target_dir.join("agent-framework-venv");
    let started = std::time::Instant::now();
    match agent_framework::ensure_venv(&venv) {
        Ok(_) => println!(
            "xtask: {AGENT_FRAMEWORK_CORE} is in {} ({:.1} s)",
            venv.display(),
            started.elapsed().as_secs_f64()
        ),
        Err(why) => println!(
            "xtask: warning: {AGENT_FRAMEWORK_CORE} could not be installed into {} ({why}); the skeleton build tests will say they are skipped",
            venv.display()
        ),
    }
}

pub(crate) fn install_system_packages(packages: &[&str]) -> Result<(), String> {
    if cfg!(windows) {
        return check_tool(
            "npm.cmd",
            "Install Node.js 20 or newer from nodejs.org, and the WebView2 runtime (already part of Windows 11).",
        );
    }
    if cfg!(target_os = "macos") {
        return check_tool(
            "npm",
            "Install Node.js 20 or newer (for example `brew install node`) and the Xcode command line tools (`xcode-select --install`).",
        );
    }
    if !is_debian_like() {
        println!(
            "xtask: this Linux is not Debian or Ubuntu, so nothing is installed automatically. Install the \
             equivalents of these Debian packages with your package manager: {}",
            packages.join(" ")
        );
        return check_tool("npm", "Install Node.js 20 or newer with npm.");
    }
    let mut wanted: Vec<&str> = packages.to_vec();
    if !tool_exists("npm") {
        wanted.extend(["nodejs", "npm"]);
    }
    if is_ubuntu() {
        // Ubuntu ships Chromium only as a snap; the page tests use whichever browser
        // PFRM_CHROMIUM names, or chromium-browser.
        wanted.retain(|package| *package != "chromium");
        wanted.push("chromium-browser");
    }
    let missing: Vec<&str> = wanted
        .into_iter()
        .filter(|package| !is_installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing system packages: {}", missing.join(" "));
    let use_sudo = !is_root();
    let apt = |args: &[&str]| {
        let mut command = if use_sudo {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        } else {
            Command::new("apt-get")
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    steps::run_plain("update the package lists", apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(&missing);
    steps::run_plain("install system packages", install)
}

/// `npm ci` in ui/, skipped when node_modules already matches package-lock.json.
fn install_ui_packages(context: &Context) -> Result<(), String> {
    install_npm_folder(&context.ui_dir(), "install the UI's npm packages")
}

/// `npm ci` in `dir`, skipped when its node_modules already matches its package-lock.json.
fn install_npm_folder(dir: &Path, what: &str) -> Result<(), String> {
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules").join(".pfrm-installed-lock.json");
    let lock_text =
        std::fs::read(&lock).map_err(|error| format!("cannot read {}: {error}", lock.display()))?;
    if std::fs::read(&stamp).ok().as_deref() == Some(lock_text.as_slice()) {
        return Ok(());
    }
    steps::run_plain(
        what,
        steps::npm(dir, &["ci", "--prefer-offline", "--no-audit", "--no-fund"]),
    )?;
    std::fs::write(&stamp, lock_text)
        .map_err(|error| format!("cannot write {}: {error}", stamp.display()))
}

/// The nightly toolchain and cargo-fuzz, for `cargo xtask fuzz`. cargo-fuzz is installed from
/// crates.io (`cargo install cargo-fuzz --locked`, a few minutes) only when it is missing.
pub fn install_cargo_fuzz() -> Result<(), String> {
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !nightly {
        return Err(
            "the fuzz targets need the nightly toolchain: run `rustup toolchain install nightly`"
                .into(),
        );
    }
    let present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if present {
        return Ok(());
    }
    let mut install = Command::new("cargo");
    install.args(["install", "cargo-fuzz", "--locked"]);
    steps::run_plain("install cargo-fuzz", install)
}

fn check_tool(tool: &str, remedy: &str) -> Result<(), String> {
    if tool_exists(tool) {
        Ok(())
    } else {
        Err(format!("`{tool}` was not found. {remedy}"))
    }
}

fn tool_exists(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

fn os_release() -> String {
    std::fs::read_to_string("/etc/os-release").unwrap_or_default()
}

pub(crate) fn is_debian_like() -> bool {
    Path::new("/usr/bin/apt-get").exists()
        && os_release().lines().any(|line| {
            (line.starts_with("ID=") || line.starts_with("ID_LIKE="))
                && (line.contains("debian") || line.contains("ubuntu"))
        })
}

fn is_ubuntu() -> bool {
    os_release().lines().any(|line| line == "ID=ubuntu")
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}
