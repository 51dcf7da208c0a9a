//! Shared helpers for the end-to-end tests.

pub mod agent_framework;
pub mod canaries;
pub mod captured_log;
pub mod node_peer;

use std::path::{Path, PathBuf};

pub mod output;

/// Writes a `$BROWSER` script that completes the sign-in page with curl, as a user would.
pub fn write_browser_script(dir: &Path, ca_path: &str, user: &str, log: &Path) -> PathBuf {
    let script = dir.join("scripted-browser.sh");
    let text = format!(
        r#"#!/bin/sh
# Scripted browser for tests: opens the sign-in page, submits the username, follows the redirect.
url="$1"
printf '%s\n' "$url" >> '{log}'
page=$(curl -sS --cacert '{ca}' "$url") || exit 1
ctx=$(printf '%s' "$page" | sed -n 's/.*name="ctx" value="\([^"]*\)".*/\1/p')
action=$(printf '%s' "$page" | sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p')
origin=$(printf '%s' "$url" | sed -n 's#^\(https://[^/]*\).*#\1#p')
location=$(curl -sS --cacert '{ca}' -o /dev/null -w '%{{redirect_url}}' \
  --data-urlencode "ctx=$ctx" --data-urlencode "username={user}" --data-urlencode "action=signin" \
  "$origin$action") || exit 1
printf 'redirect %s\n' "$(printf '%s' "$location" | sed 's/code=[^&]*/code=…/')" >> '{log}'
curl -sS -o /dev/null "$location"
"#,
        log = log.display(),
        ca = ca_path,
        user = user
    );
    std::fs::write(&script, text).unwrap();
    make_executable(&script);
    script
}

/// Lets a written script run: Unix wants the execute bit; Windows runs `.cmd` files by name.
pub fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `first` ahead of this process's PATH, joined as this system joins PATH (`:` or `;`).
pub fn path_with(first: &Path) -> std::ffi::OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(
        std::iter::once(first.to_path_buf()).chain(std::env::split_paths(&current)),
    )
    .expect("no folder in PATH contains the separator")
}

/// Writes a stand-in `az` into `bin` that prints `answer` (a JSON token response) and, when
/// `log` is given, appends its arguments there: a shell script, or `az.cmd` on Windows, where
/// `cmd` runs it. Returns `bin`.
pub fn write_fake_az(bin: &Path, answer: &str, log: Option<&Path>) -> PathBuf {
    std::fs::create_dir_all(bin).unwrap();
    if cfg!(windows) {
        let mut script = String::from("@echo off\r\n");
        if let Some(log) = log {
            script.push_str(&format!("echo %*>>\"{}\"\r\n", log.display()));
        }
        script.push_str(&format!("echo {answer}\r\n"));
        std::fs::write(bin.join("az.cmd"), script).unwrap();
    } else {
        let mut script = String::from("#!/bin/sh\n# Stand-in for the Azure CLI in tests.\n");
        if let Some(log) = log {
            script.push_str(&format!("echo \"$*\" >> '{}'\n", log.display()));
        }
        script.push_str(&format!("printf '%s' '{answer}'\n"));
        let path = bin.join("az");
        std::fs::write(&path, script).unwrap();
        make_executable(&path);
    }
    bin.to_path_buf()
}

/// Writes into `bin` a stand-in `az` that is installed but not signed in: it fails as the Azure
/// CLI does before `az login` (`az.cmd` on Windows). Returns `bin`.
pub fn write_signed_out_az(bin: &Path) -> PathBuf {
    std::fs::create_dir_all(bin).unwrap();
    if cfg!(windows) {
        std::fs::write(
            bin.join("az.cmd"),
            "@echo off\r\necho ERROR: Please run 'az login' to setup account. 1>&2\r\nexit /b 1\r\n",
        )
        .unwrap();
    } else {
        let path = bin.join("az");
        std::fs::write(
            &path,
            "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n",
        )
        .unwrap();
        make_executable(&path);
    }
    bin.to_path_buf()
}

/// A token response as `az account get-access-token -o json` prints it, valid for an hour.
pub fn az_token_json(token: &str) -> String {
    let expires_on = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    format!(
        r#"{{"accessToken":"{token}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":{expires_on},"tokenType":"Bearer"}}"#
    )
}

/// The `pfrm` binary from the same target directory as the running test, built once on
/// demand.
pub fn pfrm_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let binary = profile_dir.join(format!("pfrm{}", std::env::consts::EXE_SUFFIX));
    static BUILD: std::sync::Once = std::sync::Once::new();
    BUILD.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "-p", "pfrm-cli"])
            .env("CARGO_TARGET_DIR", profile_dir.parent().unwrap())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building pfrm-cli failed");
    });
    binary
}

/// The virtual environment with the real Agent Framework, inside the build cache (never the
/// repository). `cargo xtask setup` creates it; this creates it too when a test runs alone.
/// Returns its Python, or why it cannot be had (no Python 3.11+, or PyPI unreachable).
pub fn agent_framework_python() -> Result<PathBuf, String> {
    static PYTHON: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let target_dir = exe
                .parent()
                .and_then(Path::parent)
                .and_then(Path::parent)
                .ok_or("no target directory")?;
            agent_framework::ensure_venv(&target_dir.join("agent-framework-venv"))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    /// The tests build skeletons with the release the skeletons' requirements.txt asks for.
    #[test]
    fn the_tests_agent_framework_is_the_one_skeletons_require() {
        assert_eq!(
            super::agent_framework::AGENT_FRAMEWORK_CORE,
            pfrm_core::migration::scaffold::AGENT_FRAMEWORK_CORE
        );
    }
}
