//! One run of the app: WebKitWebDriver starts it, the test's steps drive it, and the whole
//! process group ends with the run.

use std::future::Future;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

use super::process::{
    bus_name_has_owner, free_port, group_has_live_processes, signal_group, wait_until,
};
use super::{AppHome, Screen, FIRST_SCREEN_TIMEOUT};

/// GUI tests never overlap: two app instances at once make WebKitWebDriver unreliable, and
/// the app is single-instance anyway.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub struct App {
    test: &'static str,
    binary: PathBuf,
    home: AppHome,
    screenshots: PathBuf,
}

impl App {
    /// `None` (after saying why) when `PFRM_APP_BINARY` is unset; panics on any other missing
    /// precondition, because then the test could not say anything true about the app.
    pub fn launch_or_skip(test: &'static str, home: AppHome) -> Option<App> {
        let Some(binary) = std::env::var_os("PFRM_APP_BINARY") else {
            eprintln!(
                "skipping {test}: PFRM_APP_BINARY is not set. `cargo xtask test` builds the app \
                 and sets it; to run by hand: PFRM_APP_BINARY=/abs/path/to/pfrm-desktop \
                 xvfb-run -a cargo test -p pfrm-tests --test gui -- --test-threads=1"
            );
            return None;
        };
        let binary = PathBuf::from(binary);
        assert!(
            binary.is_absolute() && binary.is_file(),
            "PFRM_APP_BINARY must be the absolute path of the built app; {} is not a file",
            binary.display()
        );
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "DISPLAY is not set: the GUI tests need an X display (run them under Xvfb, as \
             `cargo xtask test` does with xvfb-run)"
        );
        let screenshots = std::env::var_os("PFRM_SCREENSHOT_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots")
            });
        std::fs::create_dir_all(&screenshots).expect("create the screenshot folder");
        // A failure screenshot from an earlier run would tell of a failure this run may not have.
        let _ = std::fs::remove_file(screenshots.join(format!("failed-{test}.png")));
        Some(App {
            test,
            binary,
            home,
            screenshots,
        })
    }

    /// Launches the app on `home` and runs `steps` (see [`App::run`]); `None`, after saying
    /// why, when the test is skipped.
    pub fn run_or_skip<F, Fut>(test: &'static str, home: AppHome, steps: F) -> Option<AppHome>
    where
        F: FnOnce(Screen) -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        Some(App::launch_or_skip(test, home)?.run(steps))
    }

    /// Starts the app, waits for its first screen, runs `steps`, and ends the app (and every
    /// process it started) whatever happens. Hands back the app's home so the test can look at
    /// the files the app left (the folder is deleted when the home is dropped).
    pub fn run<F, Fut>(self, steps: F) -> AppHome
    where
        F: FnOnce(Screen) -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        wait_for_the_previous_app_to_leave_the_bus();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let driver = Driver::start(&self.home);
        let outcome = runtime.block_on(async {
            let client = driver.connect(&self.binary).await?;
            let screen = Screen {
                client: client.clone(),
                test: self.test,
                screenshots: self.screenshots.clone(),
                binary: self.binary.clone(),
                environment: self.home.environment(),
                app_log: self.home.driver_log(),
            };
            let result = async {
                screen
                    .wait_within(FIRST_SCREEN_TIMEOUT, "[data-theme] h1", |_| true)
                    .await?;
                steps(screen.clone()).await
            }
            .await;
            if result.is_err() {
                let _ = screen
                    .save_screenshot(&format!("failed-{}", self.test))
                    .await;
            }
            let _ = client.close().await;
            result
        });
        drop(driver);
        if let Err(message) = outcome {
            let log = std::fs::read_to_string(self.home.driver_log()).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            panic!(
                "{}: {message}\n--- last lines from WebKitWebDriver and the app ---\n{}",
                self.test,
                tail.join("\n")
            );
        }
        self.home
    }
}

/// WebKitWebDriver in its own process group. It starts the app, and the app starts WebKit's
/// helper processes, all in that group; dropping the driver ends the whole group.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(home: &AppHome) -> Driver {
        let port = free_port();
        let log = std::fs::File::create(home.driver_log()).expect("create the driver log");
        let mut command = Command::new(webkit_webdriver());
        command
            .arg(format!("--port={port}"))
            // A home may ask for another level (`with_env("PFRM_LOG", ...)`).
            .env("PFRM_LOG", "info")
            .envs(home.environment())
            // Lets the Tauri webview accept automation from WebKitWebDriver.
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            // No accessibility bus: D-Bus would start it outside the driver's process group,
            // where it would outlive the test.
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("driver log"))
            .stderr(log)
            .process_group(0);
        let child = command
            .spawn()
            .expect("start WebKitWebDriver (Debian package webkit2gtk-driver)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "WebKitWebDriver did not listen on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }

    async fn connect(&self, binary: &Path) -> Result<Client, String> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "webkitgtk:browserOptions".into(),
            json!({ "binary": binary, "args": [] }),
        );
        // Two rustls providers are compiled into the workspace (aws-lc-rs, which pfrm uses, and
        // ring, which the updater plugin's HTTP client brings), so rustls cannot pick one by
        // itself: the WebDriver client would panic. Choose pfrm's own, once per process.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let mut builder =
            ClientBuilder::rustls().map_err(|error| format!("WebDriver client: {error}"))?;
        let address = format!("http://127.0.0.1:{}", self.port);
        let connect = builder.capabilities(capabilities).connect(&address);
        // WebKitWebDriver has been seen to hang while starting a session (the app had started):
        // a bounded wait turns that into a failure with the app's last lines, not a stuck run.
        match tokio::time::timeout(Duration::from_secs(120), connect).await {
            Ok(connected) => connected
                .map_err(|error| format!("could not start the app over WebDriver: {error}")),
            Err(_) => Err("could not start the app over WebDriver: no session after 120 s".into()),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = self.child.id();
        signal_group(group, "TERM");
        if !wait_until(Duration::from_secs(5), || !group_has_live_processes(group)) {
            signal_group(group, "KILL");
            wait_until(Duration::from_secs(5), || !group_has_live_processes(group));
        }
        let _ = self.child.wait();
    }
}

/// The app's single-instance name on the session bus: its identifier (from
/// `src-tauri/tauri.conf.json`, read on the first launch) plus `.SingleInstance`.
static SINGLE_INSTANCE_NAME: LazyLock<String> = LazyLock::new(|| {
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/tauri.conf.json"),
        )
        .expect("read src-tauri/tauri.conf.json"),
    )
    .expect("src-tauri/tauri.conf.json is JSON");
    let identifier = config["identifier"].as_str().expect("the app's identifier");
    format!("{identifier}.SingleInstance")
});

/// The app is single-instance over D-Bus: while the previous run's app is still shutting down it
/// holds the name, and a new app hands its arguments to it and quits (with `NoReply` when the old
/// one goes first).
fn wait_for_the_previous_app_to_leave_the_bus() {
    let name = SINGLE_INSTANCE_NAME.as_str();
    assert!(
        wait_until(Duration::from_secs(30), || bus_name_has_owner(name)
            != Some(true)),
        "an app from an earlier run still holds {name} on the session bus after 30 s"
    );
}

fn webkit_webdriver() -> PathBuf {
    let debian = PathBuf::from("/usr/bin/WebKitWebDriver");
    if debian.is_file() {
        debian
    } else {
        PathBuf::from("WebKitWebDriver")
    }
}
