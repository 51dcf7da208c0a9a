#![cfg(target_os = "linux")]
//! End-to-end tests of granting the AzureML Data Scientist role in the real app, in the sandbox's
//! `blocked` world as Erin, who administers access to the resource group but lacks the role.
//!
//! The sandbox makes Azure's delay in applying a new role visible: a new assignment counts in
//! permission checks only after two emulated minutes (a few real seconds at the sandbox's pace).
//! The tests wait for the app to say the role is in effect, never for a fixed time.

mod harness;

use std::time::Duration;

use harness::{App, AppHome, Screen};

const ERIN: &str = "erin@contoso.com";
/// The sandbox gives up waiting for a new role after two minutes; wait as long here.
const PROPAGATION_LIMIT: Duration = Duration::from_secs(120);

fn blocked_world_as_erin() -> AppHome {
    AppHome::new()
        .with_env("PFRM_SANDBOX", "1")
        .with_env("PFRM_SANDBOX_SCENARIO", "blocked")
        .with_env("PFRM_SANDBOX_USER", ERIN)
}

/// Waits until the sandbox is up as Erin, then opens `page` from the navigation.
async fn open_page(screen: &Screen, nav: &str, heading: &str) -> Result<(), String> {
    screen
        .wait_for_text("[data-testid='sandbox-banner']", |text| !text.is_empty())
        .await?;
    assert_eq!(
        screen
            .rendered_texts("[data-testid='account-menu-name']")
            .await?,
        ["Erin"],
        "the sandbox signs in as Erin"
    );
    screen.click(&format!("[data-testid='nav-{nav}']")).await?;
    screen.wait_for_text("h1", |text| text == heading).await?;
    Ok(())
}

#[test]
fn gui_grant_to_me_turns_the_preflight_role_blocker_green() {
    let Some(app) = App::launch_or_skip(
        "gui_grant_to_me_turns_the_preflight_role_blocker_green",
        blocked_world_as_erin(),
    ) else {
        return;
    };
    app.run(|screen: Screen| async move {
        open_page(&screen, "runtimes", "Runtimes").await?;
        screen.pick_workspace("ws-open").await?;

        // Erin lacks the role, so the checklist blocks adding a runtime and offers the grant.
        let role_check = "[data-testid='check-dataScientistRole']";
        screen
            .wait_for_text("[data-testid='preflight-summary']", |text| {
                text == "A prerequisite is not met, so runtimes cannot be added yet."
            })
            .await?;
        screen
            .wait_for_attribute(role_check, "data-status", "failed")
            .await?;
        screen
            .wait_for_text(role_check, |text| {
                text.contains("You may assign roles on ws-open")
            })
            .await?;
        assert_eq!(
            screen
                .rendered_texts(&format!("{role_check} [data-testid='grant-to-me']"))
                .await?,
            ["Grant to me"]
        );
        assert_eq!(
            screen
                .count("[data-testid='add-runtime'][disabled]")
                .await?,
            1,
            "Add runtime is off while the role is missing"
        );
        screen.save_screenshot("permissions-blocker-before").await?;

        // One click grants; the app then re-checks until Azure applies the role.
        screen
            .click(&format!("{role_check} [data-testid='grant-to-me']"))
            .await?;
        screen
            .wait_for_attribute(
                "[data-testid='grant-progress']",
                "data-stage",
                "waitingForPropagation",
            )
            .await?;
        screen
            .wait_for_text("[data-testid='grant-progress']", |text| {
                text.contains("Waiting for Azure to apply the change")
                    && text.contains("Azure can take several minutes to apply a new role")
            })
            .await?;
        screen
            .save_screenshot("permissions-blocker-granting")
            .await?;

        // Once it is in effect the checklist runs again and the check is green.
        // As long as Azure (here the sandbox) may take to apply a role.
        screen
            .wait_for_attribute_within(PROPAGATION_LIMIT, role_check, "data-status", "passed")
            .await?;
        screen
            // Nothing blocks any more; a warning the role does not touch (the VM quota, which
            // Erin may not read) may still ask for attention below.
            .wait_for_text("[data-testid='preflight-summary']", |text| {
                text == "Every prerequisite is met."
                    || text.starts_with("Nothing blocks adding runtimes, but ")
            })
            .await?;
        assert_eq!(
            screen
                .count("[data-testid^='check-'][data-severity='blocker'][data-status='failed']")
                .await?,
            0,
            "no blocker fails any more"
        );
        assert_eq!(
            screen
                .count("[data-testid='add-runtime']:not([disabled])")
                .await?,
            1,
            "Add runtime is on"
        );
        screen.save_screenshot("permissions-blocker-after").await?;

        // The grant is listed in Activity as a finished operation.
        screen.click("[data-testid='nav-activity']").await?;
        screen
            .wait_for_text(
                "[data-testid^='operation-'][data-state='succeeded']",
                |text| text.contains("Grant AzureML Data Scientist to you on ws-open"),
            )
            .await?;
        Ok(())
    });
}

