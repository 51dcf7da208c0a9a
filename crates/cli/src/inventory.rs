//! `pfrm inventory`: what prompt flow is left in the chosen workspaces (or all of them), with
//! what costs money now, as Markdown, CSV or JSON.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pfrm_core::migration::inventory::export::{self, ExportFormat};
use pfrm_core::migration::inventory::{take_stock, InventoryScope};
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
    /// Write to this file instead of standard output; in a folder, as
    /// prompt-flow-inventory-DATE.EXT (a new name when that one is taken).
    #[arg(long, value_name = "FILE|DIR")]
    out: Option<PathBuf>,
    /// Workspaces (and requests per workspace) read at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    max_parallel: u16,
}

pub async fn run(context: &Context, args: InventoryArgs) -> Result<i32, Error> {
    let scope = if args.all_workspaces {
        InventoryScope::AllWorkspaces
    } else if args.workspaces.is_empty() {
        InventoryScope::Chosen(vec![
            context.workspace_id(&WorkspaceOption::default()).await?,
        ])
    } else {
        let mut ids = Vec::new();
        for workspace in &args.workspaces {
            let option = WorkspaceOption {
                workspace: Some(workspace.clone()),
            };
            ids.push(context.workspace_id(&option).await?);
        }
        InventoryScope::Chosen(ids)
    };
    let inventory = take_stock(&context.services, scope, usize::from(args.max_parallel)).await;
    // The progress display draws every 100 ms: an inventory that ends sooner would otherwise
    // leave no line of it (nor its ✓) before the result.
    crate::progress::settle();
    let inventory = inventory?;
    let format = match args.format {
        Some(Format::Json) => ExportFormat::Json,
        Some(Format::Csv) => ExportFormat::Csv,
        Some(Format::Md) => ExportFormat::Markdown,
        None if context.json => ExportFormat::Json,
        None => ExportFormat::Markdown,
    };
    match &args.out {
        Some(out) => {
            let path = export::save(&inventory, format, out)?;
            eprintln!(
                "Wrote the inventory ({} items, {} costing money now) to {}.",
                inventory.items.len(),
                inventory.running,
                path.display()
            );
        }
        None => print!("{}", export::render(&inventory, format)?),
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
