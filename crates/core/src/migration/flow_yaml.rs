//! Reading a prompt flow definition (`flow.dag.yaml`).
//!
//! Every key pfrm does not use is kept (`extra`), so nothing in a flow is lost on the way to a
//! migration plan, and the listing order of inputs, outputs and nodes is kept for the reports.
//! A flow that cannot be read gives an error naming the file and the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_norway::Value;

use crate::error::{Error, ErrorCode, Result};

/// The definition file of a DAG flow in a flow folder.
pub const FLOW_FILE: &str = "flow.dag.yaml";

/// A flow definition as written, plus where it came from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FlowDefinition {
    #[serde(default)]
    pub inputs: IndexMap<String, FlowInput>,
    #[serde(default)]
    pub outputs: IndexMap<String, FlowOutput>,
    #[serde(default)]
    pub nodes: Vec<FlowNode>,
    /// Variants of the nodes that say `use_variants: true`, by node name.
    #[serde(default)]
    pub node_variants: IndexMap<String, NodeVariants>,
    #[serde(default)]
    pub environment: Option<Value>,
    #[serde(default)]
    pub additional_includes: Vec<String>,
    /// Keys pfrm does not read (`$schema`, `description`, …), kept as written.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
    /// The file read (not in the YAML).
    #[serde(skip)]
    pub path: PathBuf,
    /// The file's text, to point at lines in later errors.
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FlowInput {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_chat_input: bool,
    #[serde(default)]
    pub is_chat_history: bool,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FlowOutput {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// `${node.output}` (or `${inputs.x}`).
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_chat_output: bool,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A node, or one variant of a node (variants have no name).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FlowNode {
    #[serde(default)]
    pub name: String,
    /// `llm`, `python`, `prompt`, or a custom tool package's type; taken from the default
    /// variant when `use_variants` is set.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub source: Option<NodeSource>,
    #[serde(default)]
    pub inputs: IndexMap<String, Value>,
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(default)]
    pub api: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub module: Option<String>,
    #[serde(default)]
    pub activate: Option<Activate>,
    #[serde(default)]
    pub aggregation: bool,
    #[serde(default)]
    pub use_variants: bool,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NodeSource {
    /// `code` or `package` (or `package_with_prompt`).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// A file in the flow folder (`type: code`).
    #[serde(default)]
    pub path: Option<String>,
    /// A tool id (`type: package`), such as `promptflow.tools.embedding.embedding`.
    #[serde(default)]
    pub tool: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `activate: {when: ${node.output}, is: value}`: the node runs only when it holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Activate {
    pub when: String,
    pub is: Value,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NodeVariants {
    pub default_variant_id: String,
    pub variants: IndexMap<String, Variant>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Variant {
    pub node: FlowNode,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl FlowDefinition {
    /// Reads `flow.dag.yaml` from a flow folder (or the file itself).
    pub fn read(path: &Path) -> Result<FlowDefinition> {
        let names_a_file = path.is_file()
            || path
                .extension()
                .is_some_and(|extension| extension == "yaml" || extension == "yml");
        let file = if names_a_file {
            path.to_path_buf()
        } else {
            path.join(FLOW_FILE)
        };
        let text = std::fs::read_to_string(&file).map_err(|error| {
            let what = if error.kind() == std::io::ErrorKind::NotFound {
                "does not exist".to_owned()
            } else {
                format!("could not be read: {error}")
            };
            Error::new(
                ErrorCode::InvalidInput,
                format!("The flow definition {} {what}.", file.display()),
            )
            .with_remedy(format!(
                "Give the folder of a DAG flow: one with a {FLOW_FILE} file."
            ))
        })?;
        FlowDefinition::parse(&text, &file)
    }

    /// Parses the text of a flow definition; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<FlowDefinition> {
        let mut flow: FlowDefinition = serde_norway::from_str(text).map_err(|error| {
            let place = match error.location() {
                Some(location) => format!(
                    "{}, line {}, column {}",
                    file.display(),
                    location.line(),
                    location.column()
                ),
                None => file.display().to_string(),
            };
            unreadable(&place, &first_sentence(&error.to_string()))
        })?;
        flow.path = file.to_path_buf();
        flow.text = text.to_owned();
        for (index, node) in flow.nodes.iter().enumerate() {
            if node.name.trim().is_empty() {
                return Err(flow.error_at(
                    flow.line_of_nth_node(index),
                    &format!("node {} has no name", index + 1),
                ));
            }
            if node.kind.is_none() && !node.use_variants {
                return Err(flow.error_at(
                    flow.line_of_node(&node.name),
                    &format!("node '{}' has no type", node.name),
                ));
            }
        }
        Ok(flow)
    }

    /// The folder holding the flow.
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }

    /// A "cannot be read" error at a line of this flow's file.
    pub fn error_at(&self, line: Option<usize>, problem: &str) -> Error {
        let place = match line {
            Some(line) => format!("{}, line {line}", self.path.display()),
            None => self.path.display().to_string(),
        };
        unreadable(&place, problem)
    }

    /// The line (1-based) where node `name` is declared (`- name: NAME` under `nodes:`).
    pub fn line_of_node(&self, name: &str) -> Option<usize> {
        self.node_declarations()
            .find(|(_, declared)| declared == name)
            .map(|(line, _)| line)
    }

    fn line_of_nth_node(&self, index: usize) -> Option<usize> {
        self.node_list_items().nth(index)
    }

    /// The first line mentioning `needle`, for errors about a reference.
    pub fn line_containing(&self, needle: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|line| line.contains(needle))
            .map(|index| index + 1)
    }

    /// `(line, name)` of each `- name: X` item in the top-level `nodes:` list.
    fn node_declarations(&self) -> impl Iterator<Item = (usize, String)> + '_ {
        self.nodes_section().filter_map(|(line, text)| {
            let item = text.trim_start().strip_prefix("- ")?.trim_start();
            let name = item.strip_prefix("name:")?.trim();
            Some((line, name.trim_matches(['"', '\'']).to_owned()))
        })
    }

    fn node_list_items(&self) -> impl Iterator<Item = usize> + '_ {
        let indent = self
            .nodes_section()
            .find(|(_, text)| text.trim_start().starts_with("- "))
            .map(|(_, text)| text.len() - text.trim_start().len());
        self.nodes_section().filter_map(move |(line, text)| {
            let this = text.len() - text.trim_start().len();
            (Some(this) == indent && text.trim_start().starts_with("- ")).then_some(line)
        })
    }

    /// The lines of the top-level `nodes:` block, numbered from 1.
    fn nodes_section(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        let mut inside = false;
        self.text
            .lines()
            .enumerate()
            .filter_map(move |(index, text)| {
                let top_level = !text.starts_with([' ', '\t', '-', '#']) && !text.is_empty();
                if top_level {
                    inside = text.starts_with("nodes:");
                    return None;
                }
                inside.then_some((index + 1, text))
            })
    }
}

fn unreadable(place: &str, problem: &str) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!("The flow definition cannot be read ({place}): {problem}."),
    )
    .with_remedy("Fix that line of the file (prompt flow's own tools read the same YAML), then run the command again.")
}

