//! The mapping table (the README's and the CLI's): one row per input, node, edge group that
//! is more than a single edge, output and connection.

use super::{Condition, EdgeKind, FlowAudit, MappingRow};

pub(super) fn table(audit: &FlowAudit) -> Vec<MappingRow> {
    let mut rows = Vec::new();
    for input in &audit.inputs {
        let role = if input.is_chat_input {
            " (chat input)"
        } else if input.is_chat_history {
            " (chat history)"
        } else {
            ""
        };
        rows.push(MappingRow {
            prompt_flow: format!("flow input `{}`: {}{role}", input.name, input.input_type),
            agent_framework: format!("`FlowInputs[\"{}\"]`: {}", input.name, input.python_type),
            note: "The workflow's input type (a TypedDict), taken by the start executor.".into(),
        });
    }
    for node in &audit.nodes {
        let what = node.describe();
        let context = audit.context_providers.iter().find(|c| {
            c.lookup_node == node.name || c.embedding_node.as_deref() == Some(&node.name)
        });
        let mut note = node.notes.join(" ");
        if let Some(context) = context {
            if let Some(embedding) = &context.embedding_node {
                note = format!(
                    "Embed Text `{embedding}` + Vector Lookup `{}` together: one context provider. {note}",
                    context.lookup_node
                );
            }
        }
        rows.push(MappingRow {
            prompt_flow: what,
            agent_framework: format!("{}: `{}`", node.target.label(), node.executor_class),
            note: note.trim().to_owned(),
        });
    }
    for wiring in &audit.wiring {
        let (prompt_flow, note) = match wiring.kind {
            EdgeKind::Single => continue,
            EdgeKind::Conditional => (
                format!("`activate` of `{}`", wiring.targets.join("`, `")),
                format!(
                    "Runs only when {}.",
                    wiring
                        .condition
                        .as_ref()
                        .map(Condition::describe)
                        .unwrap_or_default()
                ),
            ),
            EdgeKind::FanOut => (
                format!("independent nodes after `{}`", wiring.sources[0]),
                "They run side by side.".to_owned(),
            ),
            EdgeKind::FanIn => (
                format!("merge into `{}`", wiring.targets[0]),
                "Waits for every source; the handler receives a list.".to_owned(),
            ),
            EdgeKind::JoinBranches => (
                format!("merge of conditional branches into `{}`", wiring.targets[0]),
                "Plain edges: only the branch that ran sends, so a fan-in would wait forever."
                    .to_owned(),
            ),
        };
        rows.push(MappingRow {
            prompt_flow,
            agent_framework: format!(
                "{} edge: {} → {}",
                wiring.kind.label(),
                wiring.sources.join(", "),
                wiring.targets.join(", ")
            ),
            note,
        });
    }
    for output in &audit.outputs {
        rows.push(MappingRow {
            prompt_flow: format!("flow output `{}` = {}", output.name, output.reference),
            agent_framework: format!("`FlowOutputs[\"{}\"]`: {}", output.name, output.python_type),
            note: "Yielded by the terminal executor (`ctx.yield_output`).".into(),
        });
    }
    for connection in &audit.connections {
        rows.push(MappingRow {
            prompt_flow: format!("connection `{}`", connection.name),
            agent_framework: format!("environment variables {}", connection.variables.join(", ")),
            note: format!(
                "Used by {}. Names only in .env.example; prefer a managed identity over keys.",
                connection.used_by.join(", ")
            ),
        });
    }
    rows
}
