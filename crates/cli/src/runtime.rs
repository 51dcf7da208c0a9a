//! `pfrm runtime …`: the runtime list and details pages, and the add-runtime and delete flows of
//! the studio page, as commands. Each subcommand is one variant of [`RuntimeCommand`] and one arm
//! of [`run`]; add new ones the same way.

mod phrases;
pub(crate) mod updates;

use clap::{Args, Subcommand};
use pfrm_core::model::{RuntimeDetails, RuntimeSummary};
use pfrm_core::ops::runtimes::{self, CreateRuntimeRequest, CustomAppChoice, DeleteRuntimeRequest};
use pfrm_core::{Error, ErrorCode};

use crate::context::{Context, WorkspaceOption};
use crate::output::{self, print_json, Table};
use crate::plain;

#[derive(Subcommand)]
pub enum RuntimeCommand {
    /// The workspace's runtimes: status, compute instance, application, image tag, owner.
    List {
        #[command(flatten)]
        workspace: WorkspaceOption,
    },
    /// Everything the service says about one runtime.
    Show {
        #[command(flatten)]
        workspace: WorkspaceOption,
        /// The runtime's name.
        name: String,
    },
    /// Create a compute-instance runtime and wait until it runs.
    Create(CreateArgs),
    /// Delete a runtime (and, if asked, its custom application) and wait until it is gone.
    Delete(DeleteArgs),
    /// Whether runtimes run the newest runtime image (exit code 20 when an update is available).
    Check(updates::CheckArgs),
    /// Update a runtime (or every outdated one) to the newest image or a rebuilt environment.
    Update(updates::UpdateArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// Name of the new runtime (3 to 24 letters, digits and hyphens, as Azure requires).
    /// Default: `rt-<instance>`, with a letter added when a runtime already has that name.
    #[arg(long)]
    name: Option<String>,
    /// The compute instance to run it on (one of yours, see `pfrm compute list`).
    #[arg(long, value_name = "INSTANCE")]
    compute: String,
    /// Custom environment for a new custom application (its asset id,
    /// `azureml://locations/…/environments/NAME/versions/V`). Default: the latest runtime image.
    #[arg(long, value_name = "ASSET_ID", conflicts_with = "existing_app")]
    environment: Option<String>,
    /// Use this custom application already on the instance instead of creating one (no restart).
    #[arg(long, value_name = "APP")]
    existing_app: Option<String>,
    /// Confirm that the compute instance may restart (needed for a new custom application).
    #[arg(long)]
    yes_restart: bool,
}

#[derive(Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// The runtime's name.
    name: String,
    /// The runtime's name typed again, to confirm.
    #[arg(long, value_name = "NAME")]
    confirm: String,
    /// Also remove the runtime's custom application from the compute instance.
    #[arg(long)]
    remove_app: bool,
}

pub async fn run(context: &Context, command: RuntimeCommand) -> Result<(), Error> {
    match command {
        RuntimeCommand::Check(args) => updates::check(context, args).await?,
        RuntimeCommand::Update(args) => updates::update(context, args).await?,
        RuntimeCommand::List { workspace } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let runtimes = runtimes::list_runtimes(&context.services, &workspace_id).await?;
            if context.json {
                return print_json(&runtimes);
            }
            print_runtime_list(&runtimes);
        }
        RuntimeCommand::Show { workspace, name } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let details =
                runtimes::runtime_details(&context.services, &workspace_id, &name).await?;
            if context.json {
                return print_json(&details);
            }
            print_details(context, &workspace_id, &details);
        }
        RuntimeCommand::Create(args) => {
            let workspace_id = context.workspace_id(&args.workspace).await?;
            let runtime_name = match args.name {
                Some(name) => name,
                None => {
                    let name = runtimes::suggest_runtime_name(
                        &context.services,
                        &workspace_id,
                        Some(&args.compute),
                    )
                    .await?;
                    // On stderr, so that `--json` output stays the runtime alone.
                    eprintln!("No --name given: the runtime will be named {name}.");
                    name
                }
            };
            let app = match args.existing_app {
                Some(app_name) => CustomAppChoice::Existing { app_name },
                None => CustomAppChoice::New {
                    environment: args.environment,
                },
            };
            let new_app = matches!(app, CustomAppChoice::New { .. });
            let confirm_restart =
                !new_app || args.yes_restart || confirm_restart_interactively(&args.compute)?;
            if !confirm_restart {
                return Err(restart_not_confirmed(&args.compute));
            }
            let request = CreateRuntimeRequest {
                workspace_id,
                runtime_name,
                compute_instance: args.compute,
                app,
                confirm_restart,
            };
            let name = request.runtime_name.clone();
            let runtime = runtimes::create_runtime(&context.services, request, context.watch).await;
            crate::progress::settle();
            let runtime = runtime.map_err(|error| in_flight_remedy(error, &name))?;
            if context.json {
                return print_json(&runtime);
            }
            println!(
                "Runtime {} is running on {}.",
                runtime.summary.name,
                runtime
                    .summary
                    .compute_instance_name
                    .as_deref()
                    .unwrap_or("its compute instance")
            );
            println!(
                "Use it for evaluation runs: pfazure run create --runtime {} …",
                runtime.summary.name
            );
        }
        RuntimeCommand::Delete(args) => {
            let workspace_id = context.workspace_id(&args.workspace).await?;
            let request = DeleteRuntimeRequest {
                workspace_id,
                runtime_name: args.name.clone(),
                confirm_name: args.confirm,
                remove_custom_app: args.remove_app,
            };
            let outcome = runtimes::delete_runtime(&context.services, request, context.watch).await;
            crate::progress::settle();
            outcome?;
            if context.json {
                return print_json(&serde_json::json!({
                    "deleted": args.name,
                    "customAppRemoved": args.remove_app,
                }));
            }
            if args.remove_app {
                println!(
                    "Runtime {} and its custom application were deleted.",
                    args.name
                );
            } else {
                println!(
                    "Runtime {} was deleted; its custom application stays on the compute instance.",
                    args.name
                );
            }
        }
    }
    Ok(())
}

