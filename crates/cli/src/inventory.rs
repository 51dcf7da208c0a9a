//! `pfrm inventory`: what prompt flow is left in the chosen workspaces (or all of them), with
//! what costs money now, as Markdown, CSV or JSON.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pfrm_core::migration::inventory::export::{self, ExportFormat};
use pfrm_core::migration::inventory::take_inventory;
use pfrm_core::Error;

use crate::context::{Context, WorkspaceOption};

/// Exit code: the inventory is printed, but some workspaces or parts of them could not be read.
pub const EXIT_PARTIAL: i32 = 22;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Md,
}

#[derive(Args)]
#[command(after_help = "\
Exit codes: 0 every workspace was read; 22 the inventory is printed but some workspaces or parts
of them could not be read (stderr says which); other codes as for every pfrm command.")]
pub struct InventoryArgs {
    /// Every workspace in your subscriptions (default: the --workspace ones, or the last used).
    #[arg(long, conflicts_with = "workspaces")]
    all_workspaces: bool,
    /// A workspace to include (repeat for several).
    #[arg(long = "workspace", short = 'w', value_name = "WORKSPACE")]
    workspaces: Vec<String>,
    /// Output format (default: md; json with --json).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Workspaces (and requests per workspace) read at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    max_parallel: u16,
}

pub async fn run(context: &Context, args: InventoryArgs) -> Result<i32, Error> {
    let max_parallel = usize::from(args.max_parallel);
    let ids = if args.all_workspaces {
        let listing =
            pfrm_core::ops::workspaces::list_workspaces(&context.services, max_parallel).await?;
        for problem in &listing.problems {
            eprintln!(
                "warning: subscription {} could not be listed: {}",
                problem.subscription_id, problem.error.message
            );
        }
        listing.workspaces.into_iter().map(|w| w.id).collect()
    } else if args.workspaces.is_empty() {
        vec![context.workspace_id(&WorkspaceOption::default()).await?]
    } else {
        let mut ids = Vec::new();
        for workspace in &args.workspaces {
            let option = WorkspaceOption {
                workspace: Some(workspace.clone()),
            };
            ids.push(context.workspace_id(&option).await?);
        }
        ids
    };
    eprintln!("Taking stock of {} workspace(s)…", ids.len());
    let inventory = take_inventory(&context.services, &ids, max_parallel).await;
    let format = match args.format {
        Some(Format::Json) => ExportFormat::Json,
        Some(Format::Csv) => ExportFormat::Csv,
        Some(Format::Md) => ExportFormat::Markdown,
        None if context.json => ExportFormat::Json,
        None => ExportFormat::Markdown,
    };
    let text = export::render(&inventory, format)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|error| {
                Error::new(
                    pfrm_core::ErrorCode::Config,
                    format!("{} could not be written: {error}", path.display()),
                )
                .with_remedy("Choose a writable folder with --out.")
            })?;
            eprintln!(
                "Wrote the inventory ({} items, {} costing money now) to {}.",
                inventory.items.len(),
                inventory.running,
                path.display()
            );
        }
        None => print!("{text}"),
    }
    for problem in &inventory.problems {
        eprintln!(
            "warning: {} ({}) could not be read: {}",
            problem.workspace_id, problem.part, problem.error.message
        );
    }
    if !args.all_workspaces {
        context.remember_workspace();
    }
    Ok(if inventory.problems.is_empty() {
        0
    } else {
        EXIT_PARTIAL
    })
}
