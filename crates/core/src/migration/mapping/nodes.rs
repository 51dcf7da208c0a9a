//! Each node's mapping: what it is, what it becomes, the connections and credential-looking
//! inputs it uses, and the notes and gaps the developer needs; then embedding and vector
//! lookup nodes paired into context providers.

use std::collections::HashSet;

use serde_norway::Value;

use super::dag::Resolved;
use super::names::{env_prefix, executor_class, looks_secret};
use super::wiring::Wired;
use super::{
    ConnectionMapping, ContextProviderMapping, Gap, NodeKind, NodeMapping, SecretInput, Target,
};
use crate::migration::flow_yaml::FlowNode;

fn classify(node: &FlowNode) -> NodeKind {
    let kind = node.kind.as_deref().unwrap_or_default();
    let tool = node
        .source
        .as_ref()
        .and_then(|source| source.tool.as_deref())
        .unwrap_or_default();
    let builtin = tool.is_empty() || tool.starts_with("promptflow.tools.");
    let lookup = tool.starts_with("promptflow_vectordb.")
        || tool.contains("vector_db_lookup")
        || tool.contains("vector_index_lookup")
        || tool.contains("faiss_index_lookup")
        || tool.contains("index_lookup");
    if lookup {
        return NodeKind::VectorLookup;
    }
    if tool.starts_with("promptflow.tools.embedding") {
        return NodeKind::Embedding;
    }
    match kind {
        "llm" => NodeKind::Llm,
        "custom_llm" if builtin => NodeKind::Llm,
        "prompt" => NodeKind::Prompt,
        "python" if tool.is_empty() => NodeKind::Python,
        "python" if builtin => NodeKind::BuiltinTool,
        _ => NodeKind::CustomTool,
    }
}

fn target_of(kind: NodeKind) -> Target {
    match kind {
        NodeKind::Llm => Target::Agent,
        NodeKind::Python | NodeKind::Prompt | NodeKind::BuiltinTool => Target::ExecutorHandler,
        NodeKind::Embedding | NodeKind::VectorLookup => Target::ContextProvider,
        NodeKind::CustomTool => Target::NoDirectEquivalent,
    }
}

