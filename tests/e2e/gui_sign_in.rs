#![cfg(target_os = "linux")]
//! Signing in through the system browser, in the real app, against the local emulator's
//! identity platform. The app launches the browser through `xdg-open`, which honours `$BROWSER`;
//! the tests set it to a script that completes the emulator's sign-in page the way a user would.

mod harness;
mod local_azure;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use harness::{App, Screen};
use local_azure::{alice_browser, home_for, sign_in_through_the_browser, LocalAzure};
use pfrm_core::auth::store::TokenVault;

#[test]
fn gui_browser_sign_in_shows_the_account_menu_with_the_users_name() {
    let azure = LocalAzure::start("first-time");
    let home = alice_browser(&azure);
    let Some(_) = App::run_or_skip(
        "gui_browser_sign_in_shows_the_account_menu_with_the_users_name",
        home,
        |screen: Screen| async move {
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
            screen.assert_account_name("Alice").await?;
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
        },
    ) else {
        return;
    };
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

/// `pfrm` with the app's folders, cloud and keychain: it works on the app's own settings.
fn pfrm_like_the_app(environment: &[(&'static str, PathBuf)], args: &[&str]) -> Output {
    Command::new(pfrm_tests::pfrm_binary())
        .args(args)
        .envs(environment.iter().cloned())
        .env_remove("DISPLAY")
        .env("PFRM_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run pfrm")
}

/// `pfrm account list --json`, which must succeed.
fn accounts_json(environment: &[(&'static str, PathBuf)]) -> Result<serde_json::Value, String> {
    let output = pfrm_like_the_app(environment, &["account", "list", "--json"]);
    if !output.status.success() {
        return Err(format!(
            "pfrm account list --json failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|error| format!("account list JSON: {error}"))
}

/// The keychain entry of the one account in `accounts` (the app and the CLI share it).
fn keychain_key(accounts: &serde_json::Value) -> String {
    format!(
        "{}/{}",
        accounts[0]["cloud"].as_str().expect("an account's cloud"),
        accounts[0]["id"].as_str().expect("an account's id")
    )
}

/// Every scrolled part of the page back at its top (a page switch keeps the old scroll).
async fn scroll_to_the_top(screen: &Screen) -> Result<(), String> {
    screen
        .client
        .execute(
            "document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; }); window.scrollTo(0, 0);",
            vec![],
        )
        .await
        .map(|_| ())
        .map_err(|error| format!("scroll to the top: {error}"))
}

/// Signs in through the scripted browser from the welcome screen, as a user would.
#[test]
fn gui_a_keychain_entry_removed_behind_the_apps_back_asks_to_sign_in_again() {
    let azure = LocalAzure::start("first-time");
    let home = alice_browser(&azure);
    let environment = home.environment();
    App::run_or_skip(
        "gui_a_keychain_entry_removed_behind_the_apps_back_asks_to_sign_in_again",
        home,
        |screen: Screen| async move {
            sign_in_through_the_browser(&screen).await?;
            let accounts = accounts_json(&environment)?;
            assert_eq!(
                accounts[0]["signedIn"], true,
                "the app's sign-in is saved in the keychain: {accounts}"
            );

            // Another tool (or the user, in the keychain manager) removes the saved sign-in.
            TokenVault::open_system()
                .await
                .remove(&keychain_key(&accounts))
                .await
                .map_err(|error| format!("remove the keychain entry: {error:?}"))?;
            // The user comes back to the app's window (the window system tells it so).
            screen
                .client
                .execute("window.dispatchEvent(new Event('focus'));", vec![])
                .await
                .map_err(|error| format!("focus the window: {error}"))?;
            screen
                .wait_for_button("[data-testid='sign-in-again']", "Sign in again")
                .await?;
            let banner = screen
                .wait_for_text("[data-testid='sign-in-required-banner']", |text| {
                    text.contains("Alice")
                })
                .await?;
            assert!(banner.contains("Sign in again"), "{banner}");
            // Nothing else on the screen still claims the sign-in works.
            screen
                .wait_for_text("[data-testid='welcome-who-name']", |text| {
                    text == "Last signed in as Alice"
                })
                .await?;
            assert_eq!(
                screen
                    .count("[data-testid='welcome-go-to-runtimes']")
                    .await?,
                0
            );
            assert_eq!(
                screen
                    .rendered_texts("[data-testid='account-menu-sign-in-required']")
                    .await?,
                ["Sign in again"]
            );
            screen.save_screenshot("sign-in-again-light").await?;
            screen
                .save_display_screenshot("window-sign-in-again")
                .await?;
            let accounts = accounts_json(&environment)?;
            assert_eq!(
                accounts[0]["signedIn"], false,
                "`account list` says sign in again too: {accounts}"
            );

            screen.choose_theme("dark").await?;
            screen.click("[data-testid='nav-welcome']").await?;
            screen
                .wait_for_button("[data-testid='sign-in-again']", "Sign in again")
                .await?;
            scroll_to_the_top(&screen).await?;
            screen.save_screenshot("sign-in-again-dark").await?;

            // "Sign in again" does: the banner goes and the sign-in is saved once more.
            screen.click("[data-testid='sign-in-again']").await?;
            sign_in_through_the_browser(&screen).await?;
            screen
                .wait_for_count(
                    std::time::Duration::from_secs(15),
                    "[data-testid='sign-in-required-banner']",
                    0,
                )
                .await?;
            let accounts = accounts_json(&environment)?;
            assert_eq!(accounts[0]["signedIn"], true, "{accounts}");
            Ok(())
        },
    );
}

/// Where a refresh or access token, an ID token or an authorization code of the emulator shows
/// in `text`, if anywhere: the tokens themselves (`exact`), any refresh token (`0.emu.`) or code
/// (`1.emu.`), and anything shaped like a signed JWT (`eyJ….eyJ…`).
fn first_secret_in(text: &str, exact: &[String]) -> Option<String> {
    for secret in exact {
        if text.contains(secret.as_str()) {
            return Some("a refresh token read from the keychain".into());
        }
    }
    for marker in ["0.emu.", "1.emu."] {
        if let Some(at) = text.find(marker) {
            return Some(format!("{marker}… at byte {at}"));
        }
    }
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut rest = text;
    while let Some(at) = rest.find("eyJ") {
        let tail = &rest[at..];
        let header = tail.find(|c: char| !base64url(c)).unwrap_or(tail.len());
        if tail[header..].starts_with(".eyJ") {
            return Some(format!("a JWT starting {}…", &tail[..header.min(12)]));
        }
        rest = &tail[3..];
    }
    None
}

/// Every file below `dir`, read as text (binary files lossily).
fn files_below(dir: &Path, found: &mut Vec<(PathBuf, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_below(&path, found);
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
}

#[test]
fn gui_the_apps_trace_log_of_a_sign_in_and_a_refresh_holds_no_token() {
    let azure = LocalAzure::start("first-time");
    let home = alice_browser(&azure).with_env("PFRM_LOG", "trace");
    let environment = home.environment();
    let token_requests = || {
        azure
            .emulator
            .faults()
            .request_count("POST", "/*/oauth2/v2.0/token")
    };
    let Some(app) = App::launch_or_skip(
        "gui_the_apps_trace_log_of_a_sign_in_and_a_refresh_holds_no_token",
        home,
    ) else {
        return;
    };
    azure
        .emulator
        .set_token_lifetime(std::time::Duration::from_secs(4));
    let mut refresh_tokens = Vec::new();
    let seen = &mut refresh_tokens;
    let environment = &environment;
    let azure = &azure;
    let token_requests = &token_requests;
    let home = app.run(|screen: Screen| async move {
        sign_in_through_the_browser(&screen).await?;
        let key = keychain_key(&accounts_json(environment)?);
        let vault = TokenVault::open_system().await;
        let stored = |vault: TokenVault, key: String| async move {
            vault
                .get_stored(&key)
                .await
                .map_err(|error| format!("read the keychain: {error:?}"))?
                .map(|secret| secret.expose().to_owned())
                .ok_or_else(|| "no keychain entry".to_owned())
        };
        seen.push(stored(vault.clone(), key.clone()).await?);

        // The access token lives 4 s: the next Azure call after that refreshes (and rotates the
        // refresh token), through the same logged code.
        let before = token_requests();
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        screen.click("[data-testid='nav-runtimes']").await?;
        screen.pick_workspace("ml-workspace").await?;
        harness::poll_until(std::time::Duration::from_secs(15), async || {
            let rotated = stored(vault.clone(), key.clone()).await?;
            if token_requests() > before && rotated != seen[0] {
                seen.push(rotated);
                return Ok(());
            }
            Err("the app never refreshed its sign-in".to_owned())
        })
        .await?;
        Ok(())
    });

    let mut files = Vec::new();
    for dir in [home.state_dir(), home.config_dir(), home.data_dir()] {
        files_below(&dir, &mut files);
    }
    let output = home.driver_log();
    files.push((
        output.clone(),
        std::fs::read_to_string(&output).unwrap_or_default(),
    ));
    let log: Vec<&(PathBuf, String)> = files
        .iter()
        .filter(|(path, _)| path.starts_with(home.state_dir().join("pfrm/logs")))
        .collect();
    let log: String = log.iter().map(|(_, text)| text.as_str()).collect();
    // The default app log keeps no library debug lines: these show PFRM_LOG=trace took effect,
    // and that the log covers the sign-in and both keychain writes (sign-in, then refresh).
    assert!(
        log.contains("opening the browser for sign-in"),
        "the sign-in is in the app's log:\n{log}"
    );
    assert!(
        log.matches("DEBUG keyring_core: set password").count() >= 2,
        "the app's log is verbose and covers both keychain writes:\n{log}"
    );
    assert_eq!(refresh_tokens.len(), 2, "signed in, then refreshed");
    // The scan can fail: it finds a real refresh token and a real access token.
    let access_token = azure
        .emulator
        .issue_access_token("alice@contoso.com", "https://management.azure.com/.default")
        .expect("an access token from the emulator");
    assert!(first_secret_in(&format!("x {} y", refresh_tokens[1]), &[]).is_some());
    assert!(first_secret_in(&format!("token={access_token}"), &[]).is_some());
    let hits: Vec<String> = files
        .iter()
        .filter_map(|(path, text)| {
            first_secret_in(text, &refresh_tokens).map(|what| format!("{}: {what}", path.display()))
        })
        .collect();
    assert!(hits.is_empty(), "secrets in the app's files: {hits:#?}");
}
