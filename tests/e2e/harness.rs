//! Launching the real app under WebKitWebDriver and looking at it the way a user would.
// Each GUI test target (e2e/gui*.rs) includes this module and uses only part of it.
#![allow(dead_code)]

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// GUI tests never overlap: two app instances at once make WebKitWebDriver unreliable, and
/// the app is single-instance anyway.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The first screen can take a while on a cold, busy machine; later steps are quick.
const FIRST_SCREEN_TIMEOUT: Duration = Duration::from_secs(40);
const STEP_TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

/// A throwaway home for one app run: HOME and every XDG folder point inside it, so the app's
/// settings, logs and WebView storage start empty and tests can plant bad files.
pub struct AppHome {
    dir: tempfile::TempDir,
    /// Further variables for the app, such as `PFRM_SANDBOX=1` (the `--sandbox` flag's twin).
    extra: Vec<(&'static str, PathBuf)>,
}

impl AppHome {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("pfrm-gui-")
            .tempdir()
            .expect("create a temporary home");
        AppHome {
            dir,
            extra: Vec::new(),
        }
    }
    /// The app also gets `name=value` in its environment.
    pub fn with_env(mut self, name: &'static str, value: &str) -> Self {
        self.extra.push((name, PathBuf::from(value)));
        self
    }
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    /// What WebKitWebDriver and the app wrote to their standard output and error.
    pub fn driver_log(&self) -> PathBuf {
        self.dir.path().join("driver-and-app.log")
    }
    /// The app's environment (its folders and [`Self::with_env`] variables): a `pfrm` command run
    /// with it works on the app's settings.
    pub fn environment(&self) -> Vec<(&'static str, PathBuf)> {
        for dir in [self.home(), self.data_dir(), self.cache_dir()] {
            std::fs::create_dir_all(dir).expect("create a folder of the temporary home");
        }
        let mut environment = vec![
            ("HOME", self.home()),
            ("XDG_CONFIG_HOME", self.config_dir()),
            ("XDG_STATE_HOME", self.state_dir()),
            ("XDG_DATA_HOME", self.data_dir()),
            ("XDG_CACHE_HOME", self.cache_dir()),
        ];
        environment.extend(self.extra.iter().cloned());
        environment
    }
}

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

    /// Starts the app, waits for its first screen, runs `steps`, and ends the app (and every
    /// process it started) whatever happens. Hands back the app's home so the test can look at
    /// the files the app left (the folder is deleted when the home is dropped).
    pub fn run<F, Fut>(self, steps: F) -> AppHome
    where
        F: FnOnce(Screen) -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
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

fn webkit_webdriver() -> PathBuf {
    let debian = PathBuf::from("/usr/bin/WebKitWebDriver");
    if debian.is_file() {
        debian
    } else {
        PathBuf::from("WebKitWebDriver")
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("find a free loopback port")
}

fn signal_group(group: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status();
}

/// Whether any process of the group is still running (zombies waiting to be reaped do not count).
fn group_has_live_processes(group: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        // Fields after the command name (which may contain spaces) start after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return false;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        matches!((fields.first(), fields.get(2)), (Some(state), Some(pgrp))
            if *state != "Z" && *state != "X" && pgrp.parse::<u32>() == Ok(group))
    })
}

fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asks `probe` every [`POLL`] until it answers `Ok`; after `timeout`, gives up with the
/// reason it gave last.
pub async fn poll_until<T>(
    timeout: Duration,
    mut probe: impl AsyncFnMut() -> Result<T, String>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let reason = match probe().await {
            Ok(answer) => return Ok(answer),
            Err(reason) => reason,
        };
        if Instant::now() >= deadline {
            return Err(reason);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The app's window as a test sees it.
#[derive(Clone)]
pub struct Screen {
    pub client: Client,
    test: &'static str,
    screenshots: PathBuf,
    /// What a second launch needs: the app and its environment.
    binary: PathBuf,
    environment: Vec<(&'static str, PathBuf)>,
    /// Where WebKitWebDriver and the app write their output.
    app_log: PathBuf,
}

impl Screen {
    /// Waits until the element's visible text satisfies `wanted` (the final text, not an
    /// intermediate one) and returns it.
    pub async fn wait_for_text(
        &self,
        css: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        self.wait_within(STEP_TIMEOUT, css, wanted).await
    }

    pub async fn wait_within(
        &self,
        timeout: Duration,
        css: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let mut last_seen = None;
        poll_until(timeout, async || {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if wanted(&text) {
                        return Ok(text);
                    }
                    last_seen = Some(text);
                }
            }
            Err(match &last_seen {
                Some(text) => format!(
                    "waited {timeout:?} for the expected text in `{css}`; it shows {text:?}"
                ),
                None => format!("waited {timeout:?} for `{css}` to appear; it did not"),
            })
        })
        .await
    }

    pub async fn wait_for_attribute(
        &self,
        css: &str,
        attribute: &str,
        value: &str,
    ) -> Result<(), String> {
        self.wait_for_attribute_within(STEP_TIMEOUT, css, attribute, value)
            .await
    }

    pub async fn wait_for_attribute_within(
        &self,
        timeout: Duration,
        css: &str,
        attribute: &str,
        value: &str,
    ) -> Result<(), String> {
        poll_until(timeout, async || {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if element.attr(attribute).await.ok().flatten().as_deref() == Some(value) {
                    return Ok(());
                }
            }
            Err(format!("`{css}` never had {attribute}={value:?}"))
        })
        .await
    }

    async fn element(&self, css: &str) -> Result<fantoccini::elements::Element, String> {
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
            .map_err(|error| format!("`{css}` did not appear: {error}"))
    }

    /// Clicks as a user would after scrolling the element to the middle of the view: WebDriver
    /// scrolls only until the element shows at an edge, where the wizard's bar that stays at the
    /// bottom of the window covers it and takes the click.
    pub async fn click(&self, css: &str) -> Result<(), String> {
        let element = self.element(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![serde_json::to_value(&element).map_err(|error| error.to_string())?],
            )
            .await
            .map_err(|error| format!("could not scroll to `{css}`: {error}"))?;
        element
            .click()
            .await
            .map_err(|error| format!("could not click `{css}`: {error}"))
    }

    pub async fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        self.element(css)
            .await?
            .send_keys(text)
            .await
            .map_err(|error| format!("could not type into `{css}`: {error}"))
    }

    /// Picks a workspace in the page's workspace picker by typing its name, replacing what the
    /// picker showed (a workspace picked before, say).
    pub async fn pick_workspace(&self, name: &str) -> Result<(), String> {
        const PICKER: &str = "[data-testid='workspace-picker']";
        self.click(PICKER).await?;
        // Control+A (WebDriver keeps a modifier down until it is sent again), then Backspace.
        self.type_into(PICKER, "\u{E009}a\u{E009}\u{E003}").await?;
        self.type_into(PICKER, name).await?;
        let option = format!("[data-testid='workspace-option'][data-name='{name}']");
        self.wait_for_text(&option, |text| text.contains(name))
            .await?;
        self.click(&option).await
    }

    /// The rendered text (`innerText`) of every element matching `css`, in document order.
    pub async fn rendered_texts(&self, css: &str) -> Result<Vec<String>, String> {
        let value = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim());",
                vec![json!(css)],
            )
            .await
            .map_err(|error| format!("could not read `{css}`: {error}"))?;
        serde_json::from_value(value).map_err(|error| format!("texts of `{css}`: {error}"))
    }

    /// Waits until the button matching `css` shows `label`. WebDriver's element text is
    /// WebKit's `innerText`, which leaves out the label of a `<button>`, so the label is read
    /// from the button's text content.
    pub async fn wait_for_button(&self, css: &str, label: &str) -> Result<(), String> {
        poll_until(STEP_TIMEOUT, async || {
            let shown = self
                .client
                .execute(
                    "const button = document.querySelector(arguments[0]);
                     return button && button.tagName === 'BUTTON' ? button.textContent.trim() : null;",
                    vec![json!(css)],
                )
                .await
                .map_err(|error| error.to_string());
            if matches!(&shown, Ok(value) if value.as_str() == Some(label)) {
                return Ok(());
            }
            Err(format!(
                "waited {STEP_TIMEOUT:?} for the button `{css}` labelled {label:?}; last seen: {shown:?}"
            ))
        })
        .await
    }

    /// Waits until exactly `wanted` elements match `css`.
    pub async fn wait_for_count(
        &self,
        timeout: Duration,
        css: &str,
        wanted: usize,
    ) -> Result<(), String> {
        poll_until(timeout, async || {
            // An element removed while it is being looked at reads as stale: look again.
            let found = self.count(css).await;
            if found.as_ref().is_ok_and(|found| *found == wanted) {
                return Ok(());
            }
            Err(format!(
                "waited {timeout:?} for {wanted} of `{css}`; found {found:?}"
            ))
        })
        .await
    }

    pub async fn count(&self, css: &str) -> Result<usize, String> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|elements| elements.len())
            .map_err(|error| format!("could not look for `{css}`: {error}"))
    }

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
