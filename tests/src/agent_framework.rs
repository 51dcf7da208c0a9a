//! The Python virtual environment with the real Agent Framework, which the tests build generated
//! skeletons with. Standard library only: `cargo xtask setup` compiles this same file (by path)
//! to create the environment ahead of the tests, so both create it alike.

use std::path::{Path, PathBuf};

/// The Agent Framework release generated skeletons are built with.
pub const AGENT_FRAMEWORK_CORE: &str = "agent-framework-core==1.26.0";

/// Creates `venv` with `agent-framework-core` unless it already has the pinned version.
pub fn ensure_venv(venv: &Path) -> Result<PathBuf, String> {
    let python = if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    };
    let version = AGENT_FRAMEWORK_CORE.split("==").nth(1).unwrap_or_default();
    let ready = || {
        std::process::Command::new(&python)
            .args([
                "-c",
                &format!(
                    "import importlib.metadata as m, agent_framework; assert m.version('agent-framework-core') == '{version}'"
                ),
            ])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if ready() {
        return Ok(python);
    }
    let system_python = ["python3", "python"]
        .into_iter()
        .find(|candidate| {
            std::process::Command::new(candidate)
                .args(["-c", "import sys, venv; assert sys.version_info >= (3, 11)"])
                .output()
                .is_ok_and(|out| out.status.success())
        })
        .ok_or("no Python 3.11 or newer with the venv module was found")?;
    let created = std::process::Command::new(system_python)
        .args(["-m", "venv", "--clear"])
        .arg(venv)
        .output()
        .map_err(|e| format!("python -m venv could not run: {e}"))?;
    if !created.status.success() {
        return Err(format!(
            "python -m venv failed: {}",
            String::from_utf8_lossy(&created.stderr).trim()
        ));
    }
    let installed = std::process::Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            AGENT_FRAMEWORK_CORE,
        ])
        .output()
        .map_err(|e| format!("pip could not run: {e}"))?;
    if !installed.status.success() || !ready() {
        let stderr = String::from_utf8_lossy(&installed.stderr);
        return Err(format!(
            "pip install {AGENT_FRAMEWORK_CORE} failed: {}",
            stderr.lines().last().unwrap_or("no message").trim()
        ));
    }
    Ok(python)
}
