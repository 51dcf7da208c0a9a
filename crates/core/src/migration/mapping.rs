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

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_norway::Value;
use ts_rs::TS;

use super::flow_yaml::{FlowDefinition, FlowNode};
use crate::error::Result;

/// The workflow's start executor: it takes the flow's inputs.
pub const START_ID: &str = "flow_inputs";
/// The workflow's terminal executor: it yields the flow's outputs.
pub const END_ID: &str = "flow_outputs";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FlowKind {
    Standard,
    Chat,
    Evaluation,
}

impl FlowKind {
    pub fn label(self) -> &'static str {
        match self {
            FlowKind::Standard => "standard flow",
            FlowKind::Chat => "chat flow",
            FlowKind::Evaluation => "evaluation flow",
        }
    }
}

/// What a node is, for the mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum NodeKind {
    Llm,
    Python,
    Prompt,
    /// A built-in `promptflow.tools` tool other than LLM and embedding (e.g. SerpAPI).
    BuiltinTool,
    Embedding,
    VectorLookup,
    /// A tool from a custom tool package: no direct equivalent.
    CustomTool,
}

/// What a node becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    Agent,
    ExecutorHandler,
    ContextProvider,
    /// No direct equivalent: see the node's route.
    NoDirectEquivalent,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::Agent => "agent (chat client) in an Executor",
            Target::ExecutorHandler => "Executor handler",
            Target::ContextProvider => "context provider",
            Target::NoDirectEquivalent => "no direct equivalent",
        }
    }
}

/// `activate: {when: ${source.output[.path]}, is: value}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub source: String,
    /// Fields below `output` (`${classify.output.category}` → `["category"]`).
    pub path: Vec<String>,
    /// The value as JSON text (`"\"yes\""`, `true`, `3`).
    pub equals_json: String,
}

impl Condition {
    pub fn describe(&self) -> String {
        let mut subject = if self.source == START_ID {
            "inputs".to_owned()
        } else {
            format!("{}.output", self.source)
        };
        for field in &self.path {
            subject.push('.');
            subject.push_str(field);
        }
        format!("{subject} == {}", self.equals_json)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NodeMapping {
    pub name: String,
    /// As written (`llm`, `python`, `prompt`, a custom type), from the default variant when
    /// the node uses variants.
    pub node_type: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The code or prompt file (`source.path`).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_path: Option<String>,
    pub kind: NodeKind,
    pub target: Target,
    /// The generated Python class.
    pub executor_class: String,
    /// Nodes whose output this node reads or whose output activates it (sorted).
    pub depends_on: Vec<String>,
    /// Reads flow inputs.
    pub reads_flow_inputs: Vec<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate: Option<Condition>,
    /// The condition cannot sit on an edge (the node has several sources, or its one source
    /// is not the node the condition reads), so the handler checks it.
    pub condition_in_handler: bool,
    /// Runs once over all lines (evaluation flows).
    pub aggregation: bool,
    /// Variant ids when the node uses variants; the default one first.
    pub variants: Vec<String>,
    /// Connections the node uses.
    pub connections: Vec<String>,
    /// Inputs holding a literal that looks like a secret: never carried over, each becomes
    /// an environment variable (`input → VARIABLE`).
    pub secret_inputs: Vec<SecretInput>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretInput {
    pub input: String,
    pub variable: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    /// `add_edge(source, target)`.
    Single,
    /// `add_edge(source, target, condition=…)`: the target's `activate`.
    Conditional,
    /// `add_fan_out_edges(source, targets)`: independent nodes run side by side.
    FanOut,
    /// `add_fan_in_edges(sources, target)`: the target waits for every source.
    FanIn,
    /// Plain `add_edge`s from branches that may not run (conditions) into the node that merges
    /// them: a fan-in would wait forever for the branch that did not run.
    JoinBranches,
}

impl EdgeKind {
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Single => "edge",
            EdgeKind::Conditional => "conditional",
            EdgeKind::FanOut => "fan-out",
            EdgeKind::FanIn => "fan-in",
            EdgeKind::JoinBranches => "join (plain edges)",
        }
    }
}

/// One edge group of the generated `WorkflowBuilder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Wiring {
    pub kind: EdgeKind,
    pub sources: Vec<String>,
    pub targets: Vec<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InputMapping {
    pub name: String,
    pub input_type: String,
    /// The Python type in the generated `FlowInputs`.
    pub python_type: String,
    pub is_chat_input: bool,
    pub is_chat_history: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutputMapping {
    pub name: String,
    pub output_type: String,
    pub python_type: String,
    /// `${node.output}` as written.
    pub reference: String,
    /// The node (or [`START_ID`] for a flow input) it comes from.
    pub from: String,
    pub is_chat_output: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionMapping {
    pub name: String,
    pub used_by: Vec<String>,
    /// Environment variable names (never values).
    pub variables: Vec<String>,
}

/// An embedding node feeding a vector lookup: together one context provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContextProviderMapping {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding_node: Option<String>,
    pub lookup_node: String,
}

/// Something with no direct Agent Framework equivalent, and the suggested route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Gap {
    pub subject: String,
    pub what: String,
    pub route: String,
}

/// One row of the mapping table (the README's and the CLI's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MappingRow {
    pub prompt_flow: String,
    pub agent_framework: String,
    pub note: String,
}

