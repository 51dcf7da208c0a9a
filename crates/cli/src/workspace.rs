//! `pfrm workspace list` (the workspace picker) and `pfrm preflight` (the workspace page's
//! checklist, with the signed-in user's compute instances).

use clap::{Args, Subcommand};
use pfrm_core::model::{WorkspaceKind, WorkspaceSummary};
use pfrm_core::ops::runtimes::{
    check_environment_image, check_one_instance, list_my_compute_instances,
    list_others_compute_instances, InstanceChoice,
};
use pfrm_core::ops::workspaces::{
    check_workspace, list_workspaces, WorkspaceCheck, DEFAULT_PARALLEL_REQUESTS,
};
use pfrm_core::preflight::{BlockKind, BlockingReason};
use pfrm_core::Error;
use serde::Serialize;

use crate::context::{Context, WorkspaceOption};
use crate::output::{print_check, print_json, Table};

/// Exit code of `pfrm preflight` when a blocker fails or could not be evaluated: creating a
/// runtime cannot work yet, or nobody can tell whether it would.
pub const PREFLIGHT_BLOCKED_EXIT: u8 = 11;

#[derive(Subcommand)]
pub enum WorkspaceCommand {
    /// Your workspaces in every subscription of the current tenant.
    List {
        /// Only workspaces whose name, resource group, subscription or region contains this text.
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
    },
}

#[derive(Args)]
pub struct PreflightArgs {
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// Also require this compute instance to pass its checks (blockers on it count).
    #[arg(long, value_name = "INSTANCE")]
    compute: Option<String>,
    /// Also check this custom environment's image (in Azure Container Registry, tagged, pullable
    /// by the workspace): `NAME:VERSION` or its asset id.
    #[arg(long, value_name = "NAME:VERSION")]
    environment: Option<String>,
}

pub async fn run(context: &Context, command: WorkspaceCommand) -> Result<(), Error> {
    match command {
        WorkspaceCommand::List { filter } => {
            let mut listing = list_workspaces(&context.services, DEFAULT_PARALLEL_REQUESTS).await?;
            if let Some(filter) = filter.map(|f| f.to_lowercase()) {
                let subscription_names = listing.subscriptions.clone();
                listing.workspaces.retain(|workspace| {
                    let subscription = subscription_names
                        .iter()
                        .find(|s| s.subscription_id == workspace.subscription_id)
                        .map(|s| s.display_name.to_lowercase())
                        .unwrap_or_default();
                    [
                        workspace.name.to_lowercase(),
                        workspace.resource_group.to_lowercase(),
                        workspace.location.to_lowercase(),
                        workspace.subscription_id.to_lowercase(),
                        subscription,
                    ]
                    .iter()
                    .any(|text| text.contains(&filter))
                });
            }
            if context.json {
                return print_json(&listing);
            }
            if listing.workspaces.is_empty() {
                println!("No AzureML workspaces found.");
            } else {
                let mut table = Table::new(&[
                    "",
                    "SUBSCRIPTION",
                    "WORKSPACE",
                    "RESOURCE GROUP",
                    "REGION",
                    "KIND",
                ]);
                for workspace in &listing.workspaces {
                    let subscription = listing
                        .subscriptions
                        .iter()
                        .find(|s| s.subscription_id == workspace.subscription_id)
                        .map(|s| s.display_name.clone())
                        .unwrap_or_else(|| workspace.subscription_id.clone());
                    let is_default = context
                        .last_workspace_id()
                        .is_some_and(|last| last.eq_ignore_ascii_case(&workspace.id));
                    table.row(vec![
                        if is_default { "*" } else { "" }.to_owned(),
                        subscription,
                        workspace.name.clone(),
                        workspace.resource_group.clone(),
                        workspace.location.clone(),
                        kind_text(workspace),
                    ]);
                }
                table.print();
            }
            if !listing.problems.is_empty() {
                println!();
                println!("Subscriptions that could not be read:");
                for problem in &listing.problems {
                    println!(
                        "  ! {} ({}): {}",
                        problem.display_name, problem.subscription_id, problem.error.message
                    );
                    if let Some(remedy) = &problem.error.remedy {
                        println!("    → {remedy}");
                    }
                }
            }
            let unusable: Vec<_> = listing.subscriptions.iter().filter(|s| !s.usable).collect();
            if !unusable.is_empty() {
                println!();
                for subscription in unusable {
                    println!(
                        "  ! {} is {}; its workspaces are not listed.",
                        subscription.display_name, subscription.state
                    );
                }
            }
        }
    }
    Ok(())
}

