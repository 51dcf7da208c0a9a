#![cfg(target_os = "linux")]
//! End-to-end test of versions and one-click updates in the real desktop app, in the sandbox
//! on the `returning` world: ml-workspace holds rt-default, on the old default image
//! 20240111.v2, and rt-custom, on custom environment pf-custom:1. The container registry's
//! newest runtime image is 20251211.v12.
//!
//! Runs like the other GUI targets (see e2e/gui.rs): skips unless `PFRM_APP_BINARY` names the
//! built app; screenshots go to `PFRM_SCREENSHOT_DIR`.

mod harness;

use std::time::Duration;

use harness::{poll_until, App, AppHome, Screen};

/// An update restarts the compute instance's custom application and waits for the runtime: in
/// the sandbox (emulated time 30× faster, a look every 750 ms) that takes some seconds, longer
/// on a busy machine.
const UPDATE_TIMEOUT: Duration = Duration::from_secs(120);
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// Waits until some element matching `css` renders text satisfying `wanted` (Fluent draws a
/// tab's label twice, once hidden, so the first match is not always the visible one).
async fn wait_for_rendered(
    screen: &Screen,
    css: &str,
    timeout: Duration,
    wanted: impl Fn(&str) -> bool,
) -> Result<String, String> {
    poll_until(timeout, async || {
        let texts = screen.rendered_texts(css).await.unwrap_or_default();
        if let Some(text) = texts.iter().find(|text| wanted(text)) {
            return Ok(text.clone());
        }
        Err(format!(
            "waited {timeout:?} for the expected text in `{css}`; it shows {texts:?}"
        ))
    })
    .await
}

/// Brings the runtime list into the window, for the screenshots (WebDriver shows the viewport).
async fn show_runtime_list(screen: &Screen) -> Result<(), String> {
    screen
        .client
        .execute(
            "document.querySelector(\"[data-testid='runtime-list']\").scrollIntoView({ block: 'center' }); return true;",
            vec![],
        )
        .await
        .map(|_| ())
        .map_err(|error| format!("could not scroll to the runtime list: {error}"))
}

const DEFAULT_BADGE: &str = "[data-testid='runtime-row-rt-default'] [data-testid='update-badge']";
const CUSTOM_BADGE: &str = "[data-testid='runtime-row-rt-custom'] [data-testid='update-badge']";
const NAV_COUNT: &str = "[data-testid='nav-runtimes-outdated']";

