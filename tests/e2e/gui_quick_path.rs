#![cfg(target_os = "linux")]
//! The quick path in the real desktop app, counted in clicks: from launch to a running runtime,
//! and from launch to an updated one. Each journey starts the app twice on one home: the first
//! launch shows Welcome and the user opens Runtimes and picks the workspace; the second launch
//! (the one counted) reopens on that page and workspace, as every later start does.
//!
//! Runs like the other GUI targets (see e2e/gui.rs): skips unless `PFRM_APP_BINARY` names the
//! built app; screenshots go to `PFRM_SCREENSHOT_DIR`. The counts are printed.

mod harness;

use std::cell::Cell;
use std::time::Duration;

use harness::{poll_until, App, AppHome, Screen};

/// The budget: a new runtime in at most 4 clicks from launch, an update in at most 3.
const CREATE_BUDGET: u32 = 4;
const UPDATE_BUDGET: u32 = 3;
/// A create restarts the instance and waits for the runtime; an update restarts its application.
/// The sandbox runs emulated time fast, but a busy machine is slow.
const LONG: Duration = Duration::from_secs(120);

/// Clicks the user makes, counted.
struct Clicks<'a> {
    screen: &'a Screen,
    count: Cell<u32>,
}

impl Clicks<'_> {
    async fn click(&self, css: &str) -> Result<(), String> {
        self.screen.click(css).await?;
        self.count.set(self.count.get() + 1);
        Ok(())
    }
}

/// Waits until an element matching `css` has attribute `name` equal to `value`, for up to `timeout`.
async fn wait_attribute(
    screen: &Screen,
    css: &str,
    name: &str,
    value: &str,
    timeout: Duration,
) -> Result<(), String> {
    screen
        .wait_for_attribute_within(timeout, css, name, value)
        .await
}

/// The first launch: Welcome, then Runtimes and the workspace, which the app remembers.
fn first_launch(test: &'static str, home: AppHome) -> Option<AppHome> {
    let app = App::launch_or_skip(test, home)?;
    Some(app.run(|screen: Screen| async move {
        screen
            .wait_for_text("[data-testid='sandbox-banner']", |text| {
                text.contains("Sandbox")
            })
            .await?;
        // The first launch shows Welcome.
        screen
            .wait_for_attribute("[data-testid='nav-welcome']", "aria-selected", "true")
            .await?;
        screen.click("[data-testid='nav-runtimes']").await?;
        screen
            .wait_for_text("h1", |text| text == "Runtimes")
            .await?;
        screen.pick_workspace("ml-workspace").await?;
        screen
            .wait_for_text("[data-testid='preflight-summary']", |text| !text.is_empty())
            .await?;
        Ok(())
    }))
}

fn sandbox_home(scenario: &str) -> AppHome {
    AppHome::new()
        .with_env("PFRM_SANDBOX", "1")
        .with_env("PFRM_SANDBOX_SCENARIO", scenario)
}

