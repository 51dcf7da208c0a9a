//! `pfrm runtime check` and `pfrm runtime update`: whether runtimes run the newest image, and
//! updating one runtime or every outdated one.
//!
//! Exit codes beside the usual ones: 20 when updates are available (check) or runtimes still need
//! attention after `update --all-outdated` (custom environments to rebuild); 21 when some updates
//! of `update --all-outdated` failed.

use clap::Args;
use pfrm_core::ops::updates::{
    self, CheckOptions, CustomEnvironmentGuidance, RuntimeVersionStatus, UpdateAllOutcome,
    UpdateAllRequest, UpdateAllSummary, UpdateRuntimeRequest,
};
use pfrm_core::Error;

use super::phrases;
use crate::context::{Context, WorkspaceOption};
use crate::output::{print_json, Table};

/// Exit code: an update is available (or, after `update --all-outdated`, runtimes on custom
/// environments still need rebuilding).
pub const EXIT_UPDATES_AVAILABLE: i32 = 20;
/// Exit code: at least one update of `update --all-outdated` failed.
pub const EXIT_SOME_UPDATES_FAILED: i32 = 21;

const CHECK_EXIT_CODES: &str = "\
Exit codes: 0 every runtime checked runs the newest image (the final one: prompt flow's images
get no more updates); 20 an update is available;
other codes as for every pfrm command (see `pfrm --help`).";

const UPDATE_EXIT_CODES: &str = "\
Exit codes: 0 updated (all of them, with --all-outdated); 20 runtimes on custom environments still
need rebuilding; 21 some updates failed (the summary says which and why); other codes as for
every pfrm command (see `pfrm --help`).";

#[derive(Args)]
#[command(after_help = CHECK_EXIT_CODES)]
pub struct CheckArgs {
    /// The workspace (ARM id, SUBSCRIPTION/RESOURCE_GROUP/NAME or name); repeat to check several
    /// (with --all). Default: the workspace used last.
    #[arg(long = "workspace", short = 'w', value_name = "WORKSPACE")]
    workspaces: Vec<String>,
    /// The runtime to check (default: all runtimes of the workspaces).
    #[arg(conflicts_with = "all")]
    name: Option<String>,
    /// Check every runtime of the workspaces.
    #[arg(long)]
    all: bool,
}

#[derive(Args)]
#[command(after_help = UPDATE_EXIT_CODES)]
pub struct UpdateArgs {
    /// The workspace (ARM id, SUBSCRIPTION/RESOURCE_GROUP/NAME or name); repeat to update
    /// several with --all-outdated. Default: the workspace used last.
    #[arg(long = "workspace", short = 'w', value_name = "WORKSPACE")]
    workspaces: Vec<String>,
    /// The runtime to update.
    #[arg(
        required_unless_present = "all_outdated",
        conflicts_with = "all_outdated"
    )]
    name: Option<String>,
    /// Update to this custom environment version (its asset id,
    /// `azureml://locations/…/environments/NAME/versions/V`, or `azureml:NAME:V`), rebuilt on the
    /// newest runtime image. Default: the default environment (newest runtime image).
    #[arg(long, value_name = "ASSET_ID", conflicts_with = "all_outdated")]
    environment: Option<String>,
    /// Use the chosen environment version even though it is not newer than the current one.
    #[arg(long, requires = "environment")]
    allow_older: bool,
    /// Move a runtime on a custom environment to the default environment (newest image).
    #[arg(long, conflicts_with = "environment")]
    default_environment: bool,
    /// Update every outdated runtime of the workspaces (default-environment ones; custom ones
    /// are listed for rebuilding).
    #[arg(long)]
    all_outdated: bool,
    /// Runtimes updated at once with --all-outdated (runtimes on one compute instance always
    /// go one after another).
    #[arg(long, value_name = "N", default_value_t = updates::DEFAULT_MAX_PARALLEL as u32,
          value_parser = clap::value_parser!(u32).range(1..=32))]
    max_parallel: u32,
}

async fn workspace_ids(context: &Context, given: &[String]) -> Result<Vec<String>, Error> {
    if given.is_empty() {
        return Ok(vec![
            context.workspace_id(&WorkspaceOption::default()).await?,
        ]);
    }
    let mut ids = Vec::new();
    for workspace in given {
        let option = WorkspaceOption {
            workspace: Some(workspace.clone()),
        };
        ids.push(context.workspace_id(&option).await?);
    }
    Ok(ids)
}

/// Ends the command with a code that is not an error (updates available, some failed): the
/// result has been printed, so flush and exit.
fn finish(context: &Context, code: i32) -> Result<(), Error> {
    use std::io::Write;
    crate::progress::settle();
    if code != 0 {
        context.remember_workspace();
        std::io::stdout().flush().ok();
        std::io::stderr().flush().ok();
        std::process::exit(code);
    }
    Ok(())
}

