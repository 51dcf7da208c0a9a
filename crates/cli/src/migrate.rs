//! `pfrm migrate …`: from a prompt flow to a Microsoft Agent Framework project. `audit` reads a
//! flow's `flow.dag.yaml` and prints its node-by-node mapping; `scaffold` writes the Agent
//! Framework skeleton. FLOW is a local folder (no sign-in needed) or a flow in the workspace
//! (its id or name), read from the flow service into a temporary folder first.

use std::path::PathBuf;

use clap::Subcommand;
use pfrm_core::migration::flow_yaml::FlowDefinition;
use pfrm_core::migration::mapping::{self, FlowAudit};
use pfrm_core::migration::retirement::{Clock, RetirementStatus};
use pfrm_core::migration::scaffold;
use pfrm_core::Error;

use crate::context::{Context, WorkspaceOption};
use crate::output::{print_json, Table};
use pfrm_core::migration::inventory::workspace_flow;

#[derive(Subcommand)]
pub enum MigrateCommand {
    /// Map a flow to Agent Framework: its DAG, what each node, edge, input, output and
    /// connection becomes, and what has no direct equivalent.
    Audit {
        /// A flow folder (with flow.dag.yaml), the flow.dag.yaml file, or a flow in the
        /// workspace (its id or name).
        #[arg(value_name = "FLOW")]
        path: PathBuf,
        #[command(flatten)]
        workspace: WorkspaceOption,
    },
    /// Generate an Agent Framework Python project from a flow: one Executor per node, a
    /// WorkflowBuilder wired like the flow, .env.example, requirements.txt and a README.
    Scaffold {
        /// A flow folder (with flow.dag.yaml), the flow.dag.yaml file, or a flow in the
        /// workspace (its id or name).
        #[arg(value_name = "FLOW")]
        path: PathBuf,
        #[command(flatten)]
        workspace: WorkspaceOption,
        /// The folder to write the project to (created; must not hold a workflow.py yet).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

impl MigrateCommand {
    fn path(&self) -> &PathBuf {
        match self {
            MigrateCommand::Audit { path, .. } | MigrateCommand::Scaffold { path, .. } => path,
        }
    }

    /// FLOW names something on this machine (a folder or file), or has a path's shape: it is
    /// read locally, with no sign-in. Otherwise it is a flow in the workspace.
    pub fn is_local(&self) -> bool {
        let path = self.path();
        path.exists() || path.components().count() > 1 || path.extension().is_some()
    }

    fn with_path(self, folder: PathBuf) -> MigrateCommand {
        match self {
            MigrateCommand::Audit { workspace, .. } => MigrateCommand::Audit {
                path: folder,
                workspace,
            },
            MigrateCommand::Scaffold { workspace, out, .. } => MigrateCommand::Scaffold {
                path: folder,
                workspace,
                out,
            },
        }
    }
}

/// Reads FLOW (an id or a name) from the workspace's flow service into a temporary folder,
/// then audits or scaffolds it like a local flow. The folder is removed afterwards.
pub async fn run_from_workspace(context: &Context, command: MigrateCommand) -> Result<(), Error> {
    let option = match &command {
        MigrateCommand::Audit { workspace, .. } | MigrateCommand::Scaffold { workspace, .. } => {
            workspace.clone()
        }
    };
    let workspace_id = context.workspace_id(&option).await?;
    // As in the app: a --out that would be refused is said before the flow is read.
    if let MigrateCommand::Scaffold { out, .. } = &command {
        scaffold::chosen_out_dir(out, current_dir().as_deref())?;
    }
    let given = command.path().to_string_lossy().into_owned();
    let scratch = tempfile::Builder::new()
        .prefix("pfrm-flow-")
        .tempdir()
        .map_err(|error| {
            Error::new(
                pfrm_core::ErrorCode::Config,
                format!("A temporary folder for the flow could not be made: {error}"),
            )
            .with_remedy("Check that the temporary folder (TMPDIR) is writable.")
        })?;
    let folder =
        workspace_flow::fetch_flow(&context.services, &workspace_id, &given, scratch.path())
            .await?;
    run(command.with_path(folder), context.json)
}

pub fn run(command: MigrateCommand, json: bool) -> Result<(), Error> {
    if !json {
        let status = RetirementStatus::on(Clock::from_env_or(None).today());
        eprintln!("notice: {}", status.notice());
    }
    match command {
        MigrateCommand::Audit { path, .. } => {
            let flow = FlowDefinition::read(&path)?;
            let audit = mapping::audit(&flow)?;
            if json {
                return print_json(&audit);
            }
            print_audit(&audit);
        }
        MigrateCommand::Scaffold { path, out, .. } => {
            let flow = FlowDefinition::read(&path)?;
            let audit = mapping::audit(&flow)?;
            let out = scaffold::chosen_out_dir(&out, current_dir().as_deref())?;
            let files = scaffold::generate(&flow, &audit)?;
            let result = scaffold::write(&out, &files, &audit)?;
            if json {
                return print_json(&result);
            }
            println!(
                "Wrote an Agent Framework project for {} to {}: {} executors, {} edge groups.",
                audit.name, result.out_dir, result.executors, result.edge_groups
            );
            for file in &result.files {
                println!("  {file}");
            }
            println!("Next: finish the handlers in executors.py, then validate side by side (README.md).");
        }
    }
    Ok(())
}

fn print_audit(audit: &FlowAudit) {
    println!(
        "Flow {} ({}), {}",
        audit.name,
        audit.kind.label(),
        audit.definition
    );
    let inputs: Vec<String> = audit
        .inputs
        .iter()
        .map(|input| format!("{} ({})", input.name, input.input_type))
        .collect();
    println!("Inputs: {}", or_none(&inputs));
    let outputs: Vec<String> = audit
        .outputs
        .iter()
        .map(|output| format!("{} ← {}", output.name, output.from))
        .collect();
    println!("Outputs: {}\n", or_none(&outputs));
    let mut table = Table::new(&["NODE", "TYPE", "BECOMES", "DEPENDS ON"]);
    for node in &audit.nodes {
        let node_type = match &node.tool {
            Some(tool) => format!("{} ({tool})", node.node_type),
            None => node.node_type.clone(),
        };
        let depends = if node.depends_on.is_empty() {
            "flow inputs".to_owned()
        } else {
            node.depends_on.join(", ")
        };
        table.row(vec![
            node.name.clone(),
            node_type,
            format!("{} {}", node.target.label(), node.executor_class),
            depends,
        ]);
    }
    table.print();
    println!("\nEdges:");
    for wiring in &audit.wiring {
        let condition = wiring
            .condition
            .as_ref()
            .map(|c| format!("  when {}", c.describe()))
            .unwrap_or_default();
        println!(
            "  {:<18} {} → {}{condition}",
            wiring.kind.label(),
            wiring.sources.join(", "),
            wiring.targets.join(", ")
        );
    }
    if !audit.context_providers.is_empty() {
        println!("\nContext providers:");
        for provider in &audit.context_providers {
            match &provider.embedding_node {
                Some(embedding) => println!("  {embedding} + {}", provider.lookup_node),
                None => println!("  {}", provider.lookup_node),
            }
        }
    }
    println!("\nConnections → environment variables:");
    if audit.connections.is_empty() {
        println!("  none");
    }
    for connection in &audit.connections {
        println!(
            "  {} → {} (used by {})",
            connection.name,
            connection.variables.join(", "),
            connection.used_by.join(", ")
        );
    }
    for node in audit.nodes.iter().filter(|n| !n.notes.is_empty()) {
        for note in &node.notes {
            println!("note: {}: {note}", node.name);
        }
    }
    if !audit.gaps.is_empty() {
        println!("\nNo direct equivalent:");
        for gap in &audit.gaps {
            println!("  {}: {}. Route: {}", gap.subject, gap.what, gap.route);
        }
    }
}

fn or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// The folder a relative --out is taken from (none when it cannot be read: a relative --out is
/// then refused with what to type instead).
fn current_dir() -> Option<std::path::PathBuf> {
    std::env::current_dir().ok()
}
