//! `pfrm decommission plan|apply`: once flows have moved to Agent Framework, what prompt flow
//! left in a workspace that can go, and its removal (confirmed by typing the workspace's name).

use clap::{Args, Subcommand};
use pfrm_core::migration::decommission::{
    self, apply, DecommissionPlan, DecommissionReport, DecommissionRequest, OutcomeState,
};
use pfrm_core::migration::inventory::CostState;
use pfrm_core::migration::retirement::Countdown;
use pfrm_core::Error;

use crate::context::{Context, WorkspaceOption};

/// Exit code: some ticked items could not be removed (the report says which and why).
pub const EXIT_SOME_FAILED: i32 = 23;

#[derive(Subcommand)]
pub enum DecommissionCommand {
    /// What can go once flows have moved, what each costs while running, and what stays.
    Plan(PlanArgs),
    /// Remove the plan's items (the suggested ones, or those given with --only).
    #[command(after_help = "\
Exit codes: 0 every item was removed (or was gone already); 2 the typed workspace name is
wrong or an id is not in the plan (nothing removed); 23 some items could not be removed (the
report says which); 130 cancelled with Ctrl+C (run it again to finish: what is gone is skipped).")]
    Apply(ApplyArgs),
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// A flow that has moved (repeat for several; default: every flow of the workspace).
    #[arg(long = "moved", value_name = "FLOW")]
    moved: Vec<String>,
}

#[derive(Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// The workspace's name, typed to confirm the removal.
    #[arg(long, value_name = "WORKSPACE")]
    confirm: String,
    /// Remove only these plan items (ids from `pfrm decommission plan`, comma-separated or
    /// repeated). Default: the items the plan suggests.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    only: Vec<String>,
    /// A flow that has moved (repeat for several; default: every flow of the workspace).
    #[arg(long = "moved", value_name = "FLOW")]
    moved: Vec<String>,
}

fn moved(list: &[String]) -> Option<&[String]> {
    (!list.is_empty()).then_some(list)
}

pub async fn run(context: &Context, command: DecommissionCommand) -> Result<i32, Error> {
    match command {
        DecommissionCommand::Plan(args) => {
            let workspace_id = context.workspace_id(&args.workspace).await?;
            let plan = decommission::plan_decommission(
                &context.services,
                &workspace_id,
                moved(&args.moved),
            )
            .await?;
            if context.json {
                println!("{}", to_json(&plan)?);
            } else {
                print_plan(&plan);
            }
            context.remember_workspace();
            Ok(0)
        }
        DecommissionCommand::Apply(args) => {
            let workspace_id = context.workspace_id(&args.workspace).await?;
            let selected = if args.only.is_empty() {
                let plan = decommission::plan_decommission(
                    &context.services,
                    &workspace_id,
                    moved(&args.moved),
                )
                .await?;
                // The typed name is checked before anything else is said about the plan.
                decommission::check_confirmation(&plan.workspace_name, &args.confirm)?;
                plan.items
                    .iter()
                    .filter(|i| i.suggested)
                    .map(|i| i.id.clone())
                    .collect()
            } else {
                args.only.clone()
            };
            let request = DecommissionRequest {
                workspace_id,
                confirm_workspace: args.confirm,
                selected,
                moved_flows: moved(&args.moved).map(<[String]>::to_vec),
            };
            let report = apply(&context.services, request, context.watch).await;
            crate::progress::settle();
            let report = report?;
            if context.json {
                println!("{}", to_json(&report)?);
            } else {
                print_report(&report);
            }
            context.remember_workspace();
            Ok(if report.cancelled {
                crate::progress::INTERRUPTED_EXIT
            } else if report.count(OutcomeState::Failed) > 0 {
                EXIT_SOME_FAILED
            } else {
                0
            })
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map_err(|e| Error::internal(e.to_string()))
}

fn cost_text(cost: CostState) -> &'static str {
    match cost {
        CostState::Running => "running (billed)",
        CostState::Stopped => "stopped",
        CostState::NoCompute => "no compute",
        CostState::Unknown => "unknown",
    }
}

/// The core's countdown in the plan's words: the time left, or that prompt flow has retired.
fn days_phrase(countdown: Countdown) -> String {
    match countdown {
        Countdown::DaysLeft { days: 1 } => "1 day until prompt flow retires".to_owned(),
        Countdown::DaysLeft { days } => format!("{days} days until prompt flow retires"),
        Countdown::RetirementDay | Countdown::Retired { .. } => {
            "prompt flow has retired".to_owned()
        }
    }
}

fn print_plan(plan: &DecommissionPlan) {
    println!(
        "Decommission plan for {} ({})",
        plan.workspace_name,
        days_phrase(plan.countdown)
    );
    println!(
        "Flows counted as moved: {}",
        if plan.moved_flows.is_empty() {
            "none".into()
        } else {
            plan.moved_flows.join(", ")
        }
    );
    if !plan.staying_flows.is_empty() {
        println!("Flows that stay: {}", plan.staying_flows.join(", "));
    }
    println!();
    if plan.items.is_empty() {
        println!("Nothing can go.");
    }
    for item in &plan.items {
        let mark = if item.suggested { "[x]" } else { "[ ]" };
        let mut cost = cost_text(item.cost).to_owned();
        if let Some(size) = &item.size {
            cost.push_str(&format!(", {size}"));
        }
        if let Some(idle) = item.idle_shutdown_minutes {
            cost.push_str(&format!(", idle shutdown {idle} min"));
        }
        println!("{mark} {}  ({}; {cost})", item.id, item.kind.label());
        println!("      {}", item.reason);
    }
    if !plan.kept.is_empty() {
        println!();
        println!("Stays:");
        for kept in &plan.kept {
            println!("    {} {}: {}", kept.kind.label(), kept.name, kept.reason);
        }
    }
    println!();
    println!(
        "{} of these cost money now. pfrm shows no prices (they depend on region and agreement); state and size say what is billed.",
        plan.running
    );
    println!(
        "[x] suggested. To remove: pfrm decommission apply --confirm {} [--only ID,ID,...]",
        plan.workspace_name
    );
    for problem in &plan.problems {
        eprintln!(
            "warning: {} could not be read, so the plan may miss what it holds: {}",
            problem.part, problem.error.message
        );
    }
}

fn print_report(report: &DecommissionReport) {
    for outcome in &report.outcomes {
        let state = match outcome.state {
            OutcomeState::Removed => "removed",
            OutcomeState::AlreadyGone => "already gone",
            OutcomeState::Kept => "kept",
            OutcomeState::Failed => "FAILED",
            OutcomeState::NotReached => "not reached",
        };
        let detail = outcome
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .or(outcome.message.clone())
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        println!("{state:>12}  {}{detail}", outcome.id);
    }
    println!("{}: {}.", report.workspace_name, report.summary());
}

#[cfg(test)]
mod tests {
    use super::days_phrase;
    use pfrm_core::migration::retirement::Countdown;

    #[test]
    fn the_plan_says_the_days_left_or_that_prompt_flow_has_retired() {
        assert_eq!(
            days_phrase(Countdown::DaysLeft { days: 135 }),
            "135 days until prompt flow retires"
        );
        assert_eq!(
            days_phrase(Countdown::DaysLeft { days: 1 }),
            "1 day until prompt flow retires"
        );
        assert_eq!(
            days_phrase(Countdown::RetirementDay),
            "prompt flow has retired"
        );
        // The day after: never "-1 days".
        assert_eq!(
            days_phrase(Countdown::Retired { days: 1 }),
            "prompt flow has retired"
        );
    }
}