pub async fn check(context: &Context, args: CheckArgs) -> Result<(), Error> {
    let ids = workspace_ids(context, &args.workspaces).await?;
    let options = CheckOptions::default();
    let statuses = match &args.name {
        Some(name) => {
            let [workspace_id] = ids.as_slice() else {
                return Err(Error::invalid_input(
                    "A runtime name goes with exactly one --workspace.",
                )
                .with_remedy("Give one --workspace, or use --all to check every runtime."));
            };
            vec![
                updates::check_runtime_version(&context.services, workspace_id, name, options)
                    .await?,
            ]
        }
        None => {
            let report = updates::check_workspaces(&context.services, &ids, options).await;
            if context.json {
                print_json(&report)?;
            } else {
                for problem in &report.problems {
                    eprintln!(
                        "warning: {} could not be checked: {}",
                        problem.workspace_id, problem.error.message
                    );
                }
            }
            if !report.problems.is_empty() && report.runtimes.is_empty() {
                if let Some(problem) = report.problems.first() {
                    return Err(problem.error.clone());
                }
            }
            if !context.json {
                print_statuses(&report.runtimes, ids.len() > 1);
            }
            let code = if report.outdated_count > 0 {
                EXIT_UPDATES_AVAILABLE
            } else {
                0
            };
            return finish(context, code);
        }
    };
    if context.json {
        print_json(&statuses[0])?;
    } else {
        print_statuses(&statuses, false);
    }
    let code = if updates::count_outdated(&statuses) > 0 {
        EXIT_UPDATES_AVAILABLE
    } else {
        0
    };
    finish(context, code)
}

fn describe_version(version: Option<&updates::RuntimeVersion>) -> String {
    match version {
        Some(version) => format!(
            "{} ({}), {} days old",
            version.label, version.tag, version.age_days
        ),
        None => "-".into(),
    }
}

fn print_statuses(statuses: &[RuntimeVersionStatus], show_workspace: bool) {
    if statuses.is_empty() {
        println!("No runtimes to check.");
        return;
    }
    let mut headers = vec!["RUNTIME", "CURRENT", "LATEST", "STATE"];
    if show_workspace {
        headers.insert(0, "WORKSPACE");
    }
    let mut table = Table::new(&headers);
    for status in statuses {
        let current = match (&status.current, &status.custom_environment) {
            (Some(version), _) => format!("{} ({} days old)", version.label, version.age_days),
            (None, Some(environment)) => format!("environment {}", environment.display()),
            (None, None) => status.docker_image.clone().unwrap_or_else(|| "-".into()),
        };
        let latest = status
            .latest
            .as_ref()
            .map(|v| {
                if status.latest_is_final {
                    format!("{} (final image)", v.label)
                } else {
                    v.label.clone()
                }
            })
            .unwrap_or_else(|| "-".into());
        let state = if !status.update_available {
            "up to date"
        } else if status.custom_environment.is_some() {
            "update available (rebuild environment)"
        } else {
            "update available"
        };
        let mut row = vec![
            status.runtime_name.clone(),
            current,
            latest,
            state.to_owned(),
        ];
        if show_workspace {
            row.insert(0, status.workspace_name.clone());
        }
        table.row(row);
    }
    table.print();
    for status in statuses {
        if let Some(explanation) = phrases::version_notes(&status.notes) {
            println!("{}: {explanation}", status.runtime_name);
        }
        for problem in &status.problems {
            println!(
                "{}: could not read everything: {}",
                status.runtime_name, problem.message
            );
        }
    }
    if let Some(latest) = statuses
        .iter()
        .find(|status| status.latest_is_final)
        .and_then(|status| status.latest.as_ref())
    {
        println!(
            "{} is the final image: prompt flow's runtime images get no more updates, security fixes included.",
            latest.label
        );
    }
    let outdated = updates::count_outdated(statuses);
    if outdated > 0 {
        println!(
            "{outdated} runtime(s) can be updated: pfrm runtime update NAME (or --all-outdated)."
        );
    }
}

