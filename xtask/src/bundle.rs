//! The Linux installers (`.deb` and `.rpm`), made by the Tauri CLI from the desktop binary that
//! is already built: `tauri bundle` packs, it does not compile. `cargo xtask test` bundles the
//! debug binary its GUI step builds, so the installers cost about 20 s (packing and compressing
//! some 85 MB twice) and no second build; `cargo xtask bundle --release` makes the ones to ship.
//!
//! The CLI is the prebuilt npm package pinned in tools/tauri-cli (3 s to install, no
//! `cargo install`). It finds the app through `src-tauri/tauri.conf.json` (a link to the root's
//! file) and resolves the configuration's paths against `src-tauri`, hence `src-tauri/icons`.

use std::path::{Path, PathBuf};

use crate::{steps, Context};

/// The installer formats built here. AppImage is left to the release workflow: bundling it
/// downloads a tool from the internet.
pub const FORMATS: &[&str] = &["deb", "rpm"];

fn tool_dir(context: &Context) -> PathBuf {
    context.repo_root.join("tools").join("tauri-cli")
}

/// `npm ci` in tools/tauri-cli when its node_modules is missing.
pub fn install(context: &Context) -> Result<(), String> {
    let dir = tool_dir(context);
    if dir
        .join("node_modules")
        .join("@tauri-apps")
        .join("cli")
        .is_dir()
    {
        return Ok(());
    }
    steps::run_plain(
        "install the Tauri CLI",
        steps::npm(&dir, &["ci", "--prefer-offline", "--no-audit", "--no-fund"]),
    )
}

/// `tauri bundle` of the binary in `<target>/<profile>/` into `<target>/<profile>/bundle/`.
pub fn command(context: &Context, release: bool) -> std::process::Command {
    let dir = tool_dir(context);
    let mut command = std::process::Command::new("node");
    command
        .arg(
            dir.join("node_modules")
                .join("@tauri-apps")
                .join("cli")
                .join("tauri.js"),
        )
        .args(["bundle", "--ci", "--bundles", &FORMATS.join(",")])
        .current_dir(&dir)
        .env("TAURI_APP_PATH", context.repo_root.join("src-tauri"))
        .env("CARGO_TARGET_DIR", &context.target_dir);
    if !release {
        command.arg("--debug");
    }
    command
}

/// The newest installer of `format` (`deb` or `rpm`) in a bundle folder.
pub fn find(context: &Context, release: bool, format: &str) -> Result<PathBuf, String> {
    let profile = if release { "release" } else { "debug" };
    let folder = context.target_dir.join(profile).join("bundle").join(format);
    newest_with_extension(&folder, format)
        .ok_or_else(|| format!("no .{format} in {} after bundling", folder.display()))
}

fn newest_with_extension(folder: &Path, extension: &str) -> Option<PathBuf> {
    std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == extension) && path.is_file())
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
}

/// `cargo xtask bundle [--release]`: build the UI and the app, then the installers.
pub fn run(context: &Context, args: &[String]) -> Result<(), String> {
    let release = args.iter().any(|arg| arg == "--release");
    if !cfg!(target_os = "linux") {
        return Err(
            "`cargo xtask bundle` makes the Linux installers; on Windows and macOS the \
             release workflow (.github/workflows/release.yml) makes theirs"
                .into(),
        );
    }
    crate::setup::install_for_run(context)?;
    install(context)?;
    crate::build_ui(context)?;
    crate::build_desktop(context, release)?;
    steps::run_plain("bundle the installers", command(context, release))?;
    for format in FORMATS {
        let path = find(context, release, format)?;
        let size = path.metadata().map(|m| m.len()).unwrap_or_default();
        println!(
            "xtask: {} ({:.1} MiB)",
            path.display(),
            size as f64 / (1024.0 * 1024.0)
        );
    }
    Ok(())
}