#[test]
fn gui_grant_to_a_colleague_then_revoke_after_confirming() {
    let Some(app) = App::launch_or_skip(
        "gui_grant_to_a_colleague_then_revoke_after_confirming",
        blocked_world_as_erin(),
    ) else {
        return;
    };
    app.run(|screen: Screen| async move {
        open_page(&screen, "permissions", "Permissions").await?;
        screen
            .wait_for_text("[data-testid='workspace-choose']", |text| {
                text.starts_with("Choose a workspace")
            })
            .await?;
        screen.pick_workspace("ws-open").await?;
        screen
            .wait_for_attribute("[data-testid='grant-ability']", "data-allowed", "true")
            .await?;
        screen
            .wait_for_text("[data-testid='grant-ability']", |text| {
                text.contains("You may grant roles on ws-open.")
            })
            .await?;

        // Look Bob up first: he is a Reader through the resource group.
        find_bob(&screen).await?;
        screen
            .wait_for_attribute(
                "[data-testid='user-assignments'] [data-role='Reader']",
                "data-inherited",
                "true",
            )
            .await?;
        screen.save_screenshot("permissions-user-found").await?;

        // Grant, then see him in the workspace's assignments.
        grant_bob(&screen).await?;
        let bob_row = BOB_ROW;
        screen.save_screenshot("permissions-user-granted").await?;

        // Revoke asks first, naming who and which role; only the typed name and Remove remove it.
        // The page is scrolled down to Bob's row: the dialog is drawn, and the navigation stays
        // where it was behind the dialog's backdrop.
        let revoke = format!("{bob_row} [data-testid='assignment-revoke']");
        screen.scroll_to(&revoke).await?;
        assert!(
            screen.scrolled_by().await? > 0.0,
            "the page is scrolled down to Bob's row"
        );
        let nav = screen.nav_boxes().await?;
        screen.click(&revoke).await?;
        screen
            .wait_for_text("[data-testid='revoke-dialog']", |text| {
                text.contains("Remove AzureML Data Scientist from Bob?")
                    && text.contains(
                        "Bob will lose the AzureML Data Scientist role on the workspace ws-open.",
                    )
            })
            .await?;
        screen.dialog_drawn_over_page(&nav).await?;
        screen.save_screenshot("permissions-revoke-confirm").await?;
        assert_eq!(
            screen.count(bob_row).await?,
            1,
            "nothing is removed before confirming"
        );
        assert_eq!(
            screen
                .count("[data-testid='revoke-confirm']:disabled")
                .await?,
            1,
            "Remove stays off until the name is typed"
        );
        screen
            .type_into("[data-testid='revoke-confirm-name']", "Bob")
            .await?;
        screen.click("[data-testid='revoke-confirm']").await?;
        screen
            .wait_for_text("[data-testid='revoke-outcome']", |text| {
                text.contains("Bob no longer has the AzureML Data Scientist role on ws-open.")
            })
            .await?;
        screen
            .wait_for_count(Duration::from_secs(15), bob_row, 0)
            .await
            .map_err(|_| "Bob's assignment is still listed after revoking it".to_string())?;
        // The person shown above is current again: Grant is back, the old outcome gone.
        screen
            .wait_for_attribute("[data-testid='user-grant']", "data-testid", "user-grant")
            .await?;
        assert_eq!(
            screen
                .count("[data-testid='permissions-user'] [data-testid='grant-outcome']")
                .await?,
            0,
            "the earlier \"now has the role\" no longer holds"
        );
        screen.save_screenshot("permissions-revoked").await?;

        // The same in dark, then in the smallest window the app allows, dark and light.
        for (theme, width, height) in [("dark", 1100, 720), ("dark", 720, 480), ("light", 720, 480)]
        {
            screen.resize(width, height).await?;
            screen.choose_theme(theme).await?;
            picture_grant_and_revoke(&screen, &format!("{theme}-{width}x{height}")).await?;
        }
        Ok(())
    });
}