pub async fn update(context: &Context, args: UpdateArgs) -> Result<(), Error> {
    let ids = workspace_ids(context, &args.workspaces).await?;
    if args.all_outdated {
        let summary = updates::update_all_outdated(
            &context.services,
            UpdateAllRequest {
                workspace_ids: ids,
                max_parallel: Some(args.max_parallel),
            },
            context.watch,
            CheckOptions::default(),
        )
        .await;
        crate::progress::settle();
        if context.json {
            print_json(&summary)?;
        } else {
            print_summary(&summary);
        }
        let code = if summary.failed > 0 {
            EXIT_SOME_UPDATES_FAILED
        } else if summary.needs_attention > 0 {
            EXIT_UPDATES_AVAILABLE
        } else if summary.items.is_empty() && !summary.problems.is_empty() {
            return Err(summary.problems[0].error.clone());
        } else {
            0
        };
        return finish(context, code);
    }
    let [workspace_id] = ids.as_slice() else {
        return Err(
            Error::invalid_input("Updating one runtime takes exactly one --workspace.")
                .with_remedy("Give one --workspace, or use --all-outdated."),
        );
    };
    let name = args.name.clone().unwrap_or_default();
    let outcome = updates::update_runtime(
        &context.services,
        UpdateRuntimeRequest {
            workspace_id: workspace_id.clone(),
            runtime_name: name.clone(),
            environment: args.environment.clone(),
            allow_older: args.allow_older,
            move_to_default_environment: args.default_environment,
        },
        context.watch,
    )
    .await;
    crate::progress::settle();
    let outcome = match outcome {
        Err(error) if is_custom_environment_refusal(&error) => {
            // The core refused to move the runtime off its custom environment unasked: show
            // what to rebuild on, and the flags that go on.
            let guidance = updates::custom_environment_guidance(
                &context.services,
                workspace_id,
                &name,
                CheckOptions::default(),
            )
            .await?;
            if context.json {
                print_json(&guidance)?;
            } else {
                print_guidance(&guidance);
            }
            return Err(error.with_remedy(
                "Rebuild the environment on the runtime image named above, then run `pfrm runtime update NAME --environment ASSET_ID`; or pass --default-environment to switch it to the default environment.",
            ));
        }
        other => other?,
    };
    if context.json {
        print_json(&outcome)?;
    } else {
        match (&outcome.current, &args.environment) {
            (_, Some(environment)) => println!(
                "Runtime {name} is running on environment {}.",
                updates::CustomEnvironmentRef::parse(environment).display()
            ),
            (Some(current), None) => println!(
                "Runtime {name} is running {} ({}){}.",
                current.label,
                current.tag,
                outcome
                    .previous
                    .as_ref()
                    .map(|p| format!(", updated from {}", p.label))
                    .unwrap_or_default()
            ),
            (None, None) => println!("Runtime {name} is running again."),
        }
        for warning in &outcome.warnings {
            println!("note: {}", phrases::update_warning(warning));
        }
    }
    finish(context, 0)
}

fn is_custom_environment_refusal(error: &Error) -> bool {
    error
        .details
        .as_ref()
        .and_then(|details| details.get("reason"))
        .is_some_and(|reason| reason == updates::CUSTOM_ENVIRONMENT_REFUSAL)
}

/// "final" once prompt flow's images are frozen on the cloud's date (the core says; no newer
/// image will come), "newest" before.
fn newest_word(latest_is_final: bool) -> &'static str {
    if latest_is_final {
        "final"
    } else {
        "newest"
    }
}

fn print_guidance(guidance: &CustomEnvironmentGuidance) {
    println!(
        "Runtime {} runs custom environment {}.",
        guidance.runtime_name,
        guidance
            .current_environment
            .as_ref()
            .map(|e| e.display())
            .unwrap_or_else(|| "(unknown)".into())
    );
    println!(
        "To update it, rebuild the environment on the {} runtime image, starting its Dockerfile with:",
        newest_word(guidance.latest_is_final)
    );
    println!("    {}", guidance.dockerfile_from_line);
    println!(
        "then register it as a new version and pass that version's asset id with --environment."
    );
    if !guidance.candidates.is_empty() {
        println!("The workspace's environment versions:");
        for candidate in &guidance.candidates {
            println!(
                "  {}:{}{}  {}{}",
                candidate.choice.name,
                candidate.choice.version,
                if candidate.is_current {
                    " (current)"
                } else {
                    ""
                },
                candidate.choice.asset_id,
                candidate
                    .warning
                    .as_ref()
                    .map(|w| format!("  — {}", phrases::environment_warning(w)))
                    .unwrap_or_default()
            );
        }
    }
}

fn print_summary(summary: &UpdateAllSummary) {
    if summary.items.is_empty() {
        println!(
            "Every runtime checked ({}) runs the {} image.",
            summary.up_to_date,
            newest_word(summary.latest_is_final)
        );
    } else {
        let mut table = Table::new(&["WORKSPACE", "RUNTIME", "RESULT", "DETAIL"]);
        for item in &summary.items {
            let (result, detail) = match item.outcome {
                UpdateAllOutcome::Updated => (
                    "updated",
                    format!(
                        "{} → {}",
                        describe_version(item.from.as_ref()),
                        item.to
                            .as_ref()
                            .map(|v| v.label.clone())
                            .unwrap_or_default()
                    ),
                ),
                UpdateAllOutcome::Failed => (
                    "FAILED",
                    item.error
                        .as_ref()
                        .map(|e| e.message.clone())
                        .unwrap_or_default(),
                ),
                UpdateAllOutcome::NeedsAttention => ("needs attention", phrases::attention(item)),
                UpdateAllOutcome::AlreadyUpdating => (
                    "already updating",
                    "another operation is updating it".to_owned(),
                ),
            };
            table.row(vec![
                item.workspace_name.clone(),
                item.runtime_name.clone(),
                result.to_owned(),
                detail,
            ]);
        }
        table.print();
    }
    println!(
        "{} updated, {} failed, {} need attention, {} already updating, {} up to date.",
        summary.updated,
        summary.failed,
        summary.needs_attention,
        summary.already_updating,
        summary.up_to_date
    );
    if let Some(line) = &summary.dockerfile_from_line {
        if summary.needs_attention > 0 {
            println!("Rebuild custom environments on: {line}");
        }
    }
    for problem in &summary.problems {
        println!(
            "{} could not be checked: {}",
            problem.workspace_id, problem.error.message
        );
    }
}
