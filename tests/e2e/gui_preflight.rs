#![cfg(target_os = "linux")]
//! The preflight checklist in the real app, on the sandbox's `blocked` world: every prerequisite
//! of the studio page fails somewhere, and each failure shows with its evidence and remedy and
//! keeps runtimes from being added.

mod harness;

use harness::sandbox::sandbox_home_as;
use harness::{App, AppHome, Screen};

/// A workspace of the blocked world and the blocker it must show.
struct Blocked {
    workspace: &'static str,
    check: &'static str,
    says: &'static str,
}

const BLOCKED_WORKSPACES: &[Blocked] = &[
    Blocked {
        workspace: "ws-isolated",
        check: "dataIsolationOff",
        says: "data isolation",
    },
    Blocked {
        workspace: "hub-project",
        check: "notHubProject",
        says: "hub",
    },
    Blocked {
        workspace: "ws-filestore",
        check: "defaultDatastoreIsBlob",
        says: "blob",
    },
];

fn blocked_world_as(user: &str) -> AppHome {
    sandbox_home_as("blocked", user)
}

/// After picking a workspace: the checklist says something blocks, `check` failed with a
/// remedy, and Add runtime is off with that check named as the reason.
async fn expect_blocked_by(screen: &Screen, check: &str, says: &str) -> Result<(), String> {
    let item = format!("[data-testid='check-{check}']");
    screen
        .wait_for_text("[data-testid='preflight-summary']", |text| {
            text == "A prerequisite is not met, so runtimes cannot be added yet."
        })
        .await?;
    screen
        .wait_for_attribute(&item, "data-status", "failed")
        .await?;
    screen
        .wait_for_attribute(&item, "data-severity", "blocker")
        .await?;
    let text = screen.wait_for_text(&item, |_| true).await?;
    assert!(
        text.to_lowercase().contains(says),
        "the {check} check speaks of {says}: {text}"
    );
    let remedy = screen
        .rendered_texts(&format!("{item} [data-testid='check-remedy']"))
        .await?;
    assert!(
        remedy.len() == 1 && remedy[0].len() > "What to do: ".len(),
        "the {check} check says what to do: {remedy:?}"
    );
    assert_eq!(
        screen
            .count("[data-testid='add-runtime'][disabled]")
            .await?,
        1,
        "Add runtime is off while {check} fails"
    );
    screen
        .wait_for_text("[data-testid='add-blocked-reason']", |text| {
            !text.is_empty()
        })
        .await?;
    Ok(())
}

#[test]
fn gui_blocked_workspaces_show_each_blocker_and_keep_add_runtime_off() {
    App::run_or_skip(
        "gui_blocked_workspaces_show_each_blocker_and_keep_add_runtime_off",
        blocked_world_as("alice@contoso.com"),
        |screen: Screen| async move {
            screen.open_sandbox_runtimes().await?;
            for blocked in BLOCKED_WORKSPACES {
                screen.pick_workspace(blocked.workspace).await?;
                expect_blocked_by(&screen, blocked.check, blocked.says).await?;
                screen
                    .save_screenshot(&format!("preflight-blocked-{}", blocked.workspace))
                    .await?;
            }

            // A private workspace is a notice with the network isolation link, not a blocker.
            screen.pick_workspace("ws-private").await?;
            let network = "[data-testid='check-networkIsolation']";
            screen
                .wait_for_text(network, |text| text.contains("network"))
                .await?;
            let severity = screen
                .client
                .execute(
                    "return document.querySelector(arguments[0]).getAttribute('data-severity')",
                    vec![network.into()],
                )
                .await
                .map_err(|error| error.to_string())?;
            assert_ne!(
                severity.as_str(),
                Some("blocker"),
                "network isolation is a notice"
            );
            screen.save_screenshot("preflight-private-network").await?;
            Ok(())
        },
    );
}

#[test]
fn gui_a_reader_is_blocked_by_the_missing_role_and_told_who_can_grant() {
    App::run_or_skip(
        "gui_a_reader_is_blocked_by_the_missing_role_and_told_who_can_grant",
        blocked_world_as("bob@contoso.com"),
        |screen: Screen| async move {
            screen.open_sandbox_runtimes().await?;
            screen.pick_workspace("ws-open").await?;
            expect_blocked_by(&screen, "dataScientistRole", "data scientist").await?;
            assert_eq!(
                screen
                    .count("[data-testid='check-dataScientistRole'] [data-testid='grant-to-me']")
                    .await?,
                0,
                "a Reader may not grant, so there is no Grant to me"
            );
            screen.save_screenshot("preflight-blocked-role").await?;
            Ok(())
        },
    );
}
