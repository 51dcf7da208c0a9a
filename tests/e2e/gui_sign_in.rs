#![cfg(target_os = "linux")]
//! Signing in through the system browser, in the real app, against the local emulator's
//! identity platform. The app launches the browser through `xdg-open`, which honours `$BROWSER`;
//! the tests set it to a script that completes the emulator's sign-in page the way a user would.

mod harness;

use std::path::Path;

use harness::{App, AppHome, Screen};
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};

/// The emulator, on its own runtime so that it keeps serving while the test drives the app.
struct LocalAzure {
    emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl LocalAzure {
    fn start(scenario: &str) -> LocalAzure {
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
    fn write_cloud_config(&self, dir: &Path) -> String {
        let path = dir.join("local-azure.json");
        std::fs::write(
            &path,
            serde_json::to_string(self.emulator.ready_info()).expect("ready info as JSON"),
        )
        .expect("write the cloud config");
        path.display().to_string()
    }

    fn sign_in_pages_served(&self) -> u64 {
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
fn home_for(azure: &LocalAzure, browser: impl FnOnce(&Path) -> std::path::PathBuf) -> AppHome {
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

fn make_default_browser(home: &AppHome, browser: &Path) {
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

#[test]
fn gui_browser_sign_in_shows_the_account_menu_with_the_users_name() {
    let azure = LocalAzure::start("first-time");
    let ca_path = azure.emulator.ready_info().ca_cert_path.clone();
    let home = home_for(&azure, |dir| {
        pfrm_tests::write_browser_script(
            dir,
            &ca_path,
            "alice@contoso.com",
            &dir.join("browser.log"),
        )
    });
    let Some(app) = App::launch_or_skip(
        "gui_browser_sign_in_shows_the_account_menu_with_the_users_name",
        home,
    ) else {
        return;
    };
    app.run(|screen: Screen| async move {
        screen
            .wait_for_button(
                "[data-testid='sign-in-browser']",
                "Sign in with your browser",
            )
            .await?;
        screen.save_screenshot("sign-in-choices").await?;
        screen.click("[data-testid='sign-in-browser']").await?;
        // The scripted browser completes the sign-in page; the app takes the code, redeems it
        // and names the user.
        screen
            .wait_for_text("[data-testid='welcome-who-name']", |text| {
                text == "Signed in as Alice"
            })
            .await?;
        assert_eq!(
            screen
                .rendered_texts("[data-testid='account-menu-name']")
                .await?,
            ["Alice"]
        );
        assert_eq!(
            screen.count("[data-testid='sandbox-banner']").await?,
            0,
            "a real sign-in is not the sandbox"
        );
        screen
            .save_screenshot("signed-in-through-the-browser")
            .await?;

        screen.click("[data-testid='account-menu-button']").await?;
        screen
            .wait_for_text("[data-testid='account-menu-user-name']", |text| {
                text == "alice@contoso.com"
            })
            .await?;
        screen.save_screenshot("account-menu").await?;
        screen.click("[data-testid='account-sign-out']").await?;
        screen
            .wait_for_button(
                "[data-testid='sign-in-browser']",
                "Sign in with your browser",
            )
            .await?;
        Ok(())
    });
    assert_eq!(
        azure.sign_in_pages_served(),
        1,
        "the browser opened the emulator's sign-in page once"
    );
}

#[test]
fn gui_waiting_for_the_browser_can_be_cancelled() {
    let azure = LocalAzure::start("first-time");
    // A browser that opens the page and leaves it there, as a user who walks away would.
    let home = home_for(&azure, |dir| {
        let script = dir.join("idle-browser.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                dir.join("browser.log").display()
            ),
        )
        .expect("write the idle browser");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("make the idle browser executable");
        script
    });
    let Some(app) = App::launch_or_skip("gui_waiting_for_the_browser_can_be_cancelled", home)
    else {
        return;
    };
    app.run(|screen: Screen| async move {
        screen
            .wait_for_button(
                "[data-testid='sign-in-browser']",
                "Sign in with your browser",
            )
            .await?;
        screen.click("[data-testid='sign-in-browser']").await?;
        screen
            .wait_for_text("[data-testid='sign-in-waiting-browser']", |text| {
                text.contains("browser")
            })
            .await?;
        screen
            .save_screenshot("sign-in-waiting-for-the-browser")
            .await?;
        screen.click("[data-testid='sign-in-cancel']").await?;
        screen
            .wait_for_button(
                "[data-testid='sign-in-browser']",
                "Sign in with your browser",
            )
            .await?;
        assert_eq!(
            screen
                .count("[data-testid='sign-in-waiting-browser']")
                .await?,
            0,
            "the waiting state is gone"
        );
        assert_eq!(
            screen.count("[data-testid='error-text']").await?,
            0,
            "cancelling is not an error"
        );
        Ok(())
    });
}
