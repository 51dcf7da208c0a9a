//! The emulator as the app's cloud, outside the app: the test starts it, the app signs in to it
//! through the system browser (a script that completes the sign-in page as a user would), and
//! the test can look at the emulator's world before and after.
// Each GUI test target that includes this module uses only part of it.
#![allow(dead_code)]

use std::path::Path;

use super::harness::{AppHome, Screen};
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};

/// The emulator, on its own runtime so that it keeps serving while the test drives the app.
pub struct LocalAzure {
    pub emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl LocalAzure {
    pub fn start(scenario: &str) -> LocalAzure {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime for the emulator");
        let emulator = runtime
            .block_on(Emulator::start(EmulatorOptions {
                scenario: Scenario::by_name(scenario).expect("a known scenario"),
                ..EmulatorOptions::default()
            }))
            .expect("the emulator starts");
        LocalAzure {
            emulator,
            _runtime: runtime,
        }
    }

    /// Writes the emulator's ready file, which the app takes as a custom cloud's configuration.
    pub fn write_cloud_config(&self, dir: &Path) -> String {
        let path = dir.join("local-azure.json");
        std::fs::write(
            &path,
            serde_json::to_string(self.emulator.ready_info()).expect("ready info as JSON"),
        )
        .expect("write the cloud config");
        path.display().to_string()
    }

    pub fn sign_in_pages_served(&self) -> u64 {
        self.emulator
            .faults()
            .request_count("GET", "/*/oauth2/v2.0/authorize")
    }
}

/// A home whose app uses the emulator as its cloud and `browser` (a script written into the
/// home) as the system browser.
///
/// With a display, `xdg-open` asks for the default handler of `https` links before it looks at
/// `$BROWSER`, and the machine's own browser would answer. So the script is also made the
/// home's default web browser, the way a user would choose one: a desktop entry plus
/// `mimeapps.list`.
pub fn home_for(azure: &LocalAzure, browser: impl FnOnce(&Path) -> std::path::PathBuf) -> AppHome {
    let home = AppHome::new();
    let files = home.home();
    std::fs::create_dir_all(&files).expect("create the temporary home");
    let cloud_config = azure.write_cloud_config(&files);
    let browser = browser(&files);
    make_default_browser(&home, &browser);
    home.with_env("PFRM_CLOUD", "custom")
        .with_env("PFRM_CLOUD_CONFIG", &cloud_config)
        .with_env("BROWSER", &browser.display().to_string())
        // Without a desktop environment, xdg-open uses the generic lookup above.
        .with_env("XDG_CURRENT_DESKTOP", "")
}

pub fn make_default_browser(home: &AppHome, browser: &Path) {
    let applications = home.data_dir().join("applications");
    std::fs::create_dir_all(&applications).expect("create the applications folder");
    std::fs::write(
        applications.join("scripted-browser.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Scripted browser\nExec={} %u\n\
             MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
            browser.display()
        ),
    )
    .expect("write the browser's desktop entry");
    std::fs::create_dir_all(home.config_dir()).expect("create the config folder");
    std::fs::write(
        home.config_dir().join("mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/http=scripted-browser.desktop\n\
         x-scheme-handler/https=scripted-browser.desktop\n",
    )
    .expect("write mimeapps.list");
}

/// Signs in with "Sign in with your browser"; the scripted browser completes the page as Alice.
pub async fn sign_in_through_the_browser(screen: &Screen) -> Result<(), String> {
    screen
        .wait_for_button(
            "[data-testid='sign-in-browser']",
            "Sign in with your browser",
        )
        .await?;
    // A banner that appears while the page settles can move the button from under a click:
    // click again, as a user would, until the sign-in has started.
    super::harness::poll_until(std::time::Duration::from_secs(15), async || {
        let waiting = screen
            .count("[data-testid='sign-in-waiting-browser']")
            .await?;
        let who = screen
            .rendered_texts("[data-testid='welcome-who-name']")
            .await?;
        if waiting > 0 || who.iter().any(|text| text == "Signed in as Alice") {
            return Ok(());
        }
        screen.click("[data-testid='sign-in-browser']").await?;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        Err("the browser sign-in never started".to_owned())
    })
    .await?;
    screen
        .wait_for_text("[data-testid='welcome-who-name']", |text| {
            text == "Signed in as Alice"
        })
        .await?;
    Ok(())
}

/// A home whose app signs in to `azure` as Alice through the scripted browser.
pub fn alice_browser(azure: &LocalAzure) -> AppHome {
    let ca_path = azure.emulator.ready_info().ca_cert_path.clone();
    home_for(azure, |dir| {
        pfrm_tests::write_browser_script(
            dir,
            &ca_path,
            "alice@contoso.com",
            &dir.join("browser.log"),
        )
    })
}
