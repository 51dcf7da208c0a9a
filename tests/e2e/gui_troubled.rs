#![cfg(target_os = "linux")]
//! End-to-end tests of the sandbox's `troubled` world in the real app (one workspace per failure
//! users report, and one per prerequisite the studio never checks). What the window must show is
//! what the core says about the same world: the emulator runs the scenario in this process too,
//! and the core's preflight, instance checks and runtime details are read there
//! (`harness::core_view`). So every workspace's checklist shows each blocker as not met with the
//! core's own remedy; the wizard shows each instance's blocker; each failed runtime shows the
//! core's diagnosis above the service's message, with its action, and a role's action opens
//! Permissions with that role chosen. And the diagnostics bundle made from Settings holds none
//! of the secrets planted where it reads.

mod harness;

use harness::core_view::{core_view, WorkspaceView};
use harness::sandbox::sandbox_home_as;
use harness::{poll_until, App, AppHome, Screen};
use pfrm_core::diagnosis::DiagnosisAction;
use pfrm_core::ops::permissions::GrantableRole;
use pfrm_core::preflight::{BlockKind, CheckResult, CheckStatus, PreflightReport, Severity};
use pfrm_tests::canaries;
use serde::Deserialize;
use std::time::Duration;

const SCENARIO: &str = "troubled";
const USER: &str = "alice@contoso.com";
/// A workspace's checks read storage, network and quota: allow for a busy machine.
const CHECKED: Duration = Duration::from_secs(40);

fn troubled_world() -> AppHome {
    sandbox_home_as(SCENARIO, USER)
}

/// The camelCase name serde gives a core value (`CheckId::SharedKeyAccess` → `sharedKeyAccess`),
/// as the app's pages carry it in their `data-` attributes.
fn wire_name(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .expect("a unit variant")
}

/// One check of the checklist, as the window shows it.
#[derive(Debug, PartialEq, Deserialize)]
struct ShownCheck {
    id: String,
    status: String,
    severity: String,
    /// The status mark's accessible name ("Not met", "Could not tell", "Passed").
    mark: Option<String>,
    title: Option<String>,
    remedy: Option<String>,
    evidence: Vec<(String, String)>,
    /// Where "More information" leads.
    link: Option<String>,
    /// Whether it is laid out at all (the list folds away when every check passed).
    shown: bool,
}

/// How the window must show `check`: the core's title marked as not met (or not checked), the
/// core's remedy word for word, and the core's evidence.
fn expected_check(check: &CheckResult, list_open: bool) -> ShownCheck {
    let (mark, title) = match check.status {
        CheckStatus::Passed => ("Passed", check.title.clone()),
        // A notice is no requirement: its title says what was found, marked worth knowing.
        CheckStatus::Failed if check.severity == Severity::Info => {
            ("Worth knowing", check.title.clone())
        }
        CheckStatus::Failed => ("Not met", format!("Not met: {}", check.title)),
        CheckStatus::Unknown => (
            "Could not tell",
            format!("Could not check: {}", check.title),
        ),
    };
    ShownCheck {
        id: format!("check-{}", wire_name(check.id)),
        status: wire_name(check.status),
        severity: wire_name(check.severity),
        mark: Some(mark.into()),
        title: Some(title),
        remedy: check
            .remedy
            .as_ref()
            .filter(|_| check.status != CheckStatus::Passed)
            .map(|remedy| format!("What to do: {remedy}")),
        evidence: check
            .evidence
            .iter()
            .map(|item| (item.label.clone(), item.value.clone()))
            .collect(),
        link: check.link.clone(),
        shown: list_open,
    }
}

