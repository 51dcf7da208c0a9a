//! A flow's DAG and its mapping to Microsoft Agent Framework, node by node and edge by edge,
//! following Microsoft's concept mapping:
//!
//! | prompt flow | Agent Framework |
//! |---|---|
//! | LLM node | an agent (a chat client's agent, called from an executor) |
//! | Python and prompt nodes | an `Executor` handler |
//! | Embed Text + Vector Lookup | a context provider |
//! | `activate` (if-conditions) | conditional edges |
//! | independent nodes | fan-out edges |
//! | merges | fan-in edges |
//! | flow inputs and outputs | the workflow's input and output types |
//! | connections | environment variables |
//!
//! The DAG comes from `${node.output}` references and `activate.when`, never from the order the
//! nodes are listed in. Branches that only run under a condition join with plain edges, since a
//! fan-in waits for every source and a branch that did not run never sends.
//!
//! - `types`: what the audit reports;
//! - `references`, `variants`, `dag`: the DAG, from references and `activate`;
//! - `flow_io`, `wiring`, `nodes`: the inputs and outputs, the edges, each node's mapping;
//! - `names`, `values`: class, variable and type names of the generated project;
//! - `table`: the mapping table.

mod dag;
mod flow_io;
mod names;
mod nodes;
mod references;
mod table;
mod types;
mod values;
mod variants;
mod wiring;

pub use names::{env_prefix, executor_class};
pub use types::*;
pub(crate) use values::yaml_to_json;
pub(crate) use variants::effective_node;

use crate::error::Result;
use crate::migration::flow_yaml::FlowDefinition;

/// The workflow's start executor: it takes the flow's inputs.
pub const START_ID: &str = "flow_inputs";
/// The workflow's terminal executor: it yields the flow's outputs.
pub const END_ID: &str = "flow_outputs";

/// Reads a flow's DAG and maps it.
pub fn audit(flow: &FlowDefinition) -> Result<FlowAudit> {
    let resolved = dag::resolve(flow)?;
    let ordered = dag::dependency_order(flow, resolved)?;
    let guards = dag::guards(&ordered);
    let (outputs, end_preds) = flow_io::outputs(flow, &ordered)?;
    let wired = wiring::wire(&ordered, &guards, end_preds);
    let (nodes, connections, gaps) = nodes::map_nodes(&ordered, &wired);
    let context_providers = nodes::context_providers(&nodes);
    let kind = if nodes.iter().any(|n| n.aggregation) {
        FlowKind::Evaluation
    } else if flow
        .inputs
        .values()
        .any(|i| i.is_chat_input || i.is_chat_history)
        || flow.outputs.values().any(|o| o.is_chat_output)
    {
        FlowKind::Chat
    } else {
        FlowKind::Standard
    };
    let inputs = flow_io::inputs(flow);
    let name = flow
        .folder()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "flow".into());
    let mut audit = FlowAudit {
        name,
        definition: flow.path.display().to_string(),
        kind,
        inputs,
        outputs,
        nodes,
        wiring: wired.wiring,
        connections,
        context_providers,
        gaps,
        table: Vec::new(),
    };
    audit.table = table::table(&audit);
    Ok(audit)
}

#[cfg(test)]
mod tests;