/// Looks Bob up on Permissions, grants him the role and opens the dialog that revokes it, with a
/// screenshot of each (`permissions-*-{suffix}`), then revokes it so that the next round starts
/// where this one did.
async fn picture_grant_and_revoke(screen: &Screen, suffix: &str) -> Result<(), String> {
    screen.click("[data-testid='nav-permissions']").await?;
    screen
        .wait_for_text("h1", |text| text == "Permissions")
        .await?;
    screen
        .wait_for_attribute("[data-testid='grant-ability']", "data-allowed", "true")
        .await?;
    screen
        .save_screenshot(&format!("permissions-top-{suffix}"))
        .await?;
    find_bob(screen).await?;
    screen.scroll_to("[data-testid='user-grant']").await?;
    screen
        .save_screenshot(&format!("permissions-user-found-{suffix}"))
        .await?;
    grant_bob(screen).await?;
    let bob_row = BOB_ROW;
    screen.scroll_to(bob_row).await?;
    screen
        .save_screenshot(&format!("permissions-user-granted-{suffix}"))
        .await?;
    let revoke = format!("{bob_row} [data-testid='assignment-revoke']");
    screen.scroll_to(&revoke).await?;
    let nav = screen.nav_boxes().await?;
    screen.click(&revoke).await?;
    screen
        .wait_for_text("[data-testid='revoke-dialog']", |text| {
            text.contains("Remove AzureML Data Scientist from Bob?")
        })
        .await?;
    screen.dialog_drawn_over_page(&nav).await?;
    screen
        .save_screenshot(&format!("permissions-revoke-confirm-{suffix}"))
        .await?;
    screen
        .type_into("[data-testid='revoke-confirm-name']", "Bob")
        .await?;
    screen.click("[data-testid='revoke-confirm']").await?;
    screen
        .wait_for_count(Duration::from_secs(15), bob_row, 0)
        .await
}

/// Bob's row in the workspace's assignments once he holds the role there.
const BOB_ROW: &str =
    "[data-testid='assignment-list'] [data-principal='Bob'][data-role='AzureML Data Scientist']";

/// Looks Bob up on Permissions by his address, until his name shows.
async fn find_bob(screen: &Screen) -> Result<(), String> {
    screen
        .type_into("[data-testid='user-query']", "bob@contoso.com")
        .await?;
    screen.click("[data-testid='user-find']").await?;
    screen
        .wait_for_text("[data-testid='user-found-name']", |text| text == "Bob")
        .await?;
    Ok(())
}

/// Grants Bob, once found, the role: until the outcome says so and his row in the workspace's
/// assignments is a direct one.
async fn grant_bob(screen: &Screen) -> Result<(), String> {
    screen.click("[data-testid='user-grant']").await?;
    screen
        .wait_for_text(
            "[data-testid='permissions-user'] [data-testid='grant-outcome']",
            |text| text.contains("Bob now has the AzureML Data Scientist role on ws-open."),
        )
        .await?;
    screen
        .wait_for_attribute(BOB_ROW, "data-inherited", "false")
        .await
}
