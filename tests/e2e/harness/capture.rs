//! What a test keeps or checks outside the page: screenshots, a second launch, the app's
//! output and the X server's windows.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::process::signal_group;
use super::{poll_until, Screen, STEP_TIMEOUT};

impl Screen {
    /// The web page as WebDriver renders it, saved as `<name>.png`.
    pub async fn save_screenshot(&self, name: &str) -> Result<(), String> {
        // Dialogs and menus fade in: let the animations that end (not a spinner's endless one)
        // finish. Then a screenshot can still lag the DOM by a frame: let the page paint what the
        // test just saw.
        self.client
            .execute(
                "const ending = document.getAnimations().filter(a => a.playState === 'running' && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
                 return Promise.all(ending.map(a => a.finished.catch(() => null)))
                   .then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true)))));",
                vec![],
            )
            .await
            .map_err(|error| format!("waiting for a paint before the screenshot: {error}"))?;
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|error| format!("screenshot {name}: {error}"))?;
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|error| format!("write {}: {error}", path.display()))?;
        eprintln!("{}: saved {}", self.test, path.display());
        Ok(())
    }

    /// The whole X display (the real window as the user sees it), when ImageMagick is there.
    pub async fn save_display_screenshot(&self, name: &str) -> Result<(), String> {
        let path = self.screenshots.join(format!("{name}.png"));
        match Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status()
        {
            Ok(status) if status.success() => {
                eprintln!("{}: saved {}", self.test, path.display());
                Ok(())
            }
            Ok(status) => Err(format!("ImageMagick import failed ({status})")),
            Err(error) => {
                eprintln!("{}: no display screenshot ({error})", self.test);
                Ok(())
            }
        }
    }

    /// Starts the app a second time, as a user would from the launcher, and waits for that
    /// second process to end (it should hand over to the running app and exit).
    pub fn launch_again(&self) -> Result<std::process::ExitStatus, String> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err(
                "single instance needs a D-Bus session bus: run the GUI tests under \
                 dbus-run-session, as `cargo xtask test` does"
                    .into(),
            );
        }
        let mut second = Command::new(&self.binary)
            .envs(self.environment.iter().cloned())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|error| format!("could not start the app again: {error}"))?;
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            if let Some(status) = second.try_wait().map_err(|error| error.to_string())? {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                signal_group(second.id(), "KILL");
                let _ = second.wait();
                return Err(format!(
                    "the second launch was still running after {STEP_TIMEOUT:?}: it did not hand \
                     over to the first"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the running app's output contains `text`.
    pub async fn wait_for_app_log(&self, text: &str) -> Result<(), String> {
        poll_until(STEP_TIMEOUT, async || {
            let log = std::fs::read_to_string(&self.app_log).unwrap_or_default();
            if log.contains(text) {
                return Ok(());
            }
            Err(format!("the app never wrote {text:?}"))
        })
        .await
    }

    /// The X server has a top-level window with exactly this title.
    pub fn assert_x_window_titled(&self, title: &str) -> Result<(), String> {
        let output = Command::new("xwininfo")
            .args(["-root", "-tree"])
            .output()
            .map_err(|error| format!("xwininfo (x11-utils) is needed: {error}"))?;
        let tree = String::from_utf8_lossy(&output.stdout);
        if tree.contains(&format!("\"{title}\"")) {
            Ok(())
        } else {
            Err(format!("no X window titled {title:?}; windows:\n{tree}"))
        }
    }
}
