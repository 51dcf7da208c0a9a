#![cfg(target_os = "linux")]
//! End-to-end tests of failure diagnoses in the real app, in the sandbox's `troubled` world
//! (one workspace per failure users report, each holding a runtime that failed that way): each
//! failed runtime shows what pfrm recognised above the service's message, with its action, and
//! the storage role's action opens Permissions with that role chosen; and the diagnostics bundle
//! made from Settings holds none of the secrets planted where it reads.

mod harness;

use harness::{App, AppHome, Screen};
use pfrm_tests::canaries;

/// Workspace, failed runtime, the diagnosis pfrm must show (`None`: unrecognised), the action
/// button's label when the diagnosis has one the app performs, and words of the service's own
/// message.
type Trouble = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

const TROUBLED: &[Trouble] = &[
    (
        "ws-start-timeout",
        "rt-custom-env",
        Some("runtime-start-timeout"),
        Some("Update to the default environment"),
        "runtime starting timeout",
    ),
    (
        "ws-not-yours",
        "rt-pipeline",
        Some("compute-instance-assigned-to-someone-else"),
        None,
        "is not authorized to invoke this runtime",
    ),
    (
        "ws-shared-key-off",
        "rt-keys",
        Some("storage-key-access-disabled"),
        Some("Grant Storage Blob Data Contributor"),
        "Key based authentication is not permitted",
    ),
    (
        "ws-no-quota",
        "rt-big",
        Some("vm-quota-exceeded"),
        None,
        "Not enough quota available",
    ),
    (
        "ws-unknown",
        "rt-mystery",
        None,
        None,
        "exited unexpectedly",
    ),
    (
        "ws-file-share-denied",
        "rt-files",
        Some("storage-file-access-denied"),
        Some("Grant Storage File Data Privileged Contributor"),
        "Unable to access the dag.yaml file",
    ),
];

fn troubled_world() -> AppHome {
    AppHome::new()
        .with_env("PFRM_SANDBOX", "1")
        .with_env("PFRM_SANDBOX_SCENARIO", "troubled")
        .with_env("PFRM_SANDBOX_USER", "alice@contoso.com")
}

async fn open_failed_runtime(
    screen: &Screen,
    workspace: &str,
    runtime: &str,
) -> Result<(), String> {
    // Nine workspaces do not fit the picker's list: the option is scrolled into view and
    // chosen, as a person scrolling the list would.
    const PICKER: &str = "[data-testid='workspace-picker']";
    let option = format!("[data-testid='workspace-option'][data-name='{workspace}']");
    screen.click(PICKER).await?;
    screen
        .wait_for_text(&option, |text| text.contains(workspace))
        .await?;
    screen
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
            vec![option.clone().into()],
        )
        .await
        .map_err(|error| error.to_string())?;
    screen.click(&option).await?;
    let open = format!("[data-testid='runtime-row-{runtime}'] [data-testid='runtime-open']");
    screen.wait_for_text(&open, |text| text == runtime).await?;
    screen.click(&open).await?;
    screen
        .wait_for_text("[data-testid='details-status']", |text| text == "Failed")
        .await?;
    Ok(())
}

#[test]
fn gui_failed_runtimes_show_their_diagnosis_and_the_storage_action_opens_permissions() {
    let Some(app) = App::launch_or_skip(
        "gui_failed_runtimes_show_their_diagnosis_and_the_storage_action_opens_permissions",
        troubled_world(),
    ) else {
        return;
    };
    app.run(|screen: Screen| async move {
        screen
            .wait_for_text("[data-testid='sandbox-banner']", |text| !text.is_empty())
            .await?;
        screen.click("[data-testid='nav-runtimes']").await?;
        screen.wait_for_text("h1", |text| text == "Runtimes").await?;

        for (workspace, runtime, code, action, words) in TROUBLED {
            open_failed_runtime(&screen, workspace, runtime).await?;
            match code {
                Some(code) => {
                    screen
                        .wait_for_attribute("[data-testid='diagnosis']", "data-code", code)
                        .await?;
                    let remedy = screen
                        .rendered_texts("[data-testid='diagnosis-remedy']")
                        .await?;
                    assert!(
                        remedy.len() == 1 && remedy[0].len() > 20,
                        "{workspace}: a remedy is shown: {remedy:?}"
                    );
                    // The service's own words stay on the page, below the diagnosis.
                    let page = screen
                        .rendered_texts("[data-testid='runtime-details']")
                        .await?
                        .join("\n");
                    let said = page.rfind(words);
                    let diagnosed = page.find(remedy[0].as_str());
                    assert!(
                        matches!((diagnosed, said), (Some(d), Some(s)) if d < s),
                        "{workspace}: the service's words ({words}) follow the diagnosis:\n{page}"
                    );
                    match action {
                        Some(label) => {
                            screen
                                .wait_for_button("[data-testid='diagnosis-action']", label)
                                .await?
                        }
                        None => assert_eq!(
                            screen.count("[data-testid='diagnosis-action']").await?,
                            0,
                            "{workspace}: no in-app action"
                        ),
                    }
                }
                None => {
                    screen
                        .wait_for_text("[data-testid='diagnosis-unrecognised']", |text| {
                            text.contains("pfrm does not recognise this failure")
                                && text.contains("pfrm diagnose")
                        })
                        .await?;
                }
            }
            screen
                .save_screenshot(&format!("troubled-{workspace}"))
                .await?;
            if *workspace != "ws-file-share-denied" {
                screen.click("[data-testid='details-back']").await?;
                screen
                    .wait_for_count(
                        std::time::Duration::from_secs(30),
                        "[data-testid='runtime-list']",
                        1,
                    )
                    .await?;
            }
        }

        // The file share's remedy is a role on the storage account: its button opens
        // Permissions with that role chosen.
        screen.click("[data-testid='diagnosis-action']").await?;
        screen.wait_for_text("h1", |text| text == "Permissions").await?;
        screen
            .wait_for_attribute(
                "[data-testid='role-request']",
                "data-role",
                "Storage File Data Privileged Contributor",
            )
            .await?;
        screen
            .wait_for_attribute(
                "[data-testid='role-choice']",
                "data-role",
                "storageFileDataPrivilegedContributor",
            )
            .await?;
        let checked = screen
            .client
            .execute(
                "return document.querySelector(\"[data-testid='role-storageFileDataPrivilegedContributor']\").checked",
                vec![],
            )
            .await
            .map_err(|error| error.to_string())?;
        assert_eq!(checked.as_bool(), Some(true), "the role is chosen");
        // Alice may not grant in this world: she is told who can, for the storage account.
        screen
            .wait_for_attribute("[data-testid='grant-ability']", "data-allowed", "false")
            .await?;
        screen
            .wait_for_text("[data-testid='permissions-role']", |text| {
                text.contains("the storage account of ws-file-share-denied")
            })
            .await?;
        screen.save_screenshot("troubled-permissions-role-chosen").await?;
        Ok(())
    });
}