/// Everything `pfrm migrate audit` reports about a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FlowAudit {
    /// The flow's folder name.
    pub name: String,
    /// The definition file read.
    pub definition: String,
    pub kind: FlowKind,
    pub inputs: Vec<InputMapping>,
    pub outputs: Vec<OutputMapping>,
    /// In dependency order (a node after every node it depends on).
    pub nodes: Vec<NodeMapping>,
    pub wiring: Vec<Wiring>,
    pub connections: Vec<ConnectionMapping>,
    pub context_providers: Vec<ContextProviderMapping>,
    pub gaps: Vec<Gap>,
    pub table: Vec<MappingRow>,
}

impl FlowAudit {
    pub fn node(&self, name: &str) -> Option<&NodeMapping> {
        self.nodes.iter().find(|node| node.name == name)
    }
}

/// A `${…}` reference inside a node input or an output.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reference {
    FlowInput(String),
    Node { name: String, path: Vec<String> },
}

/// Every `${…}` in `text`.
fn references(text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = after[..end].trim();
        let mut parts = inner.split('.').map(str::trim);
        if let Some(head) = parts.next() {
            let tail: Vec<String> = parts.map(str::to_owned).collect();
            if head == "inputs" {
                if let Some(name) = tail.first() {
                    found.push(Reference::FlowInput(name.clone()));
                }
            } else if !head.is_empty() {
                let path = match tail.split_first() {
                    Some((first, rest)) if first == "output" => rest.to_vec(),
                    _ => tail,
                };
                found.push(Reference::Node {
                    name: head.to_owned(),
                    path,
                });
            }
        }
        rest = &after[end + 1..];
    }
    found
}

fn value_references(value: &Value, into: &mut Vec<Reference>) {
    match value {
        Value::String(text) => into.extend(references(text)),
        Value::Sequence(items) => items.iter().for_each(|item| value_references(item, into)),
        Value::Mapping(map) => map.values().for_each(|item| value_references(item, into)),
        Value::Tagged(tagged) => value_references(&tagged.value, into),
        _ => {}
    }
}

/// A node as it runs: the default variant's type, inputs and connection when it uses variants.
pub(crate) fn effective_node(
    flow: &FlowDefinition,
    node: &FlowNode,
) -> Result<(FlowNode, Vec<String>)> {
    if !node.use_variants {
        return Ok((node.clone(), Vec::new()));
    }
    let variants = flow.node_variants.get(&node.name).ok_or_else(|| {
        flow.error_at(
            flow.line_of_node(&node.name),
            &format!(
                "node '{}' says use_variants, but node_variants has no entry for it",
                node.name
            ),
        )
    })?;
    let default = variants
        .variants
        .get(&variants.default_variant_id)
        .ok_or_else(|| {
            flow.error_at(
                flow.line_containing(&format!(
                    "default_variant_id: {}",
                    variants.default_variant_id
                )),
                &format!(
                    "the default variant '{}' of node '{}' is not among its variants",
                    variants.default_variant_id, node.name
                ),
            )
        })?;
    let mut ids = vec![variants.default_variant_id.clone()];
    ids.extend(
        variants
            .variants
            .keys()
            .filter(|id| **id != variants.default_variant_id)
            .cloned(),
    );
    let mut merged = default.node.clone();
    merged.name = node.name.clone();
    merged.activate = node.activate.clone().or(merged.activate);
    merged.aggregation = node.aggregation || merged.aggregation;
    for (key, value) in &node.inputs {
        merged
            .inputs
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    Ok((merged, ids))
}

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

/// `answer_question` → `AnswerQuestionExecutor`.
pub fn executor_class(name: &str) -> String {
    let mut class = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                class.push(c.to_ascii_uppercase());
            } else {
                class.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if class.is_empty() || class.starts_with(|c: char| c.is_ascii_digit()) {
        class.insert_str(0, "Node");
    }
    class.push_str("Executor");
    class
}

/// `open_ai_connection` → `OPEN_AI_CONNECTION`.
pub fn env_prefix(name: &str) -> String {
    let mut prefix: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        prefix.insert(0, '_');
    }
    prefix
}

