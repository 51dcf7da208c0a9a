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

use harness::sandbox::sandbox_home;
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

impl<'a> Clicks<'a> {
    fn on(screen: &'a Screen) -> Self {
        Clicks {
            screen,
            count: Cell::new(0),
        }
    }

    /// Says how many clicks `journey` took (in the test's output, kept by CI) and holds it to
    /// `budget`.
    fn report(&self, journey: &str, budget: u32) {
        let count = self.count.get();
        let line = format!("quick path: launch to {journey} in {count} clicks (budget {budget})");
        println!("{line}");
        eprintln!("{line}");
        assert!(count <= budget, "{journey} took {count} clicks from launch");
    }

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
        screen.wait_for_sandbox().await?;
        // The first launch shows Welcome.
        screen
            .wait_for_attribute("[data-testid='nav-welcome']", "aria-selected", "true")
            .await?;
        screen.open_page("nav-runtimes", "Runtimes").await?;
        screen.pick_workspace("ml-workspace").await?;
        screen
            .wait_for_text("[data-testid='preflight-summary']", |text| !text.is_empty())
            .await?;
        Ok(())
    }))
}

/// The launch that is counted: the second on a home the first launch left on Runtimes and the
/// workspace.
fn second_launch(test: &'static str, scenario: &str) -> Option<App> {
    let home = first_launch(test, sandbox_home(scenario))?;
    Some(App::launch_or_skip(test, home).expect("launched once already"))
}

#[test]
fn gui_quick_path_creates_a_running_runtime_within_four_clicks_of_launch() {
    const TEST: &str = "gui_quick_path_creates_a_running_runtime_within_four_clicks_of_launch";
    let Some(app) = second_launch(TEST, "first-time") else {
        return;
    };
    app.run(|screen: Screen| async move {
        let clicks = Clicks::on(&screen);
        // Reopened on Runtimes, on ml-workspace, with no click.
        screen.wait_for_heading("Runtimes").await?;
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

        clicks.report("a running runtime", CREATE_BUDGET);
        Ok(())
    });
}

#[test]
fn gui_quick_path_updates_a_runtime_within_three_clicks_of_launch() {
    const TEST: &str = "gui_quick_path_updates_a_runtime_within_three_clicks_of_launch";
    let Some(app) = second_launch(TEST, "returning") else {
        return;
    };
    app.run(|screen: Screen| async move {
        let clicks = Clicks::on(&screen);
        screen.wait_for_heading("Runtimes").await?;
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

        clicks.report("an updated runtime", UPDATE_BUDGET);
        Ok(())
    });
}
