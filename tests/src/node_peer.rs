//! The Node.js test peers (the AutoRest test server in tests/autorest, oidc-provider in
//! tests/oidc): whether one can run here, and its npm packages installed on first use.
//!
//! Standard library only: `crates/core`'s AutoRest test includes this file by path (it cannot
//! depend on this crate, which depends on the core), so both peers skip and fail alike.

use std::io::BufRead;
use std::path::Path;
use std::process::{ChildStdout, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};

/// Whether `program --version` runs and succeeds.
pub fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether the peer in `dir` can run: `node` and `npm` are here, and its packages are installed
/// (`npm ci` runs when `installed`, a path under `dir`, is missing). Without node the test skips,
/// saying why, unless the variable `require` is set (`cargo xtask test` sets it): then it fails.
pub fn ready(dir: &Path, installed: &str, require: &str, peer: &str) -> bool {
    if !have("node") || !have("npm") {
        if std::env::var_os(require).is_some() {
            panic!("{require} is set but node/npm are missing");
        }
        eprintln!("SKIPPED: node and npm are needed for {peer}");
        return false;
    }
    if !dir.join(installed).exists() {
        let output = Command::new("npm")
            .args(["ci", "--prefer-offline", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .output()
            .expect("npm runs");
        assert!(
            output.status.success(),
            "npm ci in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    true
}

/// Every line the peer writes to `stdout`, as it comes. A thread of its own reads to the end, so
/// that the peer never blocks on a full pipe nor writes into a closed one.
pub fn lines(stdout: ChildStdout) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = sender.send(line);
        }
    });
    receiver
}