#[test]
fn gui_outdated_runtime_shows_the_banner_and_updates_in_one_click() {
    let Some(app) = App::launch_or_skip(
        "gui_outdated_runtime_shows_the_banner_and_updates_in_one_click",
        AppHome::new()
            .with_env("PFRM_SANDBOX", "1")
            .with_env("PFRM_SANDBOX_SCENARIO", "returning"),
    ) else {
        return;
    };
    app.run(|screen: Screen| async move {
        screen
            .wait_for_text("[data-testid='sandbox-banner']", |text| {
                text.contains("Sandbox")
            })
            .await?;
        screen.click("[data-testid='nav-runtimes']").await?;
        screen
            .wait_for_text("h1", |text| text == "Runtimes")
            .await?;

        // Pick the workspace; its runtimes are checked against the registry and the service.
        screen.pick_workspace("ml-workspace").await?;
        screen
            .wait_for_text(DEFAULT_BADGE, |text| text == "Update available")
            .await?;
        screen
            .wait_for_text(CUSTOM_BADGE, |text| text == "Update available")
            .await?;
        screen
            .wait_for_text("[data-testid='versions-summary']", |text| {
                text == "2 of these runtimes can be updated."
            })
            .await?;
        wait_for_rendered(&screen, NAV_COUNT, STEP_TIMEOUT, |text| text == "2").await?;
        show_runtime_list(&screen).await?;
        screen.save_screenshot("update-list-before").await?;

        // The details page checks the version on open and shows the banner at the top.
        screen
            .click("[data-testid='runtime-row-rt-default'] [data-testid='runtime-open']")
            .await?;
        let current = screen
            .wait_for_text("[data-testid='update-banner-current']", |text| {
                text.starts_with("rt-default runs version 2024-01-11 (v2), ")
            })
            .await?;
        assert!(
            current.ends_with("days old."),
            "the banner says how old: {current}"
        );
        screen
            .wait_for_text("[data-testid='update-banner-latest']", |text| {
                text.starts_with("The newest is version 2025-12-11 (v12)")
            })
            .await?;
        screen
            .wait_for_text("[data-testid='details-version']", |text| {
                text.starts_with("version 2024-01-11 (v2)")
            })
            .await?;
        screen.save_screenshot("update-banner").await?;

        // Update with the default environment: one click, then confirm.
        screen.click("[data-testid='details-update']").await?;
        screen
            .wait_for_text("[data-testid='update-default-body']", |text| {
                text.contains("(version 2025-12-11 (v12))") && text.contains("ci-alice")
            })
            .await?;
        screen.save_screenshot("update-dialog").await?;
        screen.click("[data-testid='update-confirm']").await?;
        screen
            .wait_for_attribute("[data-testid='update-dialog']", "data-phase", "running")
            .await?;
        wait_for_rendered(
            &screen,
            "[data-testid='update-progress']",
            STEP_TIMEOUT,
            |text| text.contains("Custom application restarting"),
        )
        .await?;
        screen.save_screenshot("update-progress").await?;
        let result = wait_for_rendered(
            &screen,
            "[data-testid='update-dialog'] [data-testid='update-result']",
            UPDATE_TIMEOUT,
            |text| !text.is_empty(),
        )
        .await?;
        assert_eq!(
            result, "Runtime rt-default was updated and runs version 2025-12-11 (v12).",
            "the update ends on the newest tag"
        );
        for step in [
            "requested",
            "instanceRestarting",
            "runtimeStarting",
            "verifying",
        ] {
            screen
                .wait_for_attribute(
                    &format!("[data-testid='update-step-{step}']"),
                    "data-state",
                    "done",
                )
                .await?;
        }
        // The version is checked again: the banner goes away.
        screen
            .wait_for_count(STEP_TIMEOUT, "[data-testid='update-banner']", 0)
            .await?;
        screen.save_screenshot("update-dialog-done").await?;
        screen.click("[data-testid='update-close']").await?;
        screen
            .wait_for_count(STEP_TIMEOUT, "[data-testid='update-dialog']", 0)
            .await?;
        screen
            .wait_for_text("[data-testid='details-version']", |text| {
                text.starts_with("version 2025-12-11 (v12)")
            })
            .await?;
        screen
            .wait_for_text("[data-testid='details-status']", |text| text == "Running")
            .await?;
        screen.save_screenshot("update-done").await?;

        // Back on the list, the badge is gone from the updated runtime only.
        screen.click("[data-testid='details-back']").await?;
        screen
            .wait_for_text("[data-testid='versions-summary']", |text| {
                text == "1 of these runtimes can be updated."
            })
            .await?;
        screen
            .wait_for_count(STEP_TIMEOUT, DEFAULT_BADGE, 0)
            .await?;
        assert_eq!(
            screen.count(CUSTOM_BADGE).await?,
            1,
            "rt-custom still needs its rebuild"
        );
        wait_for_rendered(&screen, NAV_COUNT, STEP_TIMEOUT, |text| text == "1").await?;
        show_runtime_list(&screen).await?;
        screen.save_screenshot("update-list-after").await?;

        // The same in dark, then in the smallest window the app allows, dark and light.
        for (theme, width, height) in [("dark", 1100, 720), ("dark", 720, 480), ("light", 720, 480)]
        {
            screen.resize(width, height).await?;
            screen.choose_theme(theme).await?;
            picture_list_details_and_update(&screen, &format!("{theme}-{width}x{height}")).await?;
        }
        Ok(())
    });
}

/// The runtime list, rt-custom's details with its update banner, and its update dialog, with a
/// screenshot of each (`update-*-{suffix}`); the dialog is closed again without updating.
async fn picture_list_details_and_update(screen: &Screen, suffix: &str) -> Result<(), String> {
    screen.click("[data-testid='nav-runtimes']").await?;
    screen
        .wait_for_text(CUSTOM_BADGE, |text| text == "Update available")
        .await?;
    show_runtime_list(screen).await?;
    screen
        .save_screenshot(&format!("update-list-{suffix}"))
        .await?;
    screen
        .click("[data-testid='runtime-row-rt-custom'] [data-testid='runtime-open']")
        .await?;
    // In a short window the banner folds to its title behind More.
    screen
        .wait_for_text("[data-testid='update-banner']", |text| {
            text.contains("A newer runtime version is available")
        })
        .await?;
    screen
        .save_screenshot(&format!("update-details-{suffix}"))
        .await?;
    let nav = screen.nav_boxes().await?;
    screen.click("[data-testid='details-update']").await?;
    screen
        .wait_for_count(STEP_TIMEOUT, "[data-testid='update-dialog']", 1)
        .await?;
    screen.dialog_drawn_over_page(&nav).await?;
    screen
        .save_screenshot(&format!("update-dialog-{suffix}"))
        .await?;
    screen.click("[data-testid='update-cancel']").await?;
    screen
        .wait_for_count(STEP_TIMEOUT, "[data-testid='update-dialog']", 0)
        .await?;
    screen.click("[data-testid='details-back']").await
}
