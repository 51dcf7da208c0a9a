//! `pfrm compute …`: the signed-in user's compute instances (the wizard's first step) and
//! starting a stopped one.

use clap::Subcommand;
use pfrm_core::ops::runtimes::{list_my_compute_instances, start_compute_instance};
use pfrm_core::preflight::CheckStatus;
use pfrm_core::Error;

use crate::context::{Context, WorkspaceOption};
use crate::output::{check_mark, or_dash, print_json, Table};

#[derive(Subcommand)]
pub enum ComputeCommand {
    /// Your compute instances in a workspace (assigned to you, or created by you), with their
    /// state, size, custom applications and checks.
    List {
        #[command(flatten)]
        workspace: WorkspaceOption,
    },
    /// Start a stopped compute instance and wait until it runs.
    Start {
        #[command(flatten)]
        workspace: WorkspaceOption,
        /// The compute instance's name.
        name: String,
    },
}

pub async fn run(context: &Context, command: ComputeCommand) -> Result<(), Error> {
    match command {
        ComputeCommand::List { workspace } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let choices = list_my_compute_instances(&context.services, &workspace_id, None).await?;
            if context.json {
                return print_json(&choices);
            }
            if choices.is_empty() {
                println!("You have no compute instance in this workspace.");
                println!(
                    "Create one in Azure ML studio: {}",
                    pfrm_core::preflight::CREATE_COMPUTE_INSTANCE_GUIDE
                );
                return Ok(());
            }
            let mut table = Table::new(&["NAME", "STATE", "SIZE", "CUSTOM APPS", "CHECKS"]);
            for choice in &choices {
                let apps: Vec<String> = choice
                    .instance
                    .custom_apps
                    .iter()
                    .map(|app| {
                        if app.is_prompt_flow_runtime {
                            format!("{} (runtime)", app.name)
                        } else {
                            app.name.clone()
                        }
                    })
                    .collect();
                let failed: Vec<String> = choice
                    .checks
                    .iter()
                    .filter(|check| check.status != CheckStatus::Passed)
                    .map(|check| format!("{} {}", check_mark(check), check.title))
                    .collect();
                table.row(vec![
                    choice.instance.name.clone(),
                    format!("{:?}", choice.instance.state),
                    or_dash(choice.instance.vm_size.as_deref()),
                    if apps.is_empty() {
                        "-".into()
                    } else {
                        apps.join(", ")
                    },
                    if failed.is_empty() {
                        "✓ all passed".into()
                    } else {
                        failed.join("; ")
                    },
                ]);
            }
            table.print();
        }
        ComputeCommand::Start { workspace, name } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let started =
                start_compute_instance(&context.services, &workspace_id, &name, context.watch)
                    .await;
            crate::progress::settle();
            let instance = started?;
            if context.json {
                return print_json(&instance);
            }
            println!("Compute instance {} is running.", instance.name);
        }
    }
    Ok(())
}
