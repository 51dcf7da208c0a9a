#![cfg(target_os = "linux")]
//! End-to-end tests of the real desktop app: the binary named by `PFRM_APP_BINARY` runs under
//! the X display in `DISPLAY` (Xvfb in CI) and is driven over WebDriver.
//!
//! Driver: WebKitWebDriver (Debian's `webkit2gtk-driver`) directly, one per test, with
//! `TAURI_WEBVIEW_AUTOMATION=true`. It starts the app itself, so each test gives the app its own
//! environment (throwaway HOME and XDG folders) through the driver's environment, which is
//! what the bad-config and unwritable-log-folder tests need. The driver runs in its own process
//! group and the whole group (driver, app, WebKit helpers) is ended after each test.
//!
//! Each tested screen is saved as a PNG under `PFRM_SCREENSHOT_DIR` (default
//! `<repo>/target/e2e-screenshots/`). The tests skip only when `PFRM_APP_BINARY` is unset.
//! Names start with `gui_` so the workspace-wide test run can leave them to this harness.

mod harness;

use std::time::Duration;

use harness::{App, AppHome, Screen};

const WINDOW_TITLE: &str = "Prompt Flow Runtime Manager";

#[test]
fn gui_window_opens_on_the_welcome_screen() {
    let Some(app) = App::launch_or_skip("gui_window_opens_on_the_welcome_screen", AppHome::new())
    else {
        return;
    };
    app.run(|screen: Screen| async move {
        screen
            .wait_for_text("h1", |text| {
                text == "Welcome to Prompt Flow Runtime Manager"
            })
            .await?;
        screen
            .wait_for_text("[data-testid='welcome']", |text| {
                text.contains("Set up and update your Azure Machine Learning prompt flow runtimes")
            })
            .await?;
        // Read as the page renders them (WebKitWebDriver's element text is empty for Fluent's
        // tabs, whose label sits beside a hidden bold copy that reserves its width).
        let tabs = screen.rendered_texts("[role='tab']").await?;
        assert_eq!(
            tabs,
            [
                "Welcome",
                "Runtimes",
                "Permissions",
                "Inventory",
                "Activity",
                "Settings"
            ],
            "the navigation"
        );
        let title = screen.client.title().await.map_err(|e| e.to_string())?;
        assert_eq!(title, WINDOW_TITLE);
        screen.assert_x_window_titled(WINDOW_TITLE)?;
        // The welcome screen offers only actions that work: each is an enabled button.
        // Four ways to sign in (browser, code, Azure CLI, sandbox) and two actions that need none.
        screen
            .wait_for_button("[data-testid='sign-in-sandbox']", "Try the sandbox")
            .await?;
        let buttons = screen
            .count("[data-testid='welcome'] button:not([disabled])")
            .await?;
        assert_eq!(
            buttons, 6,
            "the welcome screen should offer its six working actions"
        );
        screen.save_screenshot("welcome-light").await?;
        screen.save_display_screenshot("window-welcome").await?;

        // Dark appearance, chosen in Settings, for the dark screenshot.
        screen.choose_theme("dark").await?;
        screen.click("[data-testid='nav-welcome']").await?;
        screen
            .wait_for_text("h1", |text| {
                text == "Welcome to Prompt Flow Runtime Manager"
            })
            .await?;
        screen.save_screenshot("welcome-dark").await?;
        Ok(())
    });
}

#[test]
fn gui_backend_command_round_trips() {
    let home = AppHome::new();
    let expected_log_dir = home.state_dir().join("pfrm").join("logs");
    let expected_config = home.config_dir().join("pfrm").join("settings.json");
    let Some(app) = App::launch_or_skip("gui_backend_command_round_trips", home) else {
        return;
    };
    let shown_log_dir = expected_log_dir.display().to_string();
    let shown_config = expected_config.display().to_string();
    let _home = app.run(|screen: Screen| async move {
        screen.click("[data-testid='nav-settings']").await?;
        screen
            .wait_for_text("[data-testid='app-version']", |text| {
                text == env!("CARGO_PKG_VERSION")
            })
            .await?;
        screen
            .wait_for_text("[data-testid='log-dir']", |text| text == shown_log_dir)
            .await?;
        screen
            .wait_for_text("[data-testid='config-path']", |text| text == shown_config)
            .await?;
        assert_eq!(
            screen.count("[data-testid^='startup-warning']").await?,
            0,
            "a clean start shows no warnings"
        );
        screen.save_screenshot("settings-light").await?;
        Ok(())
    });
    // The app logged to a file in the folder it showed.
    let log_files = std::fs::read_dir(&expected_log_dir)
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(
        log_files,
        1,
        "one daily log file in {}",
        expected_log_dir.display()
    );
}

