#![cfg(target_os = "linux")]
//! Prompt flow's retirement, end to end in the real app against the emulator's `retiring`
//! world (the returning user's workspace on the day after the retirement date): the notice,
//! the inventory (its counts checked against what the emulator holds), a flow's audit with its
//! mapping table, the flow's Agent Framework project exported to a typed folder, and a
//! decommission of ticked items, after which the emulator is asked what is left.

mod harness;
mod local_azure;

use std::collections::BTreeSet;
use std::path::Path;

use harness::{App, Screen};
use local_azure::{alice_browser, sign_in_through_the_browser, LocalAzure};
use serde_json::Value;

const SUBSCRIPTION: &str = "3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01";
const WORKSPACE: &str = "ml-workspace";
const ML_API: &str = "2024-04-01";
/// Steps that read several APIs (inventory, audit, plan) on a busy machine.
const SLOW_STEP: std::time::Duration = std::time::Duration::from_secs(60);
/// The flow exported: a custom tool node holds a literal key (a canary) in its inputs.
const EXPORTED_FLOW: &str = "custom-tools";
/// What the user ticks. The endpoint is ticked without its second deployment (green), so it
/// must stay; nothing else in the plan is ticked.
const TICKED: [&str; 4] = [
    "runtime:rt-default",
    "onlineDeployment:pf-endpoint/blue",
    "onlineEndpoint:pf-endpoint",
    "connection:legacy_bing_connection",
];

/// Reads the emulator's world the way Azure's own clients would: ARM and flow service GETs with
/// Alice's token, nothing from the app.
struct World {
    http: reqwest::Client,
    arm: String,
    flow: String,
    token: String,
}

impl World {
    fn of(azure: &LocalAzure) -> World {
        let ready = azure.emulator.ready_info();
        let ca = reqwest::Certificate::from_pem(ready.ca_cert_pem.as_bytes()).expect("CA");
        let token = azure
            .emulator
            .issue_access_token(
                "alice@contoso.com",
                &format!("{}/.default", ready.arm_audience.trim_end_matches('/')),
            )
            .expect("a token for Alice");
        World {
            http: reqwest::Client::builder()
                .add_root_certificate(ca)
                .build()
                .expect("HTTP client"),
            arm: ready.arm_endpoint.trim_end_matches('/').to_owned(),
            flow: ready.flow_endpoint.trim_end_matches('/').to_owned(),
            token,
        }
    }

    fn workspace_path() -> String {
        format!(
            "subscriptions/{SUBSCRIPTION}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/{WORKSPACE}"
        )
    }

    async fn get(&self, url: &str) -> Result<Value, String> {
        let response = self
            .http
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|error| format!("GET {url}: {error}"))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|error| format!("GET {url}: {error}"))?;
        if !status.is_success() {
            return Err(format!("GET {url}: {status} {body}"));
        }
        Ok(body)
    }

    /// `name` of each item of an ARM list under the workspace.
    async fn arm_names(&self, rest: &str) -> Result<BTreeSet<String>, String> {
        let url = format!(
            "{}/{}/{rest}?api-version={ML_API}",
            self.arm,
            Self::workspace_path()
        );
        let body = self.get(&url).await?;
        Ok(names(&body["value"], "name"))
    }

    /// `field` of each item of a flow service list (a bare array) under the workspace.
    async fn flow_names(&self, api: &str, field: &str) -> Result<BTreeSet<String>, String> {
        let url = format!("{}/flow/api/{}/{api}", self.flow, Self::workspace_path());
        let body = self.get(&url).await?;
        let items = if body.is_array() {
            &body
        } else {
            &body["value"]
        };
        Ok(names(items, field))
    }

    /// Everything decommission could touch, as `kind:name`.
    async fn snapshot(&self) -> Result<BTreeSet<String>, String> {
        let mut all = BTreeSet::new();
        for name in self.flow_names("FlowRuntimes", "runtimeName").await? {
            all.insert(format!("runtime:{name}"));
        }
        for name in self.arm_names("computes").await? {
            all.insert(format!("compute:{name}"));
        }
        for name in self.arm_names("connections").await? {
            all.insert(format!("connection:{name}"));
        }
        for endpoint in self.arm_names("onlineEndpoints").await? {
            for deployment in self
                .arm_names(&format!("onlineEndpoints/{endpoint}/deployments"))
                .await?
            {
                all.insert(format!("onlineDeployment:{endpoint}/{deployment}"));
            }
            all.insert(format!("onlineEndpoint:{endpoint}"));
        }
        Ok(all)
    }
}