fn restart_not_confirmed(instance: &str) -> Error {
    Error::invalid_input(format!(
        "Creating a new custom application restarts the compute instance {instance}; whatever runs on it stops."
    ))
    .with_remedy(
        "Add --yes-restart to confirm the restart, or use an application already on the instance with --existing-app APP.",
    )
}

/// Asks on the terminal when both ends are one; `false` (refuse) when not interactive.
fn confirm_restart_interactively(instance: &str) -> Result<bool, Error> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(false);
    }
    eprint!(
        "Creating a new custom application restarts the compute instance {instance}; whatever runs on it stops. Restart it? [y/N] "
    );
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|error| Error::new(ErrorCode::InvalidInput, error.to_string()))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

fn print_runtime_list(runtimes: &[RuntimeSummary]) {
    if runtimes.is_empty() {
        println!("No runtimes in this workspace yet.");
        // The workspace just listed is remembered: the command needs no ARM id.
        println!("Create one: pfrm runtime create --name NAME --compute INSTANCE --yes-restart");
        return;
    }
    let mut table = Table::new(&[
        "NAME",
        "STATUS",
        "TYPE",
        "COMPUTE INSTANCE",
        "CUSTOM APP",
        "IMAGE TAG",
        "CREATED BY",
    ]);
    for runtime in runtimes {
        table.row(vec![
            runtime.name.clone(),
            output::runtime_status(runtime),
            output::or_dash(
                runtime
                    .runtime_type
                    .as_deref()
                    .map(plain::runtime_type)
                    .as_deref(),
            ),
            output::or_dash(runtime.compute_instance_name.as_deref()),
            output::or_dash(runtime.custom_app_name.as_deref()),
            output::or_dash(runtime.image_tag.as_deref()),
            output::or_dash(runtime.owner_name.as_deref()),
        ]);
    }
    table.print();
}

fn print_details(context: &Context, workspace_id: &str, details: &RuntimeDetails) {
    let summary = &details.summary;
    let mut lines: Vec<(&str, Option<String>)> = vec![
        ("status", Some(output::runtime_status(summary))),
        ("status message", details.status_message.clone()),
        ("error", details.error_message.clone()),
        (
            "type",
            summary.runtime_type.as_deref().map(plain::runtime_type),
        ),
        ("compute instance", summary.compute_instance_name.clone()),
        ("custom application", summary.custom_app_name.clone()),
        (
            "existing application",
            details
                .from_existing_custom_app
                .map(|existing| if existing { "yes" } else { "no" }.to_owned()),
        ),
        ("image", summary.docker_image.clone()),
        ("image tag", summary.image_tag.clone()),
        (
            "environment",
            Some(
                summary
                    .environment
                    .clone()
                    .unwrap_or_else(|| "default (latest runtime image)".into()),
            ),
        ),
        ("endpoint", details.endpoint_url.clone()),
        (
            "ports",
            match (details.published_port, details.target_port) {
                (None, None) => None,
                (published, target) => Some(format!(
                    "published {} → target {}",
                    output::or_dash(published.map(|p| p.to_string()).as_deref()),
                    output::or_dash(target.map(|p| p.to_string()).as_deref())
                )),
            },
        ),
        ("description", details.description.clone()),
        ("created by", summary.owner_name.clone()),
        ("created", summary.created_on.clone()),
        ("modified", summary.modified_on.clone()),
    ];
    lines.push(("studio", Some(context.studio_link(workspace_id))));
    println!("Runtime {}", summary.name);
    // The explanation comes first, the service's own words (status message, error) after it.
    match &details.diagnosis {
        Some(diagnosis) => {
            for line in crate::diagnosis::lines(diagnosis, "  ") {
                println!("{line}");
            }
        }
        None if details.has_failure => {
            println!("  {:<21} {}", "diagnosis", crate::diagnosis::UNRECOGNISED)
        }
        None => {}
    }
    for (label, value) in lines {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            println!("  {label:<21} {value}");
        }
    }
}

/// A create that an earlier run left under way: point at the commands that follow it.
fn in_flight_remedy(error: Error, name: &str) -> Error {
    let in_flight = error
        .details
        .as_ref()
        .and_then(|details| details.get("inFlight"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    if !in_flight {
        return error;
    }
    error.with_remedy(format!(
        "Do not create it again. Follow it with `pfrm runtime show {name}`, or wait for it to run with `pfrm operations resume`."
    ))
}