// Settings → "Create diagnostics bundle…" after looking at a failed runtime, with secrets planted
// in a log file the app's logs folder holds: the list shows each file with what was taken out,
// a path that is not a full path is explained, and the saved zip holds the failed runtime, the
// preflight report and the WebView's version, and none of the planted secrets.
#[test]
fn gui_diagnostics_bundle_from_settings_lists_its_files_and_holds_no_planted_secret() {
    let home = troubled_world();
    let logs = home.state_dir().join("pfrm").join("logs");
    std::fs::create_dir_all(&logs).expect("create the logs folder");
    std::fs::write(
        logs.join("pfrm.canary.log"),
        canaries::log_text(canaries::JWT),
    )
    .expect("plant the canaries");
    let saved = home.home().join("support-bundle.zip");
    let saved_path = saved.display().to_string();
    let Some(app) = App::launch_or_skip(
        "gui_diagnostics_bundle_from_settings_lists_its_files_and_holds_no_planted_secret",
        home,
    ) else {
        return;
    };
    // The home (and the zip in it) lives as long as this.
    let _home = app.run(|screen: Screen| async move {
        screen
            .wait_for_text("[data-testid='sandbox-banner']", |text| !text.is_empty())
            .await?;
        screen.click("[data-testid='nav-runtimes']").await?;
        screen
            .wait_for_text("h1", |text| text == "Runtimes")
            .await?;
        open_failed_runtime(&screen, "ws-shared-key-off", "rt-keys").await?;

        screen.click("[data-testid='nav-settings']").await?;
        screen.click("[data-testid='diagnostics-create']").await?;
        let row = |name: &str| format!("[data-testid='diagnostics-file'][data-name='{name}']");
        for name in [
            "manifest.json",
            "preflight.json",
            "runtime.json",
            "operations.json",
            "logs/pfrm.canary.log",
        ] {
            screen
                .wait_for_text(&row(name), |text| text.contains(name))
                .await?;
        }
        let planted = screen
            .rendered_texts(&format!(
                "{} [data-testid='diagnostics-file-redacted']",
                row("logs/pfrm.canary.log")
            ))
            .await?;
        assert!(
            planted.len() == 1
                && planted[0].contains("secrets")
                && planted[0].contains("1 email address"),
            "the planted log's row says what was taken out: {planted:?}"
        );
        screen
            .save_screenshot("settings-diagnostics-list-light")
            .await?;

        // A name without its folder is refused with the reason, before anything is written.
        const PATH: &str = "[data-testid='diagnostics-path']";
        screen.click(PATH).await?;
        screen
            .type_into(PATH, "\u{E009}a\u{E009}\u{E003}bundle.zip")
            .await?;
        screen.click("[data-testid='diagnostics-save']").await?;
        screen
            .wait_for_text("[data-testid='error-message']", |text| {
                text.contains("is not a full path")
            })
            .await?;
        screen.type_into(PATH, "\u{E009}a\u{E009}\u{E003}").await?;
        screen.type_into(PATH, &saved_path).await?;
        screen.click("[data-testid='diagnostics-save']").await?;
        screen
            .wait_for_text("[data-testid='diagnostics-saved']", |text| {
                text.contains(&saved_path)
            })
            .await?;
        screen
            .wait_for_button("[data-testid='diagnostics-show']", "Show in folder")
            .await?;
        screen.click("[data-testid='theme-dark']").await?;
        screen
            .save_screenshot("settings-diagnostics-saved-dark")
            .await?;
        Ok(())
    });

    let planted = canaries::canaries(canaries::JWT);
    let scan = canaries::scan_zip(&saved, &planted);
    assert_eq!(scan.hits, Vec::<String>::new(), "0 canary hits expected");
    let manifest: serde_json::Value =
        serde_json::from_str(&scan.texts["manifest.json"]).expect("a JSON manifest");
    assert!(
        manifest["webview"]
            .as_str()
            .is_some_and(|webview| webview.starts_with("WebKitGTK 2.")),
        "the WebView's version: {manifest}"
    );
    assert!(
        scan.texts["runtime.json"].contains("storage-key-access-disabled"),
        "the failed runtime with its diagnosis: {}",
        scan.texts["runtime.json"]
    );
    assert!(
        scan.texts["preflight.json"].contains("sharedKeyAccess"),
        "the workspace's preflight report"
    );
}