fn kind_text(workspace: &WorkspaceSummary) -> String {
    match (workspace.kind, &workspace.kind_text) {
        (WorkspaceKind::Other, Some(text)) => text.clone(),
        (kind, _) => format!("{kind:?}"),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreflightOutput<'a> {
    #[serde(flatten)]
    check: &'a WorkspaceCheck,
    compute_instances: &'a [InstanceChoice],
    /// The instance named by `--compute` when it is not one of yours.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    other_compute_instances: &'a [InstanceChoice],
    /// `--environment`: the custom environment's image checks.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    environment_checks: &'a [pfrm_core::preflight::CheckResult],
    /// Whether `pfrm runtime create` would be refused (the exit code says the same).
    blocked: bool,
    /// Why: the first failed blocker, else the first that could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    blocking: Option<BlockingReason>,
}

/// Runs the checks; returns the process exit code (0, or [`PREFLIGHT_BLOCKED_EXIT`]).
pub async fn preflight(context: &Context, args: PreflightArgs) -> Result<u8, Error> {
    let workspace_id = context.workspace_id(&args.workspace).await?;
    let (check, instances) = tokio::join!(
        check_workspace(&context.services, &workspace_id),
        list_my_compute_instances(&context.services, &workspace_id, None),
    );
    let check = check?;
    let instances = instances?;
    let chosen: Option<InstanceChoice> = match &args.compute {
        Some(name) => match instances
            .iter()
            .find(|choice| choice.instance.name.eq_ignore_ascii_case(name))
        {
            Some(choice) => Some(choice.clone()),
            // Someone else's instance is checked too: "assigned to you" fails and says whose.
            None => Some(
                check_one_instance(&context.services, &workspace_id, name)
                    .await
                    .map_err(|error| {
                        if error.code == pfrm_core::ErrorCode::NotFound {
                            Error::new(
                                pfrm_core::ErrorCode::NotFound,
                                format!("There is no compute instance named '{name}' in this workspace."),
                            )
                            .with_remedy("Run `pfrm compute list` to see yours.")
                        } else {
                            error
                        }
                    })?,
            ),
        },
        None => None,
    };
    // The same core function the wizard's environment step asks.
    let environment_checks = match &args.environment {
        Some(text) => {
            check_environment_image(&context.services, &workspace_id, text)
                .await?
                .checks
        }
        None => Vec::new(),
    };
    // The rules are the core's: the workspace's blockers first, then the chosen instance's,
    // then the environment's.
    let blocking = check
        .report
        .blocking
        .clone()
        .or_else(|| {
            chosen
                .as_ref()
                .and_then(|choice| pfrm_core::preflight::first_blocking_reason(&choice.checks))
        })
        .or_else(|| pfrm_core::preflight::first_blocking_reason(&environment_checks));
    let blocked = blocking.is_some();
    if context.json {
        let chosen_outside: Vec<InstanceChoice> = chosen
            .iter()
            .filter(|choice| {
                !instances
                    .iter()
                    .any(|mine| mine.instance.id == choice.instance.id)
            })
            .cloned()
            .collect();
        print_json(&PreflightOutput {
            check: &check,
            compute_instances: &instances,
            other_compute_instances: &chosen_outside,
            environment_checks: &environment_checks,
            blocked,
            blocking: blocking.clone(),
        })?;
    } else {
        println!(
            "Preflight for {} ({}, {})",
            check.workspace.name, check.workspace.resource_group, check.workspace.location
        );
        for item in &check.report.checks {
            print_check(item, "  ");
        }
        let shown: Vec<&InstanceChoice> = match &chosen {
            Some(choice) => vec![choice],
            None => instances.iter().collect(),
        };
        if shown.is_empty() {
            // Someone else's instances are named, with whose each is, as the wizard names them:
            // "no compute instance" would read as a workspace without any.
            let others = list_others_compute_instances(&context.services, &workspace_id)
                .await
                .unwrap_or_default();
            println!();
            if others.is_empty() {
                println!("  ! You have no compute instance in this workspace.");
            } else {
                println!("  ! You have no compute instance of your own in this workspace. A runtime works only for the person its instance is assigned to:");
                for other in &others {
                    match &other.assigned_to {
                        Some(who) => println!("    {} is assigned to {who}.", other.name),
                        None => println!("    {} is assigned to someone else.", other.name),
                    }
                }
            }
            println!(
                "    → Create {} in Azure ML studio, assigned to you: {}",
                if others.is_empty() { "one" } else { "your own" },
                pfrm_core::preflight::CREATE_COMPUTE_INSTANCE_GUIDE
            );
        }
        for choice in shown {
            println!();
            println!(
                "Compute instance {} ({:?}{})",
                choice.instance.name,
                choice.instance.state,
                choice
                    .instance
                    .vm_size
                    .as_deref()
                    .map(|size| format!(", {size}"))
                    .unwrap_or_default()
            );
            for item in &choice.checks {
                print_check(item, "  ");
            }
        }
        if let Some(environment) = &args.environment {
            println!();
            println!("Custom environment {environment}");
            for item in &environment_checks {
                print_check(item, "  ");
            }
        }
        println!();
        match &blocking {
            Some(reason) if reason.kind == BlockKind::CouldNotTell => println!(
                "Could not tell: {}. A runtime cannot be created until every required check (?) can be made: run `pfrm preflight` again to check again.",
                reason.reason
            ),
            Some(_) => {
                println!("Blocked: a runtime cannot be created until the ✗ items are fixed.")
            }
            None => println!("Ready: nothing blocks creating a runtime."),
        }
    }
    Ok(if blocked { PREFLIGHT_BLOCKED_EXIT } else { 0 })
}
