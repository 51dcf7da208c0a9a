//! `cargo xtask check-windows`: type-checks and lints every crate, the desktop app included, for
//! Windows, from Linux.
//!
//! Most of pfrm's users are on Windows and macOS while CI runs on Linux, and a Windows-only break
//! (a missing `.ico` that stops tauri-build, a Unix-only API in a test, an item unused outside
//! Linux that trips `clippy -D warnings`) would otherwise only show on a Windows machine. rustup
//! cannot fetch other targets here, but Debian 12 ships a second toolchain (`rustc-web`) with the
//! standard library's source, so `-Zbuild-std` compiles std for `x86_64-pc-windows-gnu`, and
//! mingw-w64 compiles the C dependencies (aws-lc) and the Windows resource file.
//!
//! This is clippy over every target (lib, bins, tests, examples) with `-D warnings`: clippy runs
//! the compiler's full type check, so a separate `cargo check` would only repeat it. Build scripts
//! run, nothing is linked or run. The MSVC target, WebView2 and Credential Manager behaviour are
//! left to the Windows job of the GitHub workflow.
//!
//! It builds into a folder of its own (`<target dir>/windows-check`, or
//! `PFRM_WINDOWS_TARGET_DIR`), since another toolchain's artefacts cannot share the host's.

use std::path::PathBuf;
use std::process::Command;

use crate::{setup, steps, Context};

/// The Windows target this check compiles for (the MSVC one needs Microsoft's headers).
pub const TARGET: &str = "x86_64-pc-windows-gnu";

/// Debian packages: the second toolchain, its std source and clippy, and the mingw-w64 C compiler.
pub const PACKAGES: &[&str] = &[
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "rust-web-clippy",
    "gcc-mingw-w64-x86-64",
];

/// Where Debian's second toolchain lives (rustup's `cargo` and `rustc` come first on PATH).
const CARGO: &str = "/usr/bin/cargo";
const CARGO_CLIPPY: &str = "/usr/bin/cargo-clippy";
const RUSTC: &str = "/usr/bin/rustc";

/// Whether this machine can run the check: a Debian-like Linux, where apt installs the toolchain.
pub fn available() -> Result<(), String> {
    if !cfg!(target_os = "linux") || !setup::is_debian_like() {
        return Err(
            "the Windows check runs on Debian or Ubuntu only (it needs Debian's rustc-web); \
             on Windows, `cargo xtask test`'s own clippy and tests cover it"
                .into(),
        );
    }
    Ok(())
}

/// Installs what the check needs, when it is missing.
pub fn install() -> Result<(), String> {
    available()?;
    setup::install_system_packages(PACKAGES)
}