/// The nodes (in dependency order), the connections they use and the gaps they leave.
pub(super) fn map_nodes(
    ordered: &[Resolved],
    wired: &Wired,
) -> (Vec<NodeMapping>, Vec<ConnectionMapping>, Vec<Gap>) {
    let mut nodes = Vec::new();
    let mut connections: Vec<ConnectionMapping> = Vec::new();
    let mut gaps = Vec::new();
    for r in ordered {
        let node = &r.node;
        let kind = classify(node);
        let target = target_of(kind);
        let tool = node.source.as_ref().and_then(|s| s.tool.clone());
        let mut used_connections: Vec<String> = Vec::new();
        if let Some(connection) = &node.connection {
            used_connections.push(connection.clone());
        }
        for (key, value) in &node.inputs {
            let is_connection_input = key == "connection" || key.ends_with("_connection");
            if let (true, Value::String(text)) = (is_connection_input, value) {
                if !text.contains("${") && !used_connections.contains(text) {
                    used_connections.push(text.clone());
                }
            }
        }
        let mut secret_inputs = Vec::new();
        for (key, value) in &node.inputs {
            let literal =
                matches!(value, Value::String(text) if !text.contains("${") && !text.is_empty());
            if literal && looks_secret(key) {
                secret_inputs.push(SecretInput {
                    input: key.clone(),
                    variable: format!("{}_{}", env_prefix(&node.name), env_prefix(key)),
                });
            }
        }
        let mut notes = Vec::new();
        match kind {
            NodeKind::Llm => notes.push(format!(
                "Create the chat client lazily in the handler (agent-framework-openai or the Foundry package), {}.",
                match node.api.as_deref() {
                    Some(api) => format!("api '{api}'"),
                    None => "chat api".to_owned(),
                }
            )),
            NodeKind::Embedding => notes.push(
                "Embeds the query for a lookup: part of a context provider that adds the retrieved passages to the agent's context.".into(),
            ),
            NodeKind::VectorLookup => notes.push(
                "Retrieves passages: implement as a context provider (e.g. over Azure AI Search) and attach it to the agent.".into(),
            ),
            _ => {}
        }
        if !r.variants.is_empty() {
            notes.push(format!(
                "Has variants {}: the default '{}' is carried over; compare the others side by side before choosing.",
                r.variants.join(", "),
                r.variants[0]
            ));
        }
        if node.aggregation {
            notes.push("Aggregation node: runs once over every line's results.".into());
            gaps.push(Gap {
                subject: format!("node {}", node.name),
                what: "Evaluation flow aggregation (runs over all lines of a batch run)".into(),
                route: "Run the per-line workflow over the dataset and aggregate the results with the Azure AI Evaluation SDK's evaluate() (or your own code after the batch).".into(),
            });
        }
        if kind == NodeKind::CustomTool {
            gaps.push(Gap {
                subject: format!("node {}", node.name),
                what: format!(
                    "Custom tool package {}",
                    tool.clone()
                        .unwrap_or_else(|| format!("type '{}'", node.kind.clone().unwrap_or_default()))
                ),
                route: "Install the package and call its function from the Executor handler, or rewrite it as an Agent Framework function tool.".into(),
            });
        }
        for secret in &secret_inputs {
            gaps.push(Gap {
                subject: format!("node {}", node.name),
                what: format!("Input '{}' holds a literal that looks like a credential", secret.input),
                route: format!(
                    "Not carried over: the skeleton reads environment variable {}. Rotate the credential, since it was kept in the flow.",
                    secret.variable
                ),
            });
        }
        if let Some(note) = wired.join_notes.get(&node.name) {
            notes.push(note.trim().to_owned());
        }
        for connection in &used_connections {
            let prefix = env_prefix(connection);
            let variables = match kind {
                NodeKind::Llm | NodeKind::Embedding
                    if node.provider.as_deref() == Some("OpenAI") =>
                {
                    vec![format!("{prefix}_API_KEY")]
                }
                _ => vec![format!("{prefix}_ENDPOINT"), format!("{prefix}_API_KEY")],
            };
            match connections.iter_mut().find(|c| c.name == *connection) {
                Some(existing) => {
                    existing.used_by.push(node.name.clone());
                    for variable in variables {
                        if !existing.variables.contains(&variable) {
                            existing.variables.push(variable);
                        }
                    }
                }
                None => connections.push(ConnectionMapping {
                    name: connection.clone(),
                    used_by: vec![node.name.clone()],
                    variables,
                }),
            }
        }
        nodes.push(NodeMapping {
            name: node.name.clone(),
            node_type: node.kind.clone().unwrap_or_default(),
            tool,
            source_path: node.source.as_ref().and_then(|s| s.path.clone()),
            kind,
            target,
            executor_class: executor_class(&node.name),
            depends_on: r.deps.iter().cloned().collect(),
            reads_flow_inputs: r.flow_inputs.iter().cloned().collect(),
            activate: r.activate.clone(),
            condition_in_handler: wired.handler_conditions.contains(&node.name),
            aggregation: node.aggregation,
            variants: r.variants.clone(),
            connections: used_connections,
            secret_inputs,
            notes,
        });
    }
    let mut classes = HashSet::new();
    for node in &mut nodes {
        while !classes.insert(node.executor_class.clone()) {
            node.executor_class = node.executor_class.replace("Executor", "_Executor");
        }
    }
    (nodes, connections, gaps)
}

/// Embed Text + Vector Lookup → one context provider.
pub(super) fn context_providers(nodes: &[NodeMapping]) -> Vec<ContextProviderMapping> {
    let mut context_providers = Vec::new();
    for node in nodes.iter().filter(|n| n.kind == NodeKind::VectorLookup) {
        let embedding = node
            .depends_on
            .iter()
            .find(|dep| {
                nodes
                    .iter()
                    .any(|n| n.name == **dep && n.kind == NodeKind::Embedding)
            })
            .cloned();
        context_providers.push(ContextProviderMapping {
            embedding_node: embedding,
            lookup_node: node.name.clone(),
        });
    }
    context_providers
}
