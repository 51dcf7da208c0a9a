//! The dependency checks of `cargo xtask test`: cargo-deny (licences, bans, sources; see
//! deny.toml) and cargo-machete (dependencies a crate declares and never uses).
//!
//! Both are installed from crates.io by `cargo install --locked` at a pinned version into the
//! fixed build folder (`PFRM_TARGET_DIR/cargo-tools`), never into `~/.cargo`, so a warm run finds
//! them and installs nothing. Installing is the cost, once per build folder (or version bump):
//! measured on a shared 2-core machine under heavy load (load average about 20), cargo-deny took
//! 21 minutes of building and cargo-machete 9; an idle machine takes a fraction of that. The
//! checks themselves take seconds (cargo-deny 18 s of which 1.3 s CPU, cargo-machete 3 s).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::{steps, Context};

/// A cargo subcommand installed from crates.io.
struct Tool {
    krate: &'static str,
    version: &'static str,
}

const CARGO_DENY: Tool = Tool {
    krate: "cargo-deny",
    version: "0.20.2",
};
const CARGO_MACHETE: Tool = Tool {
    krate: "cargo-machete",
    version: "0.9.2",
};

/// Where the tools are installed (`bin/` below it).
fn root(context: &Context) -> PathBuf {
    context.target_dir.join("cargo-tools")
}

fn binary(context: &Context, tool: &Tool) -> PathBuf {
    root(context)
        .join("bin")
        .join(format!("{}{}", tool.krate, std::env::consts::EXE_SUFFIX))
}

/// The installed tool answers `--version` with the pinned version.
fn installed(context: &Context, tool: &Tool) -> bool {
    Command::new(binary(context, tool))
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| {
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains(tool.version)
        })
}

fn install(context: &Context, tool: &Tool) -> Result<(), String> {
    if installed(context, tool) {
        return Ok(());
    }
    let started = std::time::Instant::now();
    // The build goes to its own folder: the workspace's target directory has other features
    // and lock file, and sharing it would make both rebuild.
    let build_dir = context.target_dir.join("cargo-tools-build");
    let mut command = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
    command
        .args(["install", "--locked", tool.krate, "--version", tool.version])
        .arg("--root")
        .arg(root(context))
        .arg("--target-dir")
        .arg(&build_dir)
        .env_remove("CARGO_TARGET_DIR");
    steps::run_plain(&format!("install {} {}", tool.krate, tool.version), command)?;
    // Only the binary is kept; the intermediate build is a gigabyte.
    let _ = std::fs::remove_dir_all(&build_dir);
    println!(
        "xtask: installed {} {} in {:.0} s",
        tool.krate,
        tool.version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Installs both tools when missing.
pub fn install_all(context: &Context) -> Result<(), String> {
    install(context, &CARGO_DENY)?;
    install(context, &CARGO_MACHETE)
}

/// `cargo deny check licenses bans sources`. Advisories are not checked (deny.toml says why).
pub fn deny_command(context: &Context) -> Command {
    let mut command = Command::new(binary(context, &CARGO_DENY));
    command
        .args([
            // Called directly, cargo-deny takes the word cargo would pass.
            "deny",
            "--locked",
            "check",
            "--show-stats",
            "licenses",
            "bans",
            "sources",
        ])
        .current_dir(&context.repo_root);
    command
}

/// `cargo machete`: every Cargo.toml in the repository, the fuzz crate and benchmarks included.
/// (Called directly, without the `machete` word cargo would pass.)
pub fn machete_command(context: &Context) -> Command {
    let mut command = Command::new(binary(context, &CARGO_MACHETE));
    command.current_dir(&context.repo_root);
    command
}