pub fn target_dir(context: &Context) -> PathBuf {
    std::env::var_os("PFRM_WINDOWS_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| context.target_dir.join("windows-check"))
}

/// `cargo clippy` for Windows over the whole workspace, with `-D warnings`.
pub fn clippy_command(context: &Context) -> Command {
    let mut command = Command::new(CARGO_CLIPPY);
    // Without the desktop's `custom-protocol` feature: it only embeds ui/dist, which would make
    // this check wait for an npm build and check nothing more of pfrm's own code.
    command.arg("clippy").args(build_args()).args([
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    with_toolchain(context, &mut command);
    command
}

fn build_args() -> [&'static str; 3] {
    ["-Zbuild-std=std,panic_abort", "--target", TARGET]
}

fn with_toolchain(context: &Context, command: &mut Command) {
    command
        .current_dir(&context.repo_root)
        .env("CARGO_TARGET_DIR", target_dir(context))
        // Debian's cargo-clippy runs `$CARGO`; rustup's would be found first on PATH.
        .env("CARGO", CARGO)
        .env("RUSTC", RUSTC)
        // -Zbuild-std is unstable; this toolchain is stable.
        .env("RUSTC_BOOTSTRAP", "1")
        // Settings meant for rustup's toolchain must not reach this one.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
}

/// The Windows x64 build of aws-lc (under rustls) assembles with NASM, which a clean Windows
/// machine does not have; with aws-lc-sys's `prebuilt-nasm` feature it uses the assembled objects
/// shipped in the crate instead. Checks, from any host, that the feature reaches aws-lc-sys for
/// the MSVC target that Windows users build with.
pub fn check_prebuilt_nasm(context: &Context) -> Result<(), String> {
    let mut command = context.cargo();
    command.args([
        "tree",
        "--workspace",
        "--target",
        "x86_64-pc-windows-msvc",
        "--edges",
        "normal,build",
        "--invert",
        "aws-lc-sys",
        "--depth",
        "0",
        "--format",
        "{p} [{f}]",
    ]);
    let output = command
        .output()
        .map_err(|error| format!("cargo tree did not start: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    aws_lc_features_allow_no_nasm(&String::from_utf8_lossy(&output.stdout))
}

/// Reads `aws-lc-sys vX [feature,feature]` and wants `prebuilt-nasm` among the features.
fn aws_lc_features_allow_no_nasm(tree: &str) -> Result<(), String> {
    let line = tree
        .lines()
        .find(|line| line.starts_with("aws-lc-sys "))
        .ok_or("aws-lc-sys is not in the Windows dependency tree: update this check")?;
    let features = line
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(features, _)| features)
        .unwrap_or_default();
    if features
        .split(',')
        .any(|feature| feature.trim() == "prebuilt-nasm")
    {
        Ok(())
    } else {
        Err(format!(
            "aws-lc-sys is built without its `prebuilt-nasm` feature for Windows ({line}): a Windows \
             build would stop with \"NASM command not found\". Enable `aws-lc-rs/prebuilt-nasm` \
             in crates/core/Cargo.toml."
        ))
    }
}

/// `cargo xtask check-windows`: install, then clippy for Windows, with the time it took.
pub fn run(context: &Context) -> Result<(), String> {
    install()?;
    check_prebuilt_nasm(context)?;
    let started = std::time::Instant::now();
    let result = steps::run_plain(
        &format!("check and lint every crate for {TARGET}"),
        clippy_command(context),
    );
    println!(
        "xtask: the Windows check took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Git for Windows checks text out with CRLF unless told otherwise, and the bindings drift
    /// check compares bytes: the generated file must come out with LF on every system.
    #[test]
    fn generated_and_compared_files_are_checked_out_with_lf_everywhere() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let output = Command::new("git")
            .args(["check-attr", "eol", "--"])
            .args([
                "ui/src/backend/bindings.ts",
                "ui/src/backend/commands.ts",
                "crates/emulator/scenarios/first-time.json",
                "tauri.conf.json",
            ])
            .current_dir(root)
            .output();
        let Some(output) = output.ok().filter(|output| output.status.success()) else {
            eprintln!("SKIPPED: git is not available or this is not a git checkout");
            return;
        };
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(text.lines().count(), 4, "{text}");
        for line in text.lines() {
            assert!(line.ends_with(": eol: lf"), "{line}");
        }
    }

    #[test]
    fn aws_lc_without_prebuilt_nasm_is_reported_with_the_fix() {
        let tree = "aws-lc-sys v0.47.0 [prebuilt-nasm]\n";
        assert_eq!(aws_lc_features_allow_no_nasm(tree), Ok(()));
        let error = aws_lc_features_allow_no_nasm("aws-lc-sys v0.47.0 []\n").unwrap_err();
        assert!(error.contains("NASM command not found"), "{error}");
        assert!(error.contains("aws-lc-rs/prebuilt-nasm"), "{error}");
        assert!(aws_lc_features_allow_no_nasm("").is_err());
    }

    #[test]
    fn the_check_covers_every_crate_and_target_with_warnings_denied() {
        let context = Context {
            repo_root: PathBuf::from("/repo"),
            target_dir: PathBuf::from("/cache/target"),
            in_ci: false,
        };
        let command = clippy_command(&context);
        let args: Vec<String> = command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        for wanted in ["--workspace", "--all-targets", TARGET, "warnings"] {
            assert!(args.iter().any(|arg| arg == wanted), "{wanted}: {args:?}");
        }
        let env: Vec<(String, Option<String>)> = command
            .get_envs()
            .map(|(key, value)| {
                (
                    key.to_string_lossy().into_owned(),
                    value.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect();
        if std::env::var_os("PFRM_WINDOWS_TARGET_DIR").is_none() {
            assert!(env.contains(&(
                "CARGO_TARGET_DIR".into(),
                Some("/cache/target/windows-check".into())
            )));
        }
        assert!(env.contains(&("RUSTC".into(), Some(RUSTC.into()))));
    }
}