/// The parser's message without the location pfrm states itself (the first " at line L
/// column C"); any later location, such as where an unclosed list began, is kept.
fn first_sentence(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.trim_end_matches('.').to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let skip_number = |text: &str| {
        text.trim_start_matches(|c: char| c.is_ascii_digit())
            .to_owned()
    };
    let mut after = skip_number(rest);
    if let Some(column) = after.strip_prefix(" column ") {
        after = skip_number(column);
    }
    format!("{}{}", &message[..start], after)
        .trim_end_matches('.')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = r#"$schema: https://azuremlschemas.azureedge.net/promptflow/latest/Flow.schema.json
description: answers questions
inputs:
  question:
    type: string
    default: What is prompt flow?
  chat_history:
    type: list
    is_chat_history: true
outputs:
  answer:
    type: string
    reference: ${answer.output}
nodes:
- name: answer
  type: llm
  source:
    type: code
    path: answer.jinja2
  inputs:
    deployment_name: gpt-4o
    question: ${inputs.question}
  connection: open_ai_connection
  api: chat
  custom_flag: kept
environment:
  python_requirements_txt: requirements.txt
"#;

    #[test]
    fn reads_a_flow_and_keeps_the_keys_it_does_not_use() {
        let flow = FlowDefinition::parse(FLOW, Path::new("f/flow.dag.yaml")).unwrap();
        assert_eq!(
            flow.inputs.keys().collect::<Vec<_>>(),
            ["question", "chat_history"]
        );
        assert!(flow.inputs["chat_history"].is_chat_history);
        assert_eq!(
            flow.outputs["answer"].reference.as_deref(),
            Some("${answer.output}")
        );
        let node = &flow.nodes[0];
        assert_eq!(node.kind.as_deref(), Some("llm"));
        assert_eq!(node.connection.as_deref(), Some("open_ai_connection"));
        assert_eq!(node.extra["custom_flag"], Value::String("kept".into()));
        assert!(flow.extra.contains_key("$schema"));
        assert!(flow.extra.contains_key("description"));
        assert_eq!(flow.line_of_node("answer"), Some(15));
    }

    #[test]
    fn a_syntax_error_names_the_file_and_the_line() {
        let broken = FLOW.replace("  api: chat", "  api: [chat");
        let error = FlowDefinition::parse(&broken, Path::new("f/flow.dag.yaml")).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(
            error.message.contains("f/flow.dag.yaml, line "),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_wrong_shape_names_the_line_too() {
        let broken = FLOW.replace(
            "  inputs:\n    deployment_name",
            "  inputs: 3\n  x:\n    deployment_name",
        );
        let error = FlowDefinition::parse(&broken, Path::new("flow.dag.yaml")).unwrap_err();
        assert!(error.message.contains("line 20"), "{}", error.message);
    }

    #[test]
    fn a_node_without_a_type_is_pointed_at() {
        let broken = FLOW.replace("  type: llm\n", "");
        let error = FlowDefinition::parse(&broken, Path::new("flow.dag.yaml")).unwrap_err();
        assert!(error.message.contains("line 15"), "{}", error.message);
        assert!(error.message.contains("node 'answer' has no type"));
    }

    #[test]
    fn a_missing_folder_says_what_to_give() {
        let error = FlowDefinition::read(Path::new("/nonexistent/flow")).unwrap_err();
        assert!(error
            .message
            .contains("/nonexistent/flow/flow.dag.yaml does not exist"));
    }
}