/// Reads the checklist inside the element `arguments[0]` names (the page, or the wizard's image
/// checks).
const READ_CHECKLIST: &str = "
return Array.from(document.querySelectorAll(arguments[0] + \" [data-testid='preflight-checklist'] > li\")).map(li => {
  const text = (css) => { const e = li.querySelector(css); return e ? e.textContent.trim() : null; };
  const mark = li.querySelector('[aria-label]');
  const link = li.querySelector(\"[data-testid^='check-link-']\");
  return {
    id: li.getAttribute('data-testid'),
    status: li.getAttribute('data-status'),
    severity: li.getAttribute('data-severity'),
    mark: mark ? mark.getAttribute('aria-label') : null,
    title: text(\"[data-testid='check-title']\"),
    remedy: text(\"[data-testid='check-remedy']\"),
    evidence: Array.from(li.querySelectorAll('dt')).map(dt => [dt.textContent.trim(), dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : '']),
    link: link ? link.getAttribute('href') : null,
    shown: li.getClientRects().length > 0,
  };
});";

async fn shown_checklist(screen: &Screen, within: &str) -> Result<Vec<ShownCheck>, String> {
    let value = screen
        .client
        .execute(READ_CHECKLIST, vec![within.into()])
        .await
        .map_err(|error| format!("could not read the checklist: {error}"))?;
    serde_json::from_value(value).map_err(|error| format!("the checklist: {error}"))
}

/// The first difference between what the window shows and what it should.
fn difference(shown: &[ShownCheck], expected: &[ShownCheck]) -> Option<String> {
    if shown.len() != expected.len() {
        let ids = |checks: &[ShownCheck]| checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        return Some(format!(
            "{} checks shown, {} expected: {:?} / {:?}",
            shown.len(),
            expected.len(),
            ids(shown),
            ids(expected)
        ));
    }
    shown
        .iter()
        .zip(expected)
        .find(|(shown, expected)| shown != expected)
        .map(|(shown, expected)| format!("shown {shown:#?}\nexpected {expected:#?}"))
}

/// The summary line above the checklist for `report`: it says every prerequisite is met only
/// when no check below reads "Not met".
fn expected_summary(report: &PreflightReport) -> String {
    let not_passed = report
        .checks
        .iter()
        .filter(|check| check.status != CheckStatus::Passed)
        .count();
    match report.blocking.as_ref().map(|blocking| blocking.kind) {
        None if not_passed == 0 => "Every prerequisite is met.".into(),
        None if not_passed == 1 => {
            "Nothing blocks adding runtimes, but one check below needs your attention.".into()
        }
        None => format!(
            "Nothing blocks adding runtimes, but {not_passed} checks below need your attention."
        ),
        Some(BlockKind::NotMet) => {
            "A prerequisite is not met, so runtimes cannot be added yet.".into()
        }
        Some(BlockKind::CouldNotTell) => {
            "pfrm could not tell whether every prerequisite is met, so runtimes cannot be added yet."
                .into()
        }
    }
}

/// After picking `view`'s workspace: its checklist is the core's, check for check; the summary
/// says whether something blocks; Add runtime is off exactly when the core's report is blocked,
/// with the core's blocking reason beside it. Returns how many blockers it showed.
async fn expect_core_checklist(screen: &Screen, view: &WorkspaceView) -> Result<usize, String> {
    let report = &view.check.report;
    let list_open = report
        .checks
        .iter()
        .any(|check| check.status != CheckStatus::Passed);
    let expected: Vec<ShownCheck> = report
        .checks
        .iter()
        .map(|check| expected_check(check, list_open))
        .collect();
    let name = &view.name;
    let summary = expected_summary(report);
    screen
        .wait_for_text("[data-testid='runtime-list-heading']", |text| {
            text == format!("Runtimes in {name}")
        })
        .await?;
    screen
        .wait_within(CHECKED, "[data-testid='preflight-summary']", |text| {
            text == summary
        })
        .await
        .map_err(|error| format!("{name}: {error}"))?;
    poll_until(CHECKED, async || {
        let shown = shown_checklist(screen, "body").await?;
        match difference(&shown, &expected) {
            None => Ok(()),
            Some(difference) => Err(format!("{name}: the checklist differs: {difference}")),
        }
    })
    .await?;
    let disabled = usize::from(report.blocked);
    screen
        .wait_for_count(CHECKED, "[data-testid='add-runtime'][disabled]", disabled)
        .await
        .map_err(|error| format!("{name}: Add runtime off exactly when blocked: {error}"))?;
    match &report.blocking {
        Some(blocking) => {
            screen
                .wait_for_attribute(
                    "[data-testid='add-blocked-reason']",
                    "data-kind",
                    &wire_name(blocking.kind),
                )
                .await?;
            screen
                .wait_for_text("[data-testid='add-blocked-reason']", |text| {
                    text.contains(&blocking.reason)
                })
                .await
                .map_err(|error| format!("{name}: the blocking reason: {error}"))?;
            // The first blocker in view for the screenshot.
            screen
                .scroll_to(&format!(
                    "[data-testid='check-{}']",
                    wire_name(blocking.check)
                ))
                .await?;
        }
        None => assert_eq!(
            screen.count("[data-testid='add-blocked-reason']").await?,
            0,
            "{name}: nothing blocks"
        ),
    }
    Ok(report.blocking_reasons().len())
}

/// Add runtime, then the full wizard on its first step.
async fn open_wizard(screen: &Screen, name: &str) -> Result<(), String> {
    screen.click("[data-testid='add-runtime']").await?;
    // The quick panel can draw again while its name check answers, and a click on the button
    // it replaced is lost: click "More options…" until the full wizard shows.
    poll_until(Duration::from_secs(30), async || {
        if screen
            .count("[data-testid='add-runtime-wizard'][data-step='instance']")
            .await?
            == 1
        {
            return Ok(());
        }
        let _ = screen.click("[data-testid='quick-more-options']").await;
        Err(format!(
            "{name}: `[data-testid='add-runtime-wizard']` never had data-step=\"instance\""
        ))
    })
    .await
}

/// The add-runtime wizard's instance list is the core's: each instance offered (or not) as the
/// core says, with each failed check as "Not met" and the core's remedy. Returns how many
/// blockers it showed.
async fn expect_core_instances(screen: &Screen, view: &WorkspaceView) -> Result<usize, String> {
    let name = &view.name;
    open_wizard(screen, name).await?;
    let mut blockers = 0;
    if view.instances.is_empty() {
        screen
            .wait_for_text("[data-testid='wizard-no-instances']", |text| {
                text.contains("Create your own in Azure ML studio")
                    || text.contains("Create one in Azure ML studio")
            })
            .await
            .map_err(|error| format!("{name}: no instance of Alice's: {error}"))?;
        // Someone else's instances are named with whose they are, as the core says.
        let expected: Vec<String> = view
            .others
            .iter()
            .map(|other| match &other.assigned_to {
                Some(who) => format!("{} is assigned to {who}.", other.name),
                None => format!("{} is assigned to someone else.", other.name),
            })
            .collect();
        assert_eq!(
            screen
                .rendered_texts("[data-testid='wizard-other-instance']")
                .await?,
            expected,
            "{name}: whose the instances are"
        );
        screen
            .scroll_to("[data-testid='wizard-no-instances']")
            .await?;
    }
    let mut expected = Vec::new();
    for choice in &view.instances {
        let radio = format!("[data-testid='instance-{}']", choice.instance.name);
        poll_until(CHECKED, async || {
            let disabled = screen.property(&radio, "disabled").await?;
            if disabled.as_bool() == Some(!choice.usable) {
                Ok(())
            } else {
                Err(format!(
                    "{name}: {radio} disabled={disabled}, usable={}",
                    choice.usable
                ))
            }
        })
        .await?;
        for check in choice
            .checks
            .iter()
            .filter(|check| check.status == CheckStatus::Failed)
        {
            blockers += usize::from(check.blocks());
            let remedy = check
                .remedy
                .as_ref()
                .map(|remedy| format!(" What to do: {remedy}"))
                .unwrap_or_default();
            expected.push(format!("Not met: {}.{remedy}", check.title));
        }
    }
    poll_until(CHECKED, async || {
        let shown = screen
            .rendered_texts("[data-testid='instance-problem']")
            .await?;
        if shown == expected {
            Ok(())
        } else {
            Err(format!(
                "{name}: the instances' problems are {shown:#?}, expected {expected:#?}"
            ))
        }
    })
    .await?;
    if blockers > 0 {
        screen
            .scroll_to("[data-testid='instance-problem'][data-severity='blocker']")
            .await?;
    }
    screen
        .save_screenshot(&format!("troubled-wizard-{name}"))
        .await?;
    screen.click("[data-testid='wizard-cancel']").await?;
    screen
        .wait_for_count(CHECKED, "[data-testid='preflight-checklist']", 1)
        .await?;
    // Someone else's instance, named with whose it is, blocks the user as well.
    Ok(blockers + view.others.len() * usize::from(view.instances.is_empty()))
}

#[test]
fn gui_every_troubled_workspace_shows_the_cores_blockers_with_their_remedies() {
    const TEST: &str = "gui_every_troubled_workspace_shows_the_cores_blockers_with_their_remedies";
    let Some(app) = App::launch_or_skip(TEST, troubled_world()) else {
        return;
    };
    let views = core_view(SCENARIO, USER);
    assert!(views.len() >= 15, "the troubled world has its workspaces");
    app.run(|screen: Screen| async move {
        screen.open_sandbox_runtimes().await?;
        let (mut checklist_blockers, mut instance_blockers, mut blocked) = (0, 0, 0);
        for view in &views {
            screen.pick_workspace(&view.name).await?;
            let shown = expect_core_checklist(&screen, view).await?;
            blocked += usize::from(shown > 0);
            checklist_blockers += shown;
            screen
                .save_screenshot(&format!("troubled-preflight-{}", view.name))
                .await?;
            // Where nothing blocks the workspace, the wizard says what blocks an instance.
            let instance_trouble = view.instances.is_empty()
                || view
                    .instances
                    .iter()
                    .any(|choice| choice.checks.iter().any(CheckResult::blocks));
            if !view.check.report.blocked && instance_trouble {
                instance_blockers += expect_core_instances(&screen, view).await?;
            }
        }
        eprintln!(
            "troubled: {} workspaces compared with the core; {blocked} blocked, showing \
             {checklist_blockers} blockers with their remedies; {instance_blockers} instance \
             blockers in the wizard",
            views.len()
        );
        assert!(
            blocked >= 7 && instance_blockers >= 1,
            "the troubled world blocks somewhere"
        );
        Ok(())
    });
}

/// The workspaces whose custom environment's image is in trouble: outside Azure Container
/// Registry, not pullable by the workspace, its tag never pushed.
const IMAGE_WORKSPACES: [&str; 3] = [
    "ws-image-outside-acr",
    "ws-image-not-pullable",
    "ws-image-tag-missing",
];
const IMAGE_CHECKS: &str = "[data-testid='wizard-image-checks']";

/// In `view`'s workspace, the wizard up to its application step with the workspace's custom
/// environment chosen: the image checks shown are the core's, check for check and word for
/// word; what blocks is said with the core's reason, and Next stays off. Returns the number of
/// blockers shown.
async fn expect_core_image_checks(
    screen: &Screen,
    view: &WorkspaceView,
    shot: &str,
) -> Result<usize, String> {
    let name = &view.name;
    let (environment, report) = view
        .environments
        .first()
        .unwrap_or_else(|| panic!("{name} has a custom environment"));
    let instance = view
        .instances
        .iter()
        .find(|choice| choice.usable)
        .unwrap_or_else(|| panic!("{name}: Alice has an instance to use"));
    assert!(
        !view.check.report.blocked,
        "{name}: the workspace itself does not block, so the wizard opens"
    );
    screen.pick_workspace(name).await?;
    screen
        .wait_for_text("[data-testid='runtime-list-heading']", |text| {
            text == format!("Runtimes in {name}")
        })
        .await?;
    screen
        .wait_for_count(CHECKED, "[data-testid='add-runtime']:not([disabled])", 1)
        .await?;
    open_wizard(screen, name).await?;
    // Control+A (WebDriver keeps a modifier down until it is sent again), then Backspace.
    screen
        .type_into("[data-testid='wizard-name']", "\u{E009}a\u{E009}\u{E003}")
        .await?;
    screen
        .type_into("[data-testid='wizard-name']", "rt-image")
        .await?;
    screen
        .click(&format!(
            "[data-testid='instance-{}']",
            instance.instance.name
        ))
        .await?;
    screen.click("[data-testid='wizard-next']").await?;
    // The sandbox's sign-in step (when it shows) needs nothing: go on.
    poll_until(CHECKED, async || {
        let step = screen
            .attribute("[data-testid='add-runtime-wizard']", "data-step")
            .await?;
        match step.as_deref() {
            Some("app") => Ok(()),
            Some("authenticate") => {
                let _ = screen.click("[data-testid='wizard-next']").await;
                Err(format!("{name}: still on the sign-in step"))
            }
            other => Err(format!("{name}: the wizard is on {other:?}")),
        }
    })
    .await?;
    screen.click("[data-testid='env-custom']").await?;
    screen.click("[data-testid='env-picker']").await?;
    screen
        .click(&format!(
            "[data-testid='env-option-{}-{}']",
            environment.name, environment.version
        ))
        .await?;
    screen
        .wait_for_attribute_within(CHECKED, IMAGE_CHECKS, "data-state", "loaded")
        .await
        .map_err(|error| format!("{name}: the image checks: {error}"))?;
    let expected: Vec<ShownCheck> = report
        .checks
        .iter()
        .map(|check| expected_check(check, true))
        .collect();
    poll_until(CHECKED, async || {
        let shown = shown_checklist(screen, IMAGE_CHECKS).await?;
        match difference(&shown, &expected) {
            None => Ok(()),
            Some(difference) => Err(format!("{name}: the image checks differ: {difference}")),
        }
    })
    .await?;
    let blocking = report
        .blocking
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: the core blocks this environment"));
    screen
        .wait_for_attribute(
            "[data-testid='wizard-image-blocked']",
            "data-kind",
            &wire_name(blocking.kind),
        )
        .await?;
    let reason = match blocking.kind {
        BlockKind::NotMet => {
            let mut title = blocking.reason.clone();
            title[..1].make_ascii_lowercase();
            format!("until this is met: {title}.")
        }
        BlockKind::CouldNotTell => format!("({})", blocking.reason),
    };
    screen
        .wait_for_text("[data-testid='wizard-image-blocked']", |text| {
            text.starts_with("You cannot go on with this environment") && text.contains(&reason)
        })
        .await
        .map_err(|error| format!("{name}: why the user cannot go on: {error}"))?;
    assert_eq!(
        screen
            .property("[data-testid='wizard-next']", "disabled")
            .await?
            .as_bool(),
        Some(true),
        "{name}: Next is off while the image blocks"
    );
    screen
        .scroll_to(&format!(
            "{IMAGE_CHECKS} [data-testid='check-{}']",
            wire_name(blocking.check)
        ))
        .await?;
    screen.save_screenshot(&format!("{shot}-{name}")).await?;
    screen.click("[data-testid='wizard-cancel']").await?;
    screen
        .wait_for_count(CHECKED, "[data-testid='preflight-checklist']", 1)
        .await?;
    Ok(report.blocking_reasons().len())
}

#[test]
fn gui_wizard_shows_the_cores_image_checks_for_a_custom_environment_and_holds_the_user_back() {
    const TEST: &str =
        "gui_wizard_shows_the_cores_image_checks_for_a_custom_environment_and_holds_the_user_back";
    let Some(app) = App::launch_or_skip(TEST, troubled_world()) else {
        return;
    };
    let views: Vec<WorkspaceView> = core_view(SCENARIO, USER)
        .into_iter()
        .filter(|view| IMAGE_WORKSPACES.contains(&view.name.as_str()))
        .collect();
    assert_eq!(views.len(), IMAGE_WORKSPACES.len(), "the image workspaces");
    app.run(|screen: Screen| async move {
        screen.open_sandbox_runtimes().await?;
        let mut blockers = 0;
        for view in &views {
            blockers += expect_core_image_checks(&screen, view, "troubled-image-light").await?;
        }
        // Dark, in the smallest window the app supports.
        screen.choose_theme("dark").await?;
        screen.resize(720, 480).await?;
        screen.open_page("nav-runtimes", "Runtimes").await?;
        for view in &views {
            expect_core_image_checks(&screen, view, "troubled-image-dark-720x480").await?;
        }
        eprintln!(
            "troubled: {} custom environments checked in the wizard as the core checks them, \
             {blockers} image blockers shown, Next off for each",
            views.len()
        );
        Ok(())
    });
}

/// Opens `runtime` of `workspace` from the Runtimes page's list.
async fn open_runtime(screen: &Screen, workspace: &str, runtime: &str) -> Result<(), String> {
    screen.pick_workspace(workspace).await?;
    let open = format!("[data-testid='runtime-row-{runtime}'] [data-testid='runtime-open']");
    screen.wait_for_text(&open, |text| text == runtime).await?;
    // The prerequisites above the list can still grow while their checks answer, moving the row
    // between the moment the click is aimed and the moment it lands: click the runtime until
    // its details open (the list, and so the row, goes once they do).
    poll_until(Duration::from_secs(30), async || {
        if screen.count("[data-testid='runtime-details']").await? == 1 {
            return Ok(());
        }
        if screen.count(&open).await? == 1 {
            let _ = screen.click(&open).await;
        }
        Err(format!("{runtime}: its details never opened"))
    })
    .await
}

/// The label of the button the app shows for `action`; `None` where it shows a link instead.
fn action_label(action: &DiagnosisAction) -> Option<String> {
    match action {
        DiagnosisAction::OpenPermissions { role, .. } => Some(format!("Grant {role}")),
        DiagnosisAction::UseDefaultEnvironment => Some("Update to the default environment".into()),
        DiagnosisAction::OpenQuotaPage => None,
    }
}

/// The runtime's details page shows the core's diagnosis (its code, cause and remedy word for
/// word) above the service's own message, with the action's button; an undiagnosed failure
/// says so and offers the diagnostics bundle.
async fn expect_core_diagnosis(
    screen: &Screen,
    workspace: &str,
    details: &pfrm_core::model::RuntimeDetails,
) -> Result<(), String> {
    let runtime = &details.summary.name;
    screen
        .wait_for_text("[data-testid='details-status']", |text| text == "Failed")
        .await
        .map_err(|error| format!("{runtime}: {error}"))?;
    let said = details
        .error_message
        .as_deref()
        .or(details.status_message.as_deref())
        .expect("a failed runtime has the service's message");
    let said = said.lines().next().unwrap_or(said);
    let Some(diagnosis) = &details.diagnosis else {
        screen
            .wait_for_text("[data-testid='diagnosis-unrecognised']", |text| {
                text.contains("pfrm does not recognise this failure")
                    && text.contains("pfrm diagnose")
            })
            .await?;
        let page = screen
            .rendered_texts("[data-testid='runtime-details']")
            .await?
            .join("\n");
        assert!(
            page.contains(said),
            "{runtime}: the service's words stay:\n{page}"
        );
        return Ok(());
    };
    screen
        .wait_for_attribute("[data-testid='diagnosis']", "data-code", &diagnosis.code)
        .await
        .map_err(|error| format!("{workspace}/{runtime}: {error}"))?;
    assert_eq!(
        screen
            .rendered_texts("[data-testid='diagnosis-cause']")
            .await?,
        [diagnosis.cause.as_str()],
        "{runtime}: the core's cause"
    );
    assert_eq!(
        screen
            .rendered_texts("[data-testid='diagnosis-remedy']")
            .await?,
        [diagnosis.remedy.as_str()],
        "{runtime}: the core's remedy"
    );
    // The service's own words stay on the page, below the diagnosis.
    let page = screen
        .rendered_texts("[data-testid='runtime-details']")
        .await?
        .join("\n");
    let remedy_at = page.find(diagnosis.remedy.as_str());
    let said_at = page.rfind(said);
    assert!(
        matches!((remedy_at, said_at), (Some(d), Some(s)) if d < s),
        "{runtime}: the service's words ({said}) follow the diagnosis:\n{page}"
    );
    match diagnosis.action.as_ref().and_then(action_label) {
        Some(label) => {
            screen
                .wait_for_button("[data-testid='diagnosis-action']", &label)
                .await?
        }
        None => assert_eq!(
            screen.count("[data-testid='diagnosis-action']").await?,
            0,
            "{runtime}: no in-app action"
        ),
    }
    if matches!(diagnosis.action, Some(DiagnosisAction::OpenQuotaPage)) {
        screen
            .wait_for_text("[data-testid='diagnosis-quota-link']", |text| {
                !text.is_empty()
            })
            .await?;
    }
    Ok(())
}

/// A role's action opens Permissions with that role chosen, for the storage or registry the
/// role is granted on.
async fn expect_role_chosen(screen: &Screen, workspace: &str, role: &str) -> Result<(), String> {
    let grantable = GrantableRole::ALL
        .into_iter()
        .find(|grantable| grantable.name() == role)
        .unwrap_or_else(|| panic!("{role} is a role Permissions grants"));
    screen.click("[data-testid='diagnosis-action']").await?;
    screen
        .wait_for_text("h1", |text| text == "Permissions")
        .await?;
    screen
        .wait_for_attribute("[data-testid='role-request']", "data-role", role)
        .await?;
    let key = wire_name(grantable);
    screen
        .wait_for_attribute("[data-testid='role-choice']", "data-role", &key)
        .await?;
    assert_eq!(
        screen
            .property(&format!("[data-testid='role-{key}']"), "checked")
            .await?
            .as_bool(),
        Some(true),
        "{role} is chosen"
    );
    // Alice may not grant in this world: she is told who can, for the storage account.
    screen
        .wait_for_attribute("[data-testid='grant-ability']", "data-allowed", "false")
        .await?;
    screen
        .wait_for_text("[data-testid='permissions-role']", |text| {
            text.contains(&format!("the storage account of {workspace}"))
        })
        .await?;
    Ok(())
}

#[test]
fn gui_failed_runtimes_show_the_cores_diagnosis_and_a_role_action_opens_permissions() {
    const TEST: &str =
        "gui_failed_runtimes_show_the_cores_diagnosis_and_a_role_action_opens_permissions";
    let Some(app) = App::launch_or_skip(TEST, troubled_world()) else {
        return;
    };
    let views = core_view(SCENARIO, USER);
    app.run(|screen: Screen| async move {
        screen.open_sandbox_runtimes().await?;
        let (mut failed, mut diagnosed, mut roles) = (0, 0, 0);
        for view in &views {
            for details in &view.runtimes {
                let runtime = &details.summary.name;
                open_runtime(&screen, &view.name, runtime).await?;
                expect_core_diagnosis(&screen, &view.name, details).await?;
                failed += 1;
                diagnosed += usize::from(details.diagnosis.is_some());
                screen
                    .scroll_to("[data-testid='diagnosis'], [data-testid='diagnosis-unrecognised']")
                    .await?;
                screen
                    .save_screenshot(&format!("troubled-{}-{runtime}", view.name))
                    .await?;
                let role = details.diagnosis.as_ref().and_then(|d| match &d.action {
                    Some(DiagnosisAction::OpenPermissions { role, .. }) => Some(role.clone()),
                    _ => None,
                });
                match role {
                    Some(role) => {
                        expect_role_chosen(&screen, &view.name, &role).await?;
                        roles += 1;
                        screen
                            .save_screenshot(&format!("troubled-{}-permissions", view.name))
                            .await?;
                        screen.open_page("nav-runtimes", "Runtimes").await?;
                    }
                    None => {
                        screen.click("[data-testid='details-back']").await?;
                        screen
                            .wait_for_count(CHECKED, "[data-testid='runtime-list']", 1)
                            .await?;
                    }
                }
            }
        }
        eprintln!(
            "troubled: {failed} failed runtimes, {diagnosed} with the core's diagnosis, \
             {roles} role actions opening Permissions"
        );
        assert!(
            failed >= 9 && diagnosed >= 8 && roles >= 2,
            "the troubled world's failures"
        );
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
    // The home (and the zip in it) lives as long as this.
    let Some(_home) = App::run_or_skip(
        "gui_diagnostics_bundle_from_settings_lists_its_files_and_holds_no_planted_secret",
        home,
        |screen: Screen| async move {
            screen.open_sandbox_runtimes().await?;
            open_runtime(&screen, "ws-shared-key-off", "rt-keys").await?;
            screen
                .wait_for_text("[data-testid='details-status']", |text| text == "Failed")
                .await?;

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
        },
    ) else {
        return;
    };

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