fn names(items: &Value, field: &str) -> BTreeSet<String> {
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                // Archived flows are gone as far as a user is concerned.
                .filter(|item| item["isArchived"] != Value::Bool(true))
                .filter_map(|item| item[field].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The number a count shows ("Flows: 6" → 6).
fn count_of(text: &str) -> Option<usize> {
    text.rsplit(':').next()?.trim().parse().ok()
}

async fn count_shown(screen: &Screen, kind: &str) -> Result<usize, String> {
    let css = format!("[data-testid='inventory-count-{kind}']");
    let texts = screen.rendered_texts(&css).await?;
    texts
        .first()
        .and_then(|text| count_of(text))
        .ok_or_else(|| format!("no count for {kind}: {texts:?}"))
}

async fn scroll_to(screen: &Screen, css: &str) -> Result<(), String> {
    screen
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'start'})",
            vec![css.into()],
        )
        .await
        .map(|_| ())
        .map_err(|error| format!("could not scroll to `{css}`: {error}"))
}

/// The Inventory page with the workspace's inventory taken.
async fn take_inventory(screen: &Screen) -> Result<(), String> {
    screen.click("[data-testid='nav-inventory']").await?;
    screen.pick_workspace(WORKSPACE).await?;
    screen.click("[data-testid='inventory-take']").await?;
    screen
        .wait_within(SLOW_STEP, "[data-testid='inventory-count-flow']", |text| {
            text.starts_with("Flows")
        })
        .await
        .map(|_| ())
}

/// Opens the exported flow's audit from the inventory and pictures its mapping table, once
/// every row that shows whole in the dialog is painted there: WebKitGTK once left the dialog
/// blank when the page behind it was scrolled down.
async fn picture_audit(screen: &Screen, name: &str) -> Result<(), String> {
    let export = format!("[data-testid='inventory-export-{EXPORTED_FLOW}']");
    screen.scroll_to(&export).await?;
    let nav = screen.nav_boxes().await?;
    screen.click(&export).await?;
    screen
        .wait_within(SLOW_STEP, "[data-testid='flow-mapping-row']", |text| {
            !text.is_empty()
        })
        .await?;
    let rows = screen
        .rendered_texts("[data-testid='flow-mapping-row']")
        .await?;
    assert!(
        rows.iter().any(|row| row.contains("Executor")),
        "the mapping table names Agent Framework executors: {rows:?}"
    );
    // The page behind is scrolled down, as it is when a flow far down the list is exported.
    let behind = screen
        .client
        .execute("return document.documentElement.scrollTop;", vec![])
        .await
        .map_err(|error| error.to_string())?;
    assert!(
        behind.as_f64().is_some_and(|top| top > 0.0),
        "the inventory behind the dialog is scrolled down: {behind}"
    );
    // The dialog and the navigation behind it are drawn where they are laid out.
    screen.dialog_drawn_over_page(&nav).await?;
    scroll_to(screen, "[data-testid='flow-mapping']").await?;
    screen
        .wait_until_painted("[data-testid='flow-mapping-row']")
        .await?;
    screen.save_screenshot(name).await
}