#[test]
fn gui_error_from_rust_is_shown_with_message_and_remedy() {
    App::run_or_skip(
        "gui_error_from_rust_is_shown_with_message_and_remedy",
        AppHome::new(),
        |screen: Screen| async move {
            // Signed out, the Runtimes page asks Rust for the workspaces; Rust answers with its
            // structured sign-in error, which the page shows as message, remedy and code.
            screen
                .wait_for_button("[data-testid='sign-in-sandbox']", "Try the sandbox")
                .await?;
            screen.click("[data-testid='nav-runtimes']").await?;
            screen
                .wait_for_text("[data-testid='error-text']", |text| {
                    text == "You are not signed in."
                })
                .await?;
            screen
                .wait_for_text("[data-testid='error-remedy']", |text| {
                    text == "Sign in to Azure, or try the sandbox, from the Welcome page."
                })
                .await?;
            screen
                .wait_for_text("[data-testid='error-message']", |text| {
                    text.contains("sign_in_required")
                })
                .await?;
            screen
                .save_screenshot("runtime-error-signed-out-light")
                .await?;
            Ok(())
        },
    );
}

#[test]
fn gui_bad_config_file_is_kept_aside_and_reported() {
    let home = AppHome::new();
    let config_dir = home.config_dir().join("pfrm");
    std::fs::create_dir_all(&config_dir).unwrap();
    let broken = "{ \"theme\": \"dark\", oops";
    std::fs::write(config_dir.join("settings.json"), broken).unwrap();
    let Some(app) = App::launch_or_skip("gui_bad_config_file_is_kept_aside_and_reported", home)
    else {
        return;
    };
    let shown_dir = config_dir.display().to_string();
    let _home = app.run(|screen: Screen| async move {
        screen
            .wait_for_text(
                "[data-testid='startup-warning-config_unreadable']",
                |text| {
                    text.contains("Your settings file could not be used")
                        && text.contains("was damaged")
                        && text.contains(&format!("{shown_dir}/settings.json.damaged-"))
                },
            )
            .await?;
        // The app is usable, not stuck on the problem.
        screen
            .wait_for_text("h1", |text| {
                text == "Welcome to Prompt Flow Runtime Manager"
            })
            .await?;
        screen.save_screenshot("startup-bad-config").await?;
        Ok(())
    });
    let kept: Vec<_> = std::fs::read_dir(&config_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("settings.json.damaged-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        broken,
        "the bad file is kept, byte for byte"
    );
    assert!(!config_dir.join("settings.json").exists());
}

#[test]
fn gui_unwritable_log_folder_opens_with_a_banner() {
    let home = AppHome::new();
    // A file where the app's state folder should be: the log folder cannot be created, even by
    // root (permission bits would not stop root).
    std::fs::create_dir_all(home.state_dir()).unwrap();
    std::fs::write(home.state_dir().join("pfrm"), "in the way").unwrap();
    let Some(app) = App::launch_or_skip("gui_unwritable_log_folder_opens_with_a_banner", home)
    else {
        return;
    };
    app.run(|screen: Screen| async move {
        screen
            .wait_for_text(
                "[data-testid='startup-warning-log_dir_unwritable']",
                |text| {
                    text.contains("Logging to a file is off") && text.contains("cannot be written")
                },
            )
            .await?;
        screen.click("[data-testid='nav-settings']").await?;
        screen
            .wait_for_text("[data-testid='log-dir']", |text| {
                text == "Not logging to a file in this session"
            })
            .await?;
        assert_eq!(screen.count("[data-testid='open-logs']").await?, 0);
        screen.save_screenshot("startup-unwritable-log-dir").await?;
        Ok(())
    });
}

#[test]
fn gui_second_launch_hands_over_to_the_running_app() {
    App::run_or_skip(
        "gui_second_launch_hands_over_to_the_running_app",
        AppHome::new(),
        |screen: Screen| async move {
            screen.open_page("nav-activity", "Activity").await?;
            let status = screen.launch_again()?;
            assert!(
                status.success(),
                "the second launch should exit cleanly, got {status}"
            );
            screen
                .wait_for_app_log("second launch: focusing the existing window")
                .await?;
            // The first window carries on where the user was, and it is still the only one.
            screen
                .wait_for_text("h1", |text| text == "Activity")
                .await?;
            screen.assert_x_window_titled(WINDOW_TITLE)?;
            Ok(())
        },
    );
}

#[test]
fn gui_try_the_sandbox_shows_the_banner_and_who_you_are() {
    App::run_or_skip(
        "gui_try_the_sandbox_shows_the_banner_and_who_you_are",
        AppHome::new(),
        |screen: Screen| async move {
            screen.click("[data-testid='sign-in-sandbox']").await?;
            // The account menu names the sandbox's user (the first-time scenario's Alice), as the
            // in-process emulator signed her in.
            screen.expect_sandbox_as("Alice").await?;
            assert_eq!(
                screen
                    .rendered_texts("[data-testid='welcome-who-name']")
                    .await?,
                ["Signed in as Alice"]
            );
            assert_eq!(
                screen.count("[data-testid='sign-in-choices']").await?,
                0,
                "no sign-in choices while in the sandbox"
            );
            screen.save_screenshot("sandbox-welcome-light").await?;
            screen.click("[data-testid='leave-sandbox']").await?;
            screen
                .wait_for_button("[data-testid='sign-in-sandbox']", "Try the sandbox")
                .await?;
            assert_eq!(screen.count("[data-testid='sandbox-banner']").await?, 0);
            Ok(())
        },
    );
}

#[test]
fn gui_launched_in_the_sandbox_shows_the_banner() {
    App::run_or_skip(
        "gui_launched_in_the_sandbox_shows_the_banner",
        AppHome::new().with_env("PFRM_SANDBOX", "1"),
        |screen: Screen| async move {
            screen.expect_sandbox_as("Alice").await?;
            screen.open_page("nav-activity", "Activity").await?;
            assert_eq!(
                screen.count("[data-testid='sandbox-banner']").await?,
                1,
                "the banner stays on every page"
            );
            screen.save_screenshot("sandbox-at-launch-activity").await?;
            Ok(())
        },
    );
}

#[test]
fn gui_sandbox_runtime_wizard_creates_lists_and_deletes_a_runtime() {
    App::run_or_skip(
        "gui_sandbox_runtime_wizard_creates_lists_and_deletes_a_runtime",
        AppHome::new(),
        |screen: Screen| async move {
            screen.click("[data-testid='sign-in-sandbox']").await?;
            screen.open_sandbox_runtimes().await?;

            // Pick the sandbox's workspace by typing part of its name.
            screen.click("[data-testid='workspace-picker']").await?;
            screen
                .type_into("[data-testid='workspace-picker']", "ml-work")
                .await?;
            screen
                .wait_for_text("[data-testid='workspace-option']", |text| {
                    text.contains("ml-workspace") && text.contains("eastus")
                })
                .await?;
            screen.save_screenshot("runtimes-1-picker").await?;
            screen.click("[data-testid='workspace-option']").await?;
            // The chosen workspace's display name and name show in full, not cut off.
            let picked = screen
                .client
                .execute(
                    "const input = document.querySelector(\"[data-testid='workspace-picker']\");
                 return [input.value, input.scrollWidth <= input.clientWidth];",
                    vec![],
                )
                .await
                .map_err(|error| error.to_string())?;
            assert_eq!(
                picked,
                serde_json::json!(["Contoso ML workspace (ml-workspace)", true]),
                "the picked workspace should show in full"
            );

            // The preflight checklist: the sandbox's user has what a first-time data scientist
            // typically has (the workspace's roles and Reader on the subscription, which reads the
            // region's quota), so every check passes and the checks fold away behind "Show the N
            // checks"; opened, each says it passed. Nothing blocks, so Add runtime is on.
            screen
                .wait_for_text("[data-testid='preflight-summary']", |text| {
                    text == "Every prerequisite is met."
                })
                .await?;
            // With every check passed the list is folded.
            screen
                .wait_for_attribute("[data-testid='preflight-toggle']", "aria-expanded", "false")
                .await?;
            screen.click("[data-testid='preflight-toggle']").await?;
            screen
                .wait_for_text("[data-testid='preflight-checklist']", |text| {
                    text.contains("The workspace is not network-isolated")
                })
                .await?;
            screen
                .wait_for_attribute("[data-testid='check-vmQuota']", "data-status", "passed")
                .await?;
            let checks = screen
                .count("[data-testid='preflight-checklist'] > li")
                .await?;
            assert!(checks >= 5, "the sandbox lists its checks ({checks})");
            assert_eq!(
                screen
                    .count("[data-testid^='check-'][data-status='passed']")
                    .await?,
                checks,
                "every check passes in the sandbox"
            );
            assert_eq!(
                screen
                    .count("[data-testid^='check-'][data-status='failed']")
                    .await?,
                0,
                "no check fails in the sandbox"
            );
            screen
                .wait_for_attribute(
                    "[data-testid='runtimes-empty']",
                    "data-testid",
                    "runtimes-empty",
                )
                .await?;
            screen.save_screenshot("runtimes-2-checklist").await?;

            // The quick panel first, then the full wizard (More options) with its choices carried
            // over, step by step.
            screen.click("[data-testid='add-first-runtime']").await?;
            screen
                .wait_for_attribute("[data-testid='quick-name']", "data-valid", "true")
                .await?;
            screen.click("[data-testid='quick-more-options']").await?;
            wait_for_wizard_step(&screen, 1).await?;
            // Control+A (WebDriver keeps a modifier down until it is sent again), then Backspace.
            screen
                .type_into("[data-testid='wizard-name']", "\u{E009}a\u{E009}\u{E003}")
                .await?;
            screen
                .type_into("[data-testid='wizard-name']", "rt-e2e")
                .await?;
            screen.click("[data-testid='instance-ci-alice']").await?;
            screen.save_screenshot("runtimes-3-wizard-instance").await?;
            screen.click("[data-testid='wizard-next']").await?;
            wait_for_wizard_step(&screen, 2).await?;
            // The sandbox's instances have no sign-in page to open; the step says so.
            screen
                .wait_for_text("[data-testid='wizard-auth-sandbox']", |text| {
                    text.contains("need no sign-in")
                })
                .await?;
            screen
                .save_screenshot("runtimes-4-wizard-authenticate")
                .await?;
            screen.click("[data-testid='wizard-next']").await?;
            wait_for_wizard_step(&screen, 3).await?;
            screen.save_screenshot("runtimes-5-wizard-app").await?;
            screen.click("[data-testid='wizard-next']").await?;
            wait_for_wizard_step(&screen, 4).await?;
            // The restart is stated above one button that names it, as in the quick panel.
            screen
                .wait_for_button(
                    "[data-testid='wizard-restart-create']",
                    "Restart ci-alice and create runtime",
                )
                .await?;
            screen.save_screenshot("runtimes-6-wizard-restart").await?;
            screen
                .click("[data-testid='wizard-restart-create']")
                .await?;
            wait_for_wizard_step(&screen, 5).await?;
            screen
                .wait_for_text("[data-testid='wizard-summary']", |text| {
                    text.contains("rt-e2e on ci-alice")
                })
                .await?;
            screen
                .wait_for_text("[data-testid='operation-stage']", |text| !text.is_empty())
                .await?;
            screen.save_screenshot("runtimes-7-wizard-creating").await?;
            // Emulated time runs fast in the sandbox, but a create takes several polls.
            let mut done = Err(String::new());
            for _ in 0..8 {
                done = screen
                    .wait_for_text("[data-testid='wizard-done']", |text| {
                        text.contains("Runtime rt-e2e is running.")
                    })
                    .await;
                if done.is_ok() {
                    break;
                }
            }
            done?;
            screen
                .wait_for_text("[data-testid='wizard-snippet']", |text| {
                    text.ends_with("--runtime rt-e2e")
                })
                .await?;
            screen.save_screenshot("runtimes-8-wizard-done").await?;

            // The new runtime is listed as running.
            screen.click("[data-testid='wizard-finish']").await?;
            screen
                .wait_for_attribute(
                    "[data-testid='runtime-row-rt-e2e']",
                    "data-status",
                    "Running",
                )
                .await?;
            screen.save_screenshot("runtimes-9-list").await?;

            // Details, then delete with the typed name.
            screen
                .click("[data-testid='runtime-row-rt-e2e'] [data-testid='runtime-open']")
                .await?;
            screen
                .wait_for_text("[data-testid='details-status']", |text| text == "Running")
                .await?;
            screen
                .wait_for_text("[data-testid='studio-url']", |text| {
                    text.starts_with(
                        "https://ml.azure.com/prompts/runtime/rt-e2e/details?wsid=/subscriptions/",
                    )
                })
                .await?;
            screen.save_screenshot("runtimes-10-details").await?;
            screen.click("[data-testid='details-delete']").await?;
            screen
                .type_into("[data-testid='delete-confirm-name']", "rt-e2e")
                .await?;
            screen.click("[data-testid='delete-remove-app']").await?;
            screen.save_screenshot("runtimes-11-delete").await?;
            screen.click("[data-testid='delete-confirm']").await?;
            screen
                .wait_for_text("[data-testid='runtimes-empty']", |text| {
                    text.contains("This workspace has no runtimes yet.")
                })
                .await?;
            assert_eq!(screen.count("[data-testid='runtime-row-rt-e2e']").await?, 0);
            screen.save_screenshot("runtimes-12-deleted").await?;
            Ok(())
        },
    );
}

/// Waits until the add-runtime wizard shows step `step` of its five (a run that leaves a step
/// out keeps the count; "Done" is not a step).
async fn wait_for_wizard_step(screen: &Screen, step: u32) -> Result<(), String> {
    let title = format!("Step {step} of 5");
    screen
        .wait_for_text("[data-testid='wizard-step-title']", |text| {
            text.starts_with(&title)
        })
        .await
        .map(drop)
}

/// The window opens at the size it had when it was last closed (tauri-plugin-window-state).
#[test]
fn gui_window_size_is_remembered_across_restarts() {
    const TEST: &str = "gui_window_size_is_remembered_across_restarts";
    let home = AppHome::new();
    let state_file = home
        .config_dir()
        .join("dev.pfrm.desktop/.window-state.json");
    let Some(app) = App::launch_or_skip(TEST, home) else {
        return;
    };
    // The default size is 1100 × 720; this one is smaller in both directions.
    let (width, height) = (900_u32, 600_u32);
    // What the page gets of the resized window (the menu bar takes some of its height).
    let inner = std::sync::Arc::new(std::sync::Mutex::new((0_u32, 0_u32)));
    let resized = inner.clone();
    let written = state_file.clone();
    let home = app.run(|screen: Screen| async move {
        let before = window_size(&screen).await?;
        resize_window(WINDOW_TITLE, width, height)?;
        let after = harness::poll_until(Duration::from_secs(15), async || {
            let size = window_size(&screen).await?;
            if size.0 == width && size.1 < before.1 {
                Ok(size)
            } else {
                Err(format!(
                    "the page is {size:?} after resizing the window from {before:?} to {width} × {height}"
                ))
            }
        })
        .await?;
        *resized.lock().unwrap() = after;
        // The new size reaches the file while the app runs (a resize arrives as a move and a
        // resize; the second is written once the window settles, 300 ms later) ...
        let saved_while_running = written.clone();
        harness::poll_until(Duration::from_secs(15), async || {
            match saved_size(&saved_while_running) {
                Some(size) if size == (width, height) => Ok(()),
                saved => Err(format!(
                    "{} holds {saved:?} while the app runs, not the window's {width} × {height}",
                    saved_while_running.display()
                )),
            }
        })
        .await?;
        // ... and stays there when the app ends at once: closing the session's only window makes
        // the driver end the app, as a kill or a crash would, with no write on exit to rely on.
        screen
            .client
            .close_window()
            .await
            .map_err(|error| format!("could not close the window: {error}"))?;
        harness::poll_until(Duration::from_secs(15), async || {
            match saved_size(&written) {
                Some(size) if size == (width, height) => Ok(()),
                saved => Err(format!(
                    "{} holds {saved:?}, not the window's {width} × {height}, after the resize and the app's end",
                    written.display()
                )),
            }
        })
        .await
    });
    let inner = *inner.lock().unwrap();

    let app = App::launch_or_skip(TEST, home)
        .expect("the app launched the first time, so it launches again");
    app.run(|screen: Screen| async move {
        let size = window_size(&screen).await?;
        if size != inner {
            return Err(format!(
                "the window should open at the size it was closed at (a {inner:?} page); the page is {size:?}"
            ));
        }
        screen
            .save_display_screenshot("window-size-remembered")
            .await
    });
}

/// The main window's size in the plugin's state file, once the file is there and whole.
fn saved_size(state_file: &std::path::Path) -> Option<(u32, u32)> {
    let saved = std::fs::read_to_string(state_file).ok()?;
    let state: serde_json::Value = serde_json::from_str(&saved).ok()?;
    let size = |key: &str| state["main"][key].as_u64()?.try_into().ok();
    Some((size("width")?, size("height")?))
}

/// Resizes the X window with this title, as a window manager would on the user's drag.
fn resize_window(title: &str, width: u32, height: u32) -> Result<(), String> {
    let output = std::process::Command::new("xdotool")
        .args([
            "search",
            "--name",
            &format!("^{title}$"),
            "windowsize",
            "%@",
        ])
        .args([width.to_string(), height.to_string()])
        .output()
        .map_err(|error| format!("xdotool is needed to resize the window: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "xdotool could not resize the window: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The page's view of the window's inner size (the webview fills the window).
async fn window_size(screen: &Screen) -> Result<(u32, u32), String> {
    let value = screen
        .client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .map_err(|error| format!("could not read the window's size: {error}"))?;
    serde_json::from_value(value).map_err(|error| format!("the window's size: {error}"))
}