/// Input names whose literal value would be a credential (`api_key`, `password`, …).
fn looks_secret(input: &str) -> bool {
    let input = input.to_ascii_lowercase();
    [
        "key",
        "secret",
        "password",
        "token",
        "api_key",
        "access_key",
        "sas",
    ]
    .iter()
    .any(|word| input == *word || input.ends_with(&format!("_{word}")))
        || input.contains("password")
        || input.contains("secret")
}

fn python_type(flow_type: &str) -> &'static str {
    match flow_type {
        "string" => "str",
        "int" => "int",
        "double" | "float" => "float",
        "bool" => "bool",
        "list" => "list[Any]",
        "object" => "dict[str, Any]",
        _ => "Any",
    }
}

fn value_json(value: &Value) -> String {
    serde_json::to_string(&yaml_to_json(value)).unwrap_or_else(|_| "null".into())
}

/// YAML values as JSON (tags dropped, non-string keys stringified).
pub(crate) fn yaml_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(flag) => serde_json::Value::Bool(*flag),
        Value::Number(number) => {
            serde_json::from_str(&number.to_string()).unwrap_or(serde_json::Value::Null)
        }
        Value::String(text) => serde_json::Value::String(text.clone()),
        Value::Sequence(items) => items.iter().map(yaml_to_json).collect(),
        Value::Mapping(map) => map
            .iter()
            .map(|(key, value)| {
                let key = match key {
                    Value::String(text) => text.clone(),
                    other => value_json(other),
                };
                (key, yaml_to_json(value))
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}

/// Guards: the conditions under which a node runs, as `(source, path, value)`.
type Guard = (String, Vec<String>, String);

/// A node to wire (or the terminal executor): its sources, its own condition and its guards.
type WiringTarget = (String, BTreeSet<String>, Option<Condition>, BTreeSet<Guard>);

/// Reads a flow's DAG and maps it.
pub fn audit(flow: &FlowDefinition) -> Result<FlowAudit> {
    let node_names: HashSet<&str> = flow.nodes.iter().map(|node| node.name.as_str()).collect();
    let mut seen = HashSet::new();
    for node in &flow.nodes {
        if !seen.insert(node.name.as_str()) {
            return Err(flow.error_at(
                flow.line_of_node(&node.name),
                &format!("two nodes are named '{}'", node.name),
            ));
        }
        if node.name == START_ID || node.name == END_ID {
            return Err(flow.error_at(
                flow.line_of_node(&node.name),
                &format!("a node may not be named '{}'", node.name),
            ));
        }
    }
    // Each node as it runs, with its dependencies.
    struct Resolved {
        node: FlowNode,
        variants: Vec<String>,
        deps: BTreeSet<String>,
        flow_inputs: BTreeSet<String>,
        activate: Option<Condition>,
    }
    let mut resolved: Vec<Resolved> = Vec::new();
    for declared in &flow.nodes {
        let (node, variants) = effective_node(flow, declared)?;
        let mut refs = Vec::new();
        for value in node.inputs.values() {
            value_references(value, &mut refs);
        }
        let activate = match &node.activate {
            Some(activate) => {
                let when = references(&activate.when);
                match when.as_slice() {
                    [Reference::Node { name, path }] => {
                        refs.push(Reference::Node {
                            name: name.clone(),
                            path: path.clone(),
                        });
                        Some(Condition {
                            source: name.clone(),
                            path: path.clone(),
                            equals_json: value_json(&activate.is),
                        })
                    }
                    [Reference::FlowInput(input)] => {
                        refs.push(Reference::FlowInput(input.clone()));
                        Some(Condition {
                            source: START_ID.to_owned(),
                            path: vec![input.clone()],
                            equals_json: value_json(&activate.is),
                        })
                    }
                    _ => {
                        return Err(flow.error_at(
                            flow.line_containing(&activate.when),
                            &format!(
                                "node '{}': activate.when must be one ${{node.output}} or ${{inputs.x}} reference, got '{}'",
                                node.name, activate.when
                            ),
                        ))
                    }
                }
            }
            None => None,
        };
        let mut deps = BTreeSet::new();
        let mut flow_inputs = BTreeSet::new();
        for reference in refs {
            match reference {
                Reference::FlowInput(input) => {
                    if !flow.inputs.contains_key(&input) {
                        return Err(flow.error_at(
                            flow.line_containing(&format!("${{inputs.{input}"))
                                .or_else(|| flow.line_of_node(&node.name)),
                            &format!(
                                "node '{}' reads flow input '{input}', which the flow does not declare",
                                node.name
                            ),
                        ));
                    }
                    flow_inputs.insert(input);
                }
                Reference::Node { name, .. } => {
                    if !node_names.contains(name.as_str()) {
                        return Err(flow.error_at(
                            flow.line_containing(&format!("${{{name}."))
                                .or_else(|| flow.line_containing(&format!("${{{name}}}")))
                                .or_else(|| flow.line_of_node(&node.name)),
                            &format!(
                                "node '{}' refers to '{name}', which is not a node of this flow",
                                node.name
                            ),
                        ));
                    }
                    if name == node.name {
                        return Err(flow.error_at(
                            flow.line_of_node(&node.name),
                            &format!("node '{}' refers to its own output", node.name),
                        ));
                    }
                    deps.insert(name);
                }
            }
        }
        resolved.push(Resolved {
            node,
            variants,
            deps,
            flow_inputs,
            activate,
        });
    }

    // Dependency order (Kahn), ties broken by listing order so reports are stable.
    let mut remaining: Vec<usize> = resolved.iter().map(|r| r.deps.len()).collect();
    let mut order = Vec::new();
    let mut done = vec![false; resolved.len()];
    while order.len() < resolved.len() {
        let Some(next) = (0..resolved.len()).find(|&i| !done[i] && remaining[i] == 0) else {
            let stuck: Vec<&str> = (0..resolved.len())
                .filter(|&i| !done[i])
                .map(|i| resolved[i].node.name.as_str())
                .collect();
            return Err(flow.error_at(
                flow.line_of_node(stuck[0]),
                &format!(
                    "the nodes {} depend on each other in a cycle",
                    stuck.join(", ")
                ),
            ));
        };
        done[next] = true;
        order.push(next);
        for (i, other) in resolved.iter().enumerate() {
            if other.deps.contains(&resolved[next].node.name) {
                remaining[i] -= 1;
            }
        }
    }

    // Guards: a node runs under its own condition and under every condition all of its
    // upstream nodes share.
    let mut guards: HashMap<String, BTreeSet<Guard>> = HashMap::new();
    for &i in &order {
        let r = &resolved[i];
        let mut own: BTreeSet<Guard> = BTreeSet::new();
        if let Some(condition) = &r.activate {
            own.insert((
                condition.source.clone(),
                condition.path.clone(),
                condition.equals_json.clone(),
            ));
        }
        let inherited = r
            .deps
            .iter()
            .map(|dep| guards.get(dep).cloned().unwrap_or_default())
            .reduce(|a, b| a.intersection(&b).cloned().collect())
            .unwrap_or_default();
        own.extend(inherited);
        guards.insert(r.node.name.clone(), own);
    }

    // Outputs.
    let mut outputs = Vec::new();
    let mut end_preds: BTreeSet<String> = BTreeSet::new();
    for (name, output) in &flow.outputs {
        let reference = output.reference.clone().unwrap_or_default();
        let from = match references(&reference).first() {
            Some(Reference::Node { name: node, .. }) => {
                if !node_names.contains(node.as_str()) {
                    return Err(flow.error_at(
                        flow.line_containing(&reference),
                        &format!(
                            "output '{name}' refers to '{node}', which is not a node of this flow"
                        ),
                    ));
                }
                node.clone()
            }
            Some(Reference::FlowInput(_)) => START_ID.to_owned(),
            None => {
                return Err(flow.error_at(
                    flow.line_containing(&format!("{name}:")),
                    &format!("output '{name}' has no ${{node.output}} reference"),
                ))
            }
        };
        end_preds.insert(from.clone());
        let output_type = output.kind.clone().unwrap_or_else(|| "string".into());
        outputs.push(OutputMapping {
            name: name.clone(),
            python_type: python_type(&output_type).to_owned(),
            output_type,
            reference,
            from,
            is_chat_output: output.is_chat_output,
        });
    }
    let has_successor: HashSet<&str> = resolved
        .iter()
        .flat_map(|r| r.deps.iter().map(String::as_str))
        .collect();
    if end_preds.is_empty() {
        // No outputs: the workflow ends where the flow's last nodes end.
        end_preds = resolved
            .iter()
            .map(|r| r.node.name.clone())
            .filter(|name| !has_successor.contains(name.as_str()))
            .collect();
        if end_preds.is_empty() {
            end_preds.insert(START_ID.to_owned());
        }
    }
    if end_preds.len() > 1 {
        end_preds.remove(START_ID);
    }

    // Wiring: each target's incoming edges, then fan-outs per source.
    let mut wiring = Vec::new();
    let mut plain_by_source: Vec<(String, String)> = Vec::new();
    let mut targets: Vec<WiringTarget> = order
        .iter()
        .map(|&i| {
            let r = &resolved[i];
            let preds = if r.deps.is_empty() {
                BTreeSet::from([START_ID.to_owned()])
            } else {
                r.deps.clone()
            };
            (
                r.node.name.clone(),
                preds,
                r.activate.clone(),
                guards.get(&r.node.name).cloned().unwrap_or_default(),
            )
        })
        .collect();
    targets.push((END_ID.to_owned(), end_preds, None, BTreeSet::new()));
    let mut join_notes: HashMap<String, String> = HashMap::new();
    let mut handler_conditions: HashSet<String> = HashSet::new();
    for (target, preds, activate, target_guards) in &targets {
        let preds: Vec<String> = preds.iter().cloned().collect();
        if preds.len() == 1 {
            let source = &preds[0];
            match activate {
                Some(condition) if condition.source == *source => wiring.push(Wiring {
                    kind: EdgeKind::Conditional,
                    sources: vec![source.clone()],
                    targets: vec![target.clone()],
                    condition: Some(condition.clone()),
                }),
                Some(condition) => {
                    handler_conditions.insert(target.clone());
                    join_notes.insert(
                        target.clone(),
                        format!(
                            "Its condition ({}) is checked in the handler: the edge comes from {source}, not from the node the condition reads.",
                            condition.describe()
                        ),
                    );
                    plain_by_source.push((source.clone(), target.clone()));
                }
                None => plain_by_source.push((source.clone(), target.clone())),
            }
            continue;
        }
        let may_not_run: Vec<&String> = preds
            .iter()
            .filter(|pred| {
                guards
                    .get(*pred)
                    .is_some_and(|g| !g.is_subset(target_guards))
            })
            .collect();
        if may_not_run.is_empty() {
            wiring.push(Wiring {
                kind: EdgeKind::FanIn,
                sources: preds.clone(),
                targets: vec![target.clone()],
                condition: None,
            });
        } else {
            join_notes.insert(
                target.clone(),
                format!(
                    "Joins branches that run only under a condition ({}): wired with plain edges, because a fan-in would wait forever for a branch that did not run. The handler runs once per arriving branch.",
                    may_not_run
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            wiring.push(Wiring {
                kind: EdgeKind::JoinBranches,
                sources: preds.clone(),
                targets: vec![target.clone()],
                condition: None,
            });
        }
        if let Some(condition) = activate {
            handler_conditions.insert(target.clone());
            join_notes
                .entry(target.clone())
                .or_default()
                .push_str(&format!(
                    " Its condition ({}) is checked in the handler: a condition cannot sit on a fan-in.",
                    condition.describe()
                ));
        }
    }
    // Plain single edges, grouped by source: two or more from one source are a fan-out.
    let mut sources_in_order: Vec<String> = Vec::new();
    for (source, _) in &plain_by_source {
        if !sources_in_order.contains(source) {
            sources_in_order.push(source.clone());
        }
    }
    for source in sources_in_order {
        let outgoing: Vec<String> = plain_by_source
            .iter()
            .filter(|(s, _)| *s == source)
            .map(|(_, t)| t.clone())
            .collect();
        if outgoing.len() > 1 {
            wiring.push(Wiring {
                kind: EdgeKind::FanOut,
                sources: vec![source],
                targets: outgoing,
                condition: None,
            });
        } else {
            wiring.push(Wiring {
                kind: EdgeKind::Single,
                sources: vec![source],
                targets: outgoing,
                condition: None,
            });
        }
    }
    wiring.sort_by_key(|w| {
        let position = |name: &str| {
            if name == START_ID {
                0
            } else if name == END_ID {
                usize::MAX
            } else {
                order
                    .iter()
                    .position(|&i| resolved[i].node.name == name)
                    .map_or(usize::MAX - 1, |p| p + 1)
            }
        };
        (
            w.targets.iter().map(|t| position(t)).min().unwrap_or(0),
            w.sources.iter().map(|s| position(s)).min().unwrap_or(0),
        )
    });

    // Nodes, connections, gaps.
    let mut nodes = Vec::new();
    let mut connections: Vec<ConnectionMapping> = Vec::new();
    let mut gaps = Vec::new();
    for &i in &order {
        let r = &resolved[i];
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
        if let Some(note) = join_notes.get(&node.name) {
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
            condition_in_handler: handler_conditions.contains(&node.name),
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

    // Embed Text + Vector Lookup → one context provider.
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
    let inputs: Vec<InputMapping> = flow
        .inputs
        .iter()
        .map(|(name, input)| {
            let input_type = input.kind.clone().unwrap_or_else(|| "string".into());
            InputMapping {
                name: name.clone(),
                python_type: python_type(&input_type).to_owned(),
                input_type,
                is_chat_input: input.is_chat_input,
                is_chat_history: input.is_chat_history,
            }
        })
        .collect();
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
        wiring,
        connections,
        context_providers,
        gaps,
        table: Vec::new(),
    };
    audit.table = table(&audit);
    Ok(audit)
}

fn table(audit: &FlowAudit) -> Vec<MappingRow> {
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
        let what = match &node.tool {
            Some(tool) => format!("{} node `{}` ({tool})", node.node_type, node.name),
            None => format!("{} node `{}`", node.node_type, node.name),
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn audit_of(text: &str) -> FlowAudit {
        let flow = FlowDefinition::parse(text, Path::new("demo/flow.dag.yaml")).unwrap();
        audit(&flow).unwrap()
    }

    #[test]
    fn finds_references_in_any_input() {
        assert_eq!(
            references("Q: ${inputs.question} C: ${retrieve.output.docs} ${ bad"),
            vec![
                Reference::FlowInput("question".into()),
                Reference::Node {
                    name: "retrieve".into(),
                    path: vec!["docs".into()]
                }
            ]
        );
    }

    #[test]
    fn the_dag_follows_references_not_listing_order() {
        let audit = audit_of(
            r#"
inputs: {q: {type: string}}
outputs: {a: {type: string, reference: "${last.output}"}}
nodes:
- name: last
  type: python
  source: {type: code, path: last.py}
  inputs: {x: "${first.output}"}
- name: first
  type: python
  source: {type: code, path: first.py}
  inputs: {q: "${inputs.q}"}
"#,
        );
        let order: Vec<&str> = audit.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(order, ["first", "last"]);
        assert_eq!(audit.wiring.len(), 3);
        assert_eq!(audit.wiring[0].sources, [START_ID]);
        assert_eq!(audit.wiring[0].targets, ["first"]);
    }

    #[test]
    fn an_unknown_reference_names_the_line() {
        let flow = FlowDefinition::parse(
            "inputs: {}\noutputs: {}\nnodes:\n- name: a\n  type: python\n  inputs:\n    x: ${nothere.output}\n",
            Path::new("f/flow.dag.yaml"),
        )
        .unwrap();
        let error = audit(&flow).unwrap_err();
        assert!(
            error.message.contains("f/flow.dag.yaml, line 7"),
            "{}",
            error.message
        );
        assert!(error.message.contains("'nothere'"));
    }

    #[test]
    fn a_cycle_is_refused() {
        let flow = FlowDefinition::parse(
            "nodes:\n- name: a\n  type: python\n  inputs: {x: '${b.output}'}\n- name: b\n  type: python\n  inputs: {x: '${a.output}'}\n",
            Path::new("flow.dag.yaml"),
        )
        .unwrap();
        let error = audit(&flow).unwrap_err();
        assert!(error.message.contains("cycle"), "{}", error.message);
        assert!(error.message.contains("line 2"), "{}", error.message);
    }

    #[test]
    fn secret_looking_names() {
        assert!(looks_secret("api_key"));
        assert!(looks_secret("subscription_key"));
        assert!(looks_secret("db_password"));
        assert!(!looks_secret("max_tokens"));
        assert!(!looks_secret("top_k"));
        assert!(!looks_secret("keywords"));
    }

    #[test]
    fn class_and_variable_names() {
        assert_eq!(
            executor_class("answer_the_question"),
            "AnswerTheQuestionExecutor"
        );
        assert_eq!(executor_class("3rd"), "Node3rdExecutor");
        assert_eq!(env_prefix("open-ai.conn"), "OPEN_AI_CONN");
    }
}
