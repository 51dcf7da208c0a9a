//! What the audit reports: the flow's kind, each node's mapping, the wiring, inputs, outputs,
//! connections, context providers, gaps and the mapping table. These are the types the CLI
//! prints and the app shows (their TypeScript twins are generated from them).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::START_ID;

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
    /// What the condition reads, as a prompt flow reference without `${}`: `inputs.x` or
    /// `node.output[.field…]`.
    pub fn reference(&self) -> String {
        let mut subject = if self.source == START_ID {
            "inputs".to_owned()
        } else {
            format!("{}.output", self.source)
        };
        for field in &self.path {
            subject.push('.');
            subject.push_str(field);
        }
        subject
    }

    pub fn describe(&self) -> String {
        format!("{} == {}", self.reference(), self.equals_json)
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

impl NodeMapping {
    /// ``llm node `answer` (tool)``, as the mapping table and the executor's docstring say it.
    pub fn describe(&self) -> String {
        match &self.tool {
            Some(tool) => format!("{} node `{}` ({tool})", self.node_type, self.name),
            None => format!("{} node `{}`", self.node_type, self.name),
        }
    }
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

    /// The definition file's name (`flow.dag.yaml`), as the generated files cite it.
    pub fn definition_file_name(&self) -> String {
        std::path::Path::new(&self.definition)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}