fn files_in(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    (
                        entry.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(entry.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn gui_retiring_world_inventory_audit_export_and_decommission() {
    let azure = LocalAzure::start("retiring");
    // Deletions finish in seconds rather than emulated minutes.
    azure.emulator.set_time_scale(30.0);
    let world = World::of(&azure);
    let out = tempfile::Builder::new()
        .prefix("pfrm-export-")
        .tempdir()
        .expect("a folder for the project");
    let project = out.path().join(EXPORTED_FLOW);
    let project_path = project.display().to_string();
    let Some(app) = App::launch_or_skip(
        "gui_retiring_world_inventory_audit_export_and_decommission",
        alice_browser(&azure),
    ) else {
        return;
    };
    let checks = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let before = checks.block_on(world.snapshot()).expect("the world before");
    let runtimes = checks
        .block_on(world.flow_names("FlowRuntimes", "runtimeName"))
        .expect("runtimes");
    let flows = checks
        .block_on(world.flow_names("Flows", "flowName"))
        .expect("flows");
    let connections = checks
        .block_on(world.arm_names("connections"))
        .expect("connections");
    for id in TICKED {
        assert!(
            before.contains(id),
            "{id} is in the world before: {before:?}"
        );
    }

    app.run(|screen: Screen| async move {
        sign_in_through_the_browser(&screen).await?;

        // The notice says prompt flow has retired (the world's date is the day after).
        screen
            .wait_for_text("[data-testid='retirement-notice']", |text| {
                text.contains("retired")
            })
            .await?;
        screen.save_screenshot("migration-notice-light").await?;

        // The inventory of the workspace: its counts are what the emulator holds.
        screen.resize(1366, 900).await?;
        take_inventory(&screen).await?;
        assert_eq!(count_shown(&screen, "runtime").await?, runtimes.len());
        assert_eq!(count_shown(&screen, "flow").await?, flows.len());
        assert_eq!(count_shown(&screen, "connection").await?, connections.len());
        screen.save_screenshot("migration-inventory-light").await?;

        // One flow's audit, opened from far down the inventory: the mapping table, then its
        // project written to a typed folder.
        picture_audit(&screen, "migration-audit-light").await?;
        screen
            .type_into("[data-testid='export-project-folder']", &project_path)
            .await?;
        screen.click("[data-testid='export-project-write']").await?;
        screen
            .wait_within(SLOW_STEP, "[data-testid='export-project-done']", |text| {
                text.contains(&project_path)
            })
            .await?;
        let listed = screen
            .rendered_texts("[data-testid='export-project-files'] li")
            .await?;
        let written = files_in(&project);
        for file in ["workflow.py", "requirements.txt", ".env.example", "README.md"] {
            assert!(
                written.iter().any(|(name, _)| name == file),
                "{file} written: {written:?}"
            );
            assert!(listed.iter().any(|name| name == file), "{file} listed: {listed:?}");
        }
        for (name, text) in &written {
            assert!(!text.contains("CANARY-"), "{name} holds a connection's secret");
        }
        scroll_to(&screen, "[data-testid='export-project-done']").await?;
        screen.save_screenshot("migration-export-light").await?;
        screen.click("[data-testid='export-project-close']").await?;

        // The decommission plan: only the chosen items ticked, the name typed, applied.
        screen.click("[data-testid='inventory-decommission']").await?;
        screen
            .wait_within(
                SLOW_STEP,
                "[data-testid='decommission-item-runtime:rt-default']",
                |text| text.contains("rt-default"),
            )
            .await?;
        let boxes: Vec<String> = screen
            .client
            .execute(
                "return Array.from(document.querySelectorAll(\"[data-testid^='decommission-tick-']\")).map(e => e.getAttribute('data-testid').slice('decommission-tick-'.length));",
                vec![],
            )
            .await
            .map_err(|error| error.to_string())
            .and_then(|value| serde_json::from_value(value).map_err(|e| e.to_string()))?;
        for id in &boxes {
            let css = format!("[data-testid='decommission-tick-{id}']");
            let checked = screen
                .client
                .execute(
                    "return document.querySelector(arguments[0]).checked;",
                    vec![css.clone().into()],
                )
                .await
                .map_err(|error| error.to_string())?;
            if checked.as_bool() != Some(TICKED.contains(&id.as_str())) {
                screen.click(&css).await?;
            }
        }
        screen
            .type_into("[data-testid='decommission-confirm']", WORKSPACE)
            .await?;
        scroll_to(&screen, "[data-testid='decommission']").await?;
        screen.save_screenshot("migration-decommission-plan-light").await?;
        screen.click("[data-testid='decommission-apply']").await?;
        screen
            .wait_for_count(
                std::time::Duration::from_secs(120),
                "[data-testid='decommission-done']",
                1,
            )
            .await?;
        screen
            .wait_for_text(
                "[data-testid='decommission-outcome-onlineEndpoint:pf-endpoint']",
                |text| text == "Kept: pf-endpoint/green stays, and it uses this.",
            )
            .await?;
        scroll_to(&screen, "[data-testid='decommission-done']").await?;
        screen.save_screenshot("migration-decommission-done-light").await?;

        // Dark, then the smallest window the app allows, in dark and light: the inventory and
        // the flow's audit. At 720×480 the inventory's columns keep whole words and the table
        // scrolls sideways, which a line above it says.
        screen.choose_theme("dark").await?;
        take_inventory(&screen).await?;
        screen
            .wait_for_text("[data-testid='retirement-notice']", |text| {
                text.contains("retired")
            })
            .await?;
        screen.save_screenshot("migration-inventory-dark").await?;
        picture_audit(&screen, "migration-audit-dark").await?;
        screen.click("[data-testid='export-project-close']").await?;
        screen.resize(720, 480).await?;
        for theme in ["dark", "light"] {
            if theme == "light" {
                screen.choose_theme(theme).await?;
                take_inventory(&screen).await?;
            }
            screen
                .wait_for_text("[data-testid='table-scroll-hint']", |text| {
                    text.contains("Scroll sideways")
                })
                .await?;
            scroll_to(&screen, "[data-testid='inventory-shown']").await?;
            screen
                .wait_until_painted("[data-testid^='inventory-row-flow-'] td:nth-child(2)")
                .await?;
            screen
                .save_screenshot(&format!("migration-inventory-720x480-{theme}"))
                .await?;
            picture_audit(&screen, &format!("migration-audit-720x480-{theme}")).await?;
            screen.click("[data-testid='export-project-close']").await?;
        }
        Ok(())
    });

    // Exactly the ticked items are gone (the runtime's custom application, which the service
    // removes with it, is not a listed resource here), and what is shared is still there: the
    // endpoint, whose green deployment was not ticked, and every compute instance.
    let after = checks.block_on(world.snapshot()).expect("the world after");
    let gone: BTreeSet<&str> = before.difference(&after).map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "runtime:rt-default",
        "onlineDeployment:pf-endpoint/blue",
        "connection:legacy_bing_connection",
    ]
    .into();
    assert_eq!(gone, expected, "before {before:?}\nafter {after:?}");
    assert!(after.contains("onlineEndpoint:pf-endpoint"));
    assert!(after.contains("onlineDeployment:pf-endpoint/green"));
    assert!(after.is_subset(&before), "nothing new appeared: {after:?}");
}
