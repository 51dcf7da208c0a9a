//! Shared helpers for the end-to-end tests.

use std::path::{Path, PathBuf};

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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
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