#[test]
fn gui_quick_path_creates_a_running_runtime_within_four_clicks_of_launch() {
    const TEST: &str = "gui_quick_path_creates_a_running_runtime_within_four_clicks_of_launch";
    let Some(home) = first_launch(TEST, sandbox_home("first-time")) else {
        return;
    };
    let app = App::launch_or_skip(TEST, home).expect("launched once already");
    app.run(|screen: Screen| async move {
        let clicks = Clicks {
            screen: &screen,
            count: Cell::new(0),
        };
        // Reopened on Runtimes, on ml-workspace, with no click.
        screen
            .wait_for_text("h1", |text| text == "Runtimes")
            .await?;
        screen
            .wait_for_text("[data-testid='runtimes-empty']", |text| !text.is_empty())
            .await?;
        screen.save_screenshot("quick-0-reopened").await?;

        clicks.click("[data-testid='add-runtime']").await?;
        // Everything is chosen: a validated name, the running instance, the default environment,
        // and the restart said above the button that names it.
        wait_attribute(
            &screen,
            "[data-testid='quick-name']",
            "data-valid",
            "true",
            Duration::from_secs(20),
        )
        .await?;
        screen
            .wait_for_text("[data-testid='quick-restart']", |text| {
                text.contains("restarts the compute instance") && text.contains("ci-alice")
            })
            .await?;
        screen
            .wait_for_button(
                "[data-testid='quick-create-button']",
                "Restart ci-alice and create runtime",
            )
            .await?;
        let name: String = screen
            .client
            .execute(
                "return document.querySelector(\"[data-testid='quick-name']\").value;",
                vec![],
            )
            .await
            .map_err(|error| error.to_string())
            .and_then(|value| serde_json::from_value(value).map_err(|error| error.to_string()))?;
        assert_eq!(name, "rt-ci-alice", "the suggested name");
        screen.save_screenshot("quick-1-panel").await?;

        clicks.click("[data-testid='quick-create-button']").await?;
        screen
            .wait_for_text("[data-testid='operation-stage']", |text| !text.is_empty())
            .await?;
        screen.save_screenshot("quick-2-creating").await?;
        let row = format!("[data-testid='runtime-row-{name}']");
        wait_attribute(&screen, &row, "data-status", "Running", LONG).await?;
        screen
            .wait_for_text("[data-testid='quick-created']", |text| text.contains(&name))
            .await?;
        screen.save_screenshot("quick-3-running").await?;

        let count = clicks.count.get();
        println!(
            "quick path: launch to a running runtime in {count} clicks (budget {CREATE_BUDGET})"
        );
        eprintln!(
            "quick path: launch to a running runtime in {count} clicks (budget {CREATE_BUDGET})"
        );
        assert!(
            count <= CREATE_BUDGET,
            "a new runtime took {count} clicks from launch"
        );
        Ok(())
    });
}

#[test]
fn gui_quick_path_updates_a_runtime_within_three_clicks_of_launch() {
    const TEST: &str = "gui_quick_path_updates_a_runtime_within_three_clicks_of_launch";
    let Some(home) = first_launch(TEST, sandbox_home("returning")) else {
        return;
    };
    let app = App::launch_or_skip(TEST, home).expect("launched once already");
    app.run(|screen: Screen| async move {
        let clicks = Clicks {
            screen: &screen,
            count: Cell::new(0),
        };
        screen
            .wait_for_text("h1", |text| text == "Runtimes")
            .await?;
        let update = "[data-testid='runtime-row-rt-default'] [data-testid='row-update']";
        poll_until(Duration::from_secs(60), async || {
            match screen.count(update).await {
                Ok(1) => Ok(()),
                other => Err(format!("no Update button on rt-default's row: {other:?}")),
            }
        })
        .await?;
        // The list and the details read versions the same way.
        screen
            .wait_for_text(
                "[data-testid='runtime-row-rt-default'] [data-testid='runtime-version']",
                |text| text == "2024-01-11 (v2)",
            )
            .await?;
        screen.save_screenshot("quick-update-0-reopened").await?;

        clicks.click(update).await?;
        screen
            .wait_for_text("[data-testid='update-default-body']", |text| {
                text.contains("custom application on ci-alice restarts")
                    && text.contains("compute instance keeps running")
            })
            .await?;
        screen.save_screenshot("quick-update-1-dialog").await?;
        clicks.click("[data-testid='update-confirm']").await?;
        poll_until(LONG, async || {
            let texts = screen
                .rendered_texts("[data-testid='update-dialog'] [data-testid='update-result']")
                .await
                .unwrap_or_default();
            match texts.first() {
                Some(text) if !text.is_empty() => {
                    assert_eq!(
                        text, "Runtime rt-default was updated and runs version 2025-12-11 (v12).",
                        "the update ends on the newest tag"
                    );
                    Ok(())
                }
                _ => Err("the update did not end".to_string()),
            }
        })
        .await?;
        screen.save_screenshot("quick-update-2-done").await?;

        let count = clicks.count.get();
        println!(
            "quick path: launch to an updated runtime in {count} clicks (budget {UPDATE_BUDGET})"
        );
        eprintln!(
            "quick path: launch to an updated runtime in {count} clicks (budget {UPDATE_BUDGET})"
        );
        assert!(
            count <= UPDATE_BUDGET,
            "an update took {count} clicks from launch"
        );
        Ok(())
    });
}
