//! An Agent Framework skeleton generated from a flow's mapping: a small Python project whose
//! `workflow.py` has `build_workflow()`, wired like the flow's DAG, with one `Executor` per node
//! carrying the node's prompt or code over as text for the developer to finish.
//!
//! Building the workflow needs neither network nor credentials: model clients are created in
//! the handlers, which the developer finishes. Nothing secret is written: connections become
//! environment variable names, and node inputs that look like credentials are read from the
//! environment instead of being copied.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_norway::Value;
use ts_rs::TS;

use super::flow_yaml::FlowDefinition;
use super::mapping::{
    effective_node, yaml_to_json, EdgeKind, FlowAudit, NodeKind, NodeMapping, END_ID, START_ID,
};
use crate::error::{Error, ErrorCode, Result};

/// The Agent Framework release the skeleton is written against.
pub const AGENT_FRAMEWORK_CORE: &str = "agent-framework-core==1.26.0";

/// Microsoft's bar for the side-by-side comparison: mean similarity of at least 3.5 of 5.
pub const SIMILARITY_THRESHOLD: f64 = 3.5;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedFile {
    /// Relative to the project folder.
    pub path: String,
    pub contents: String,
}

/// What `pfrm migrate scaffold` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScaffoldResult {
    pub out_dir: String,
    pub files: Vec<String>,
    pub executors: usize,
    pub edge_groups: usize,
}

/// The project's files, in memory.
pub fn generate(flow: &FlowDefinition, audit: &FlowAudit) -> Result<Vec<GeneratedFile>> {
    let mut files = vec![
        GeneratedFile {
            path: "executors.py".into(),
            contents: executors_py(flow, audit)?,
        },
        GeneratedFile {
            path: "workflow.py".into(),
            contents: workflow_py(audit),
        },
        GeneratedFile {
            path: "run.py".into(),
            contents: run_py(flow, audit),
        },
        GeneratedFile {
            path: "validate.py".into(),
            contents: validate_py(audit),
        },
        GeneratedFile {
            path: ".env.example".into(),
            contents: env_example(audit),
        },
        GeneratedFile {
            path: "requirements.txt".into(),
            contents: requirements(flow),
        },
        GeneratedFile {
            path: "README.md".into(),
            contents: readme(audit),
        },
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Whether the project can be written to `out_dir`: a new folder, or an empty one. A file, or a
/// folder that holds anything (a project that may have been finished by hand, or someone's
/// other work), is refused before any file is written.
pub fn check_out_dir(out_dir: &Path) -> Result<()> {
    let metadata = match std::fs::metadata(out_dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(write_error(out_dir, &error)),
    };
    if !metadata.is_dir() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("{} is a file, not a folder.", out_dir.display()),
        )
        .with_remedy("Choose a new or empty folder to write the project to."));
    }
    let mut entries = std::fs::read_dir(out_dir).map_err(|error| write_error(out_dir, &error))?;
    if entries.next().is_some() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} is not empty; pfrm writes a project only to a new or empty folder, so nothing there is overwritten.",
                out_dir.display()
            ),
        )
        .with_remedy("Choose a new folder (it is created) or an empty one, such as a subfolder named after the flow."));
    }
    Ok(())
}

/// Writes the project to `out_dir` (created if needed). Refuses a file or a folder that is not
/// empty ([`check_out_dir`]), so a developer's finished handlers are never overwritten.
pub fn write(out_dir: &Path, files: &[GeneratedFile], audit: &FlowAudit) -> Result<ScaffoldResult> {
    check_out_dir(out_dir)?;
    std::fs::create_dir_all(out_dir).map_err(|error| write_error(out_dir, &error))?;
    let mut written = Vec::new();
    for file in files {
        let path: PathBuf = out_dir.join(&file.path);
        std::fs::write(&path, &file.contents).map_err(|error| write_error(&path, &error))?;
        written.push(file.path.clone());
    }
    Ok(ScaffoldResult {
        out_dir: out_dir.display().to_string(),
        files: written,
        executors: audit.nodes.len() + 2,
        edge_groups: audit.wiring.len(),
    })
}

fn write_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorCode::Config,
        format!("{} could not be written: {error}.", path.display()),
    )
    .with_remedy("Choose a folder you can write to for --out.")
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "builder", "workflow",
];

/// A Python variable name for an executor.
fn variable(name: &str) -> String {
    let mut text: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if text.is_empty()
        || text.starts_with(|c: char| c.is_ascii_digit())
        || PYTHON_KEYWORDS.contains(&text.as_str())
    {
        text.insert_str(0, "node_");
    }
    text
}

/// A Python string literal (double quotes, escapes for anything unusual).
fn py_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A long text as a triple-quoted Python string that reads like the original.
fn py_block(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"")
        .replace('\r', "");
    format!("\"\"\"\\\n{escaped}\"\"\"")
}

fn py_literal(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "None".into(),
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Number(number) => number.to_string(),
        serde_json::Value::String(text) => py_str(text),
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items.iter().map(py_literal).collect::<Vec<_>>().join(", ")
        ),
        serde_json::Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(key, value)| format!("{}: {}", py_str(key), py_literal(value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The Python expression for one node input: a literal, a reference read from the workflow's
/// state, or a text with references filled in.
fn input_expression(value: &Value) -> String {
    if let Value::String(text) = value {
        let trimmed = text.trim();
        if trimmed.starts_with("${") && trimmed.ends_with('}') && trimmed.matches("${").count() == 1
        {
            return format!(
                "_read(ctx, {})",
                py_str(trimmed[2..trimmed.len() - 1].trim())
            );
        }
        if text.contains("${") {
            return format!("_fill(ctx, {})", py_str(text));
        }
    }
    py_literal(&yaml_to_json(value))
}

fn source_text(flow: &FlowDefinition, node: &NodeMapping) -> Option<(String, String)> {
    let path = node.source_path.as_ref()?;
    let full = flow.folder().join(path);
    // Only files inside the flow folder are carried over.
    let folder = flow.folder().canonicalize().ok()?;
    let full = full.canonicalize().ok()?;
    if !full.starts_with(&folder) {
        return None;
    }
    let text = std::fs::read_to_string(&full).ok()?;
    Some((path.clone(), text))
}

fn executors_py(flow: &FlowDefinition, audit: &FlowAudit) -> Result<String> {
    let mut py = String::new();
    let _ = writeln!(
        py,
        "\"\"\"Executors of the `{}` flow, one per prompt flow node.\n\nGenerated by pfrm from {} ({}). Each handler reads its node's inputs from the\nworkflow state, where every executor leaves its output. Finish the handlers: the node's\noriginal prompt or code is carried over as text. Model clients are created inside the\nhandlers, so building the workflow needs neither network nor credentials.\n\"\"\"",
        audit.name,
        Path::new(&audit.definition)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        audit.kind.label()
    );
    py.push_str(
        r#"
import os
from typing import Any, Callable, Never, TypedDict

from agent_framework import Executor, WorkflowContext, handler

"#,
    );
    // Typed inputs and outputs.
    let _ = writeln!(py, "# The flow's inputs (prompt flow `inputs:`).");
    let _ = writeln!(
        py,
        "FlowInputs = TypedDict(\"FlowInputs\", {{{}}})\n",
        audit
            .inputs
            .iter()
            .map(|input| format!("{}: {}", py_str(&input.name), input.python_type))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(py, "# The flow's outputs (prompt flow `outputs:`).");
    let _ = writeln!(
        py,
        "FlowOutputs = TypedDict(\"FlowOutputs\", {{{}}})\n",
        audit
            .outputs
            .iter()
            .map(|output| format!("{}: {}", py_str(&output.name), output.python_type))
            .collect::<Vec<_>>()
            .join(", ")
    );
    py.push_str(
        r#"
def _pick(value: Any, path: list[str]) -> Any:
    """A field below a node's output (`${node.output.a.b}` → path ["a", "b"])."""
    for field in path:
        if isinstance(value, dict):
            value = value.get(field)
        else:
            value = getattr(value, field, None)
    return value


def _read(ctx: WorkflowContext[Any], reference: str) -> Any:
    """The value of a prompt flow reference: `inputs.x` or `node.output[.field…]`."""
    head, _, rest = reference.partition(".")
    if head == "inputs":
        return (ctx.get_state("flow_inputs") or {}).get(rest)
    path = rest.split(".")[1:] if rest.startswith("output") else rest.split(".")
    return _pick(ctx.get_state(f"output:{head}"), [p for p in path if p])


def _fill(ctx: WorkflowContext[Any], text: str) -> str:
    """A text with `${…}` references filled in."""
    out, rest = "", text
    while "${" in rest and "}" in rest.split("${", 1)[1]:
        before, after = rest.split("${", 1)
        reference, rest = after.split("}", 1)
        out += before + str(_read(ctx, reference.strip()))
    return out + rest


def when(path: list[str], expected: Any) -> Callable[[Any], bool]:
    """An edge condition: the source's output (or a field of it) equals `expected`."""

    def condition(message: Any) -> bool:
        return _pick(message, path) == expected

    condition.__name__ = "when_" + "_".join(path or ["output"]) + "_is_" + str(expected)
    return condition


"#,
    );
    // Start executor.
    let start_fan_out = audit
        .wiring
        .iter()
        .any(|w| w.sources.iter().any(|s| s == START_ID));
    let _ = start_fan_out;
    py.push_str(
        r#"class FlowInputsExecutor(Executor):
    """Takes the flow's inputs and hands them on (prompt flow `inputs:`)."""

    @handler
    async def run(self, inputs: FlowInputs, ctx: WorkflowContext[FlowInputs]) -> None:
        ctx.set_state("flow_inputs", dict(inputs))
        await ctx.send_message(inputs)

"#,
    );
    for node in &audit.nodes {
        py.push_str(&executor_class_py(flow, audit, node)?);
    }
    // Terminal executor.
    let end_fan_in = audit
        .wiring
        .iter()
        .any(|w| w.kind == EdgeKind::FanIn && w.targets.iter().any(|t| t == END_ID));
    let message_type = if end_fan_in { "list[Any]" } else { "Any" };
    let _ = writeln!(
        py,
        "\nclass FlowOutputsExecutor(Executor):\n    \"\"\"Yields the flow's outputs (prompt flow `outputs:`).\"\"\"\n\n    @handler\n    async def run(self, message: {message_type}, ctx: WorkflowContext[Never, FlowOutputs]) -> None:"
    );
    let _ = writeln!(py, "        outputs: FlowOutputs = {{");
    for output in &audit.outputs {
        let reference = output
            .reference
            .trim()
            .trim_start_matches("${")
            .trim_end_matches('}')
            .trim();
        let _ = writeln!(
            py,
            "            {}: _read(ctx, {}),",
            py_str(&output.name),
            py_str(reference)
        );
    }
    let _ = writeln!(py, "        }}");
    let _ = writeln!(py, "        await ctx.yield_output(outputs)");
    Ok(py)
}

fn executor_class_py(
    flow: &FlowDefinition,
    audit: &FlowAudit,
    node: &NodeMapping,
) -> Result<String> {
    let declared = flow
        .nodes
        .iter()
        .find(|n| n.name == node.name)
        .ok_or_else(|| Error::internal(format!("node {} vanished", node.name)))?;
    let (effective, _) = effective_node(flow, declared)?;
    let fan_in = audit
        .wiring
        .iter()
        .any(|w| w.kind == EdgeKind::FanIn && w.targets.contains(&node.name));
    let mut py = String::new();
    let what = match &node.tool {
        Some(tool) => format!("{} node `{}` ({tool})", node.node_type, node.name),
        None => format!("{} node `{}`", node.node_type, node.name),
    };
    let _ = writeln!(py, "\nclass {}(Executor):", node.executor_class);
    let _ = writeln!(
        py,
        "    \"\"\"prompt flow {what}: becomes {}.",
        node.target.label()
    );
    if !node.depends_on.is_empty() {
        let _ = writeln!(py, "\n    Depends on: {}.", node.depends_on.join(", "));
    }
    for connection in &node.connections {
        if let Some(mapping) = audit.connections.iter().find(|c| c.name == *connection) {
            let _ = writeln!(
                py,
                "    Connection `{connection}`: environment variables {}.",
                mapping.variables.join(", ")
            );
        }
    }
    for note in &node.notes {
        let _ = writeln!(
            py,
            "    {}",
            note.replace('\\', "\\\\").replace("\"\"\"", "'''")
        );
    }
    let _ = writeln!(py, "    \"\"\"\n");
    if let Some((path, text)) = source_text(flow, node) {
        let constant = match node.kind {
            NodeKind::Llm | NodeKind::Prompt => "PROMPT",
            _ => "ORIGINAL_CODE",
        };
        let _ = writeln!(py, "    # Carried over from {path}.");
        let _ = writeln!(py, "    {constant} = {}\n", py_block(&text));
    }
    let message_type = if fan_in { "list[Any]" } else { "Any" };
    let _ = writeln!(py, "    @handler");
    let _ = writeln!(
        py,
        "    async def run(self, message: {message_type}, ctx: WorkflowContext[Any]) -> None:"
    );
    if let (true, Some(condition)) = (node.condition_in_handler, &node.activate) {
        let reference = if condition.source == START_ID {
            format!("inputs.{}", condition.path.join("."))
        } else {
            let mut text = format!("{}.output", condition.source);
            for field in &condition.path {
                text.push('.');
                text.push_str(field);
            }
            text
        };
        let expected: serde_json::Value =
            serde_json::from_str(&condition.equals_json).unwrap_or(serde_json::Value::Null);
        let _ = writeln!(
            py,
            "        if _read(ctx, {}) != {}:\n            return  # prompt flow `activate`: this node is skipped",
            py_str(&reference),
            py_literal(&expected)
        );
    }
    let _ = writeln!(py, "        inputs: dict[str, Any] = {{");
    for (key, value) in &effective.inputs {
        let expression = match node.secret_inputs.iter().find(|s| s.input == *key) {
            Some(secret) => format!("os.environ.get({}, \"\")", py_str(&secret.variable)),
            None => input_expression(value),
        };
        let _ = writeln!(py, "            {}: {expression},", py_str(key));
    }
    let _ = writeln!(py, "        }}");
    let _ = writeln!(py, "        output = await self.compute(inputs)");
    let _ = writeln!(
        py,
        "        ctx.set_state({}, output)",
        py_str(&format!("output:{}", node.name))
    );
    let _ = writeln!(py, "        await ctx.send_message(output)\n");
    let _ = writeln!(
        py,
        "    async def compute(self, inputs: dict[str, Any]) -> Any:"
    );
    let todo = match node.kind {
        NodeKind::Llm => format!(
            "        # Create the chat client here, not at import time, so the workflow builds offline:\n        #   from agent_framework.openai import OpenAIChatClient  # pip install agent-framework-openai\n        #   agent = OpenAIChatClient(...).as_agent(instructions=<the system part of PROMPT>)\n        #   return (await agent.run(<the user part of PROMPT filled with inputs>)).text\n        # Keys and endpoints come from the environment ({}).",
            node.connections
                .iter()
                .filter_map(|c| audit.connections.iter().find(|m| m.name == *c))
                .flat_map(|m| m.variables.iter().cloned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        NodeKind::Prompt => "        # Render PROMPT with the inputs (e.g. with jinja2) and return the text.".to_owned(),
        NodeKind::Python | NodeKind::BuiltinTool => {
            "        # Port ORIGINAL_CODE (or call the tool) with these inputs and return its result.".to_owned()
        }
        NodeKind::Embedding | NodeKind::VectorLookup => {
            "        # Part of a context provider: retrieve the passages for the query (e.g. Azure AI\n        # Search) and attach the provider to the agent that uses them.".to_owned()
        }
        NodeKind::CustomTool => format!(
            "        # No direct equivalent: install the custom tool package and call {} here,\n        # or rewrite it as an Agent Framework function tool.",
            node.tool.clone().unwrap_or_else(|| "its function".into())
        ),
    };
    let _ = writeln!(py, "{todo}");
    let _ = writeln!(
        py,
        "        raise NotImplementedError({})",
        py_str(&format!(
            "Finish node '{}' ({}).",
            node.name,
            node.target.label()
        ))
    );
    Ok(py)
}

fn workflow_py(audit: &FlowAudit) -> String {
    let mut py = String::new();
    let _ = writeln!(
        py,
        "\"\"\"The `{}` flow as an Agent Framework workflow, wired like its prompt flow DAG.\n\nGenerated by pfrm. `build_workflow()` needs neither network nor credentials.\n\"\"\"\n",
        audit.name
    );
    let mut classes = vec![
        "FlowInputsExecutor".to_owned(),
        "FlowOutputsExecutor".to_owned(),
    ];
    classes.extend(audit.nodes.iter().map(|n| n.executor_class.clone()));
    classes.sort();
    let _ = writeln!(
        py,
        "from agent_framework import Workflow, WorkflowBuilder\n"
    );
    let _ = writeln!(py, "from executors import (");
    for class in &classes {
        let _ = writeln!(py, "    {class},");
    }
    let conditional = audit.wiring.iter().any(|w| w.kind == EdgeKind::Conditional);
    if conditional {
        let _ = writeln!(py, "    when,");
    }
    let _ = writeln!(py, ")\n\n");
    let _ = writeln!(py, "def build_workflow() -> Workflow:");
    let var = |id: &str| -> String {
        if id == START_ID {
            START_ID.to_owned()
        } else if id == END_ID {
            END_ID.to_owned()
        } else {
            variable(id)
        }
    };
    let _ = writeln!(
        py,
        "    {} = FlowInputsExecutor(id={})",
        START_ID,
        py_str(START_ID)
    );
    for node in &audit.nodes {
        let _ = writeln!(
            py,
            "    {} = {}(id={})",
            var(&node.name),
            node.executor_class,
            py_str(&node.name)
        );
    }
    let _ = writeln!(
        py,
        "    {} = FlowOutputsExecutor(id={})\n",
        END_ID,
        py_str(END_ID)
    );
    let _ = writeln!(
        py,
        "    builder = WorkflowBuilder(start_executor={START_ID}, name={})",
        py_str(&audit.name)
    );
    for wiring in &audit.wiring {
        let sources: Vec<String> = wiring.sources.iter().map(|s| var(s)).collect();
        let targets: Vec<String> = wiring.targets.iter().map(|t| var(t)).collect();
        match wiring.kind {
            EdgeKind::Single => {
                let _ = writeln!(py, "    builder.add_edge({}, {})", sources[0], targets[0]);
            }
            EdgeKind::Conditional => {
                let condition = wiring.condition.as_ref();
                let path = condition
                    .map(|c| {
                        format!(
                            "[{}]",
                            c.path
                                .iter()
                                .map(|p| py_str(p))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .unwrap_or_else(|| "[]".into());
                let expected = condition
                    .and_then(|c| serde_json::from_str(&c.equals_json).ok())
                    .map(|v| py_literal(&v))
                    .unwrap_or_else(|| "None".into());
                let _ = writeln!(
                    py,
                    "    # prompt flow `activate`: {}",
                    condition.map(|c| c.describe()).unwrap_or_default()
                );
                let _ = writeln!(
                    py,
                    "    builder.add_edge({}, {}, condition=when({path}, {expected}))",
                    sources[0], targets[0]
                );
            }
            EdgeKind::FanOut => {
                let _ = writeln!(py, "    # Independent nodes run side by side.");
                let _ = writeln!(
                    py,
                    "    builder.add_fan_out_edges({}, [{}])",
                    sources[0],
                    targets.join(", ")
                );
            }
            EdgeKind::FanIn => {
                let _ = writeln!(py, "    # Merge: waits for every source.");
                let _ = writeln!(
                    py,
                    "    builder.add_fan_in_edges([{}], {})",
                    sources.join(", "),
                    targets[0]
                );
            }
            EdgeKind::JoinBranches => {
                let _ = writeln!(
                    py,
                    "    # Branches that run only under a condition join with plain edges: a fan-in\n    # would wait forever for the branch that did not run."
                );
                for source in &sources {
                    let _ = writeln!(py, "    builder.add_edge({source}, {})", targets[0]);
                }
            }
        }
    }
    let _ = writeln!(py, "    return builder.build()");
    py
}

fn run_py(flow: &FlowDefinition, audit: &FlowAudit) -> String {
    let mut py = String::new();
    let _ = writeln!(
        py,
        "\"\"\"Runs the `{}` workflow once with the flow's default inputs: python run.py\"\"\"\n",
        audit.name
    );
    py.push_str("import asyncio\n\nfrom workflow import build_workflow\n\n");
    let _ = writeln!(py, "INPUTS = {{");
    for (name, input) in &flow.inputs {
        let value = input
            .default
            .as_ref()
            .map(|v| py_literal(&yaml_to_json(v)))
            .unwrap_or_else(|| "None".into());
        let _ = writeln!(py, "    {}: {value},", py_str(name));
    }
    let _ = writeln!(py, "}}\n\n");
    py.push_str(
        r#"async def main() -> None:
    result = await build_workflow().run(INPUTS)
    print(result.get_outputs())


if __name__ == "__main__":
    asyncio.run(main())
"#,
    );
    py
}

fn validate_py(audit: &FlowAudit) -> String {
    let query = audit
        .inputs
        .iter()
        .find(|i| i.is_chat_input)
        .or_else(|| audit.inputs.first())
        .map(|i| i.name.clone())
        .unwrap_or_else(|| "question".into());
    let output = audit
        .outputs
        .iter()
        .find(|o| o.is_chat_output)
        .or_else(|| audit.outputs.first())
        .map(|o| o.name.clone())
        .unwrap_or_else(|| "answer".into());
    format!(
        r#""""Side-by-side validation of the `{name}` workflow against the prompt flow it replaces.

Usage: python validate.py PROMPT_FLOW_RESULTS.jsonl

Each line of the file holds one test case's inputs and the prompt flow's output for it (for
example the details of a batch run: the inputs and `{output}`). The workflow runs on the same
inputs, and the Azure AI Evaluation SDK's SimilarityEvaluator scores each pair from 1 to 5.
Microsoft's migration guide asks for a mean of at least {threshold} before cutting over.

Needs `pip install azure-ai-evaluation` and a judge model in the environment:
AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT (and AZURE_OPENAI_API_KEY, or a signed-in identity).
"""

import asyncio
import json
import os
import sys

from workflow import build_workflow

THRESHOLD = {threshold}
QUERY_INPUT = {query}
OUTPUT = {output_literal}


async def main(path: str) -> int:
    from azure.ai.evaluation import SimilarityEvaluator  # imported here: only validation needs it

    model_config = {{
        "azure_endpoint": os.environ["AZURE_OPENAI_ENDPOINT"],
        "azure_deployment": os.environ["AZURE_OPENAI_DEPLOYMENT"],
    }}
    if os.environ.get("AZURE_OPENAI_API_KEY"):
        model_config["api_key"] = os.environ["AZURE_OPENAI_API_KEY"]
    evaluator = SimilarityEvaluator(model_config)
    scores = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            case = json.loads(line)
            expected = case.pop(OUTPUT)
            result = await build_workflow().run(case)
            actual = result.get_outputs()[-1][OUTPUT]
            score = evaluator(query=str(case.get(QUERY_INPUT, "")), response=str(actual), ground_truth=str(expected))
            scores.append(float(score["similarity"]))
    mean = sum(scores) / len(scores) if scores else 0.0
    verdict = "PASS" if mean >= THRESHOLD else "FAIL"
    print(f"{{verdict}}: mean similarity {{mean:.2f}} of 5 over {{len(scores)}} cases (needs {{THRESHOLD}})")
    return 0 if mean >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
"#,
        name = audit.name,
        output = output,
        threshold = SIMILARITY_THRESHOLD,
        query = py_str(&query),
        output_literal = py_str(&output),
    )
}

fn env_example(audit: &FlowAudit) -> String {
    let mut text = format!(
        "# Environment variables of the `{}` workflow: names only, never values.\n# Fill them in a local .env that is not committed, or use a managed identity where the\n# service allows it (then the keys stay empty).\n",
        audit.name
    );
    if audit.connections.is_empty() && audit.nodes.iter().all(|n| n.secret_inputs.is_empty()) {
        text.push_str("# The flow uses no connections.\n");
    }
    for connection in &audit.connections {
        let _ = writeln!(
            text,
            "\n# Connection `{}` (used by {})",
            connection.name,
            connection.used_by.join(", ")
        );
        for variable in &connection.variables {
            let _ = writeln!(text, "{variable}=");
        }
    }
    for node in &audit.nodes {
        for secret in &node.secret_inputs {
            let _ = writeln!(
                text,
                "\n# Input `{}` of node `{}` (its literal was not carried over)\n{}=",
                secret.input, node.name, secret.variable
            );
        }
    }
    text
}

fn requirements(flow: &FlowDefinition) -> String {
    let mut text = format!(
        "# Builds and runs the workflow skeleton (offline; no credentials needed to build):\n{AGENT_FRAMEWORK_CORE}\n\n# When finishing the agent handlers, add the model client package you use, e.g.:\n# agent-framework-openai\n# agent-framework-azure-ai\n\n# For validate.py (side-by-side comparison):\n# azure-ai-evaluation\n"
    );
    // The flow's own requirements, without prompt flow itself.
    let file = flow
        .environment
        .as_ref()
        .and_then(|e| e.get("python_requirements_txt"))
        .and_then(Value::as_str)
        .unwrap_or("requirements.txt");
    let path = flow.folder().join(file);
    let inside = match (flow.folder().canonicalize(), path.canonicalize()) {
        (Ok(folder), Ok(path)) => path.starts_with(folder),
        _ => false,
    };
    if let (true, Ok(original)) = (inside, std::fs::read_to_string(&path)) {
        let kept: Vec<&str> = original
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter(|line| {
                let name = line
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
                    .replace('_', "-");
                !name.starts_with("promptflow")
            })
            // Only package specifiers: no index URLs or options that may hold credentials.
            .filter(|line| !line.starts_with('-') && !line.contains("://"))
            .collect();
        if !kept.is_empty() {
            let _ = writeln!(
                text,
                "\n# From the flow's {file} (prompt flow packages left out):"
            );
            for line in kept {
                let _ = writeln!(text, "{line}");
            }
        }
    }
    text
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn readme(audit: &FlowAudit) -> String {
    let mut md = format!(
        "# {name}: Agent Framework skeleton\n\nGenerated by pfrm from the prompt flow `{definition}` ({kind}). Prompt flow retires on\n2027-04-20; this project is the starting point of its Microsoft Agent Framework version.\n\n",
        name = audit.name,
        definition = Path::new(&audit.definition)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        kind = audit.kind.label()
    );
    md.push_str(
        "## Files\n\n- `workflow.py`: `build_workflow()` wires the executors like the flow's DAG.\n- `executors.py`: one `Executor` per node, with the node's prompt or code carried over; finish each `compute`.\n- `run.py`: runs the workflow once on the flow's default inputs.\n- `validate.py`: the side-by-side comparison below.\n- `.env.example`: the environment variables for the flow's connections (names only).\n\n## Start\n\n```sh\npython -m venv .venv && . .venv/bin/activate\npip install -r requirements.txt\npython -c \"from workflow import build_workflow; print(sorted(build_workflow().executors))\"\ncp .env.example .env   # then fill it in; never commit it\npython run.py\n```\n\n## Mapping\n\n| prompt flow | Agent Framework | note |\n|---|---|---|\n"
    );
    for row in &audit.table {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            md_cell(&row.prompt_flow),
            md_cell(&row.agent_framework),
            md_cell(&row.note)
        );
    }
    if !audit.gaps.is_empty() {
        md.push_str("\n## No direct equivalent\n\n");
        for gap in &audit.gaps {
            let _ = writeln!(
                md,
                "- **{}**: {}. Route: {}",
                gap.subject, gap.what, gap.route
            );
        }
    }
    md.push_str(&format!(
        "\n## Validate side by side\n\nBefore cutting over, compare the two on the same test cases, as Microsoft's migration guide\nsets out:\n\n1. Run the prompt flow on a test set (a batch run) and save each line's inputs with its output\n   as JSON Lines.\n2. Finish the handlers, then run `python validate.py results.jsonl`: it runs the workflow on\n   the same inputs and scores each pair with the Azure AI Evaluation SDK's\n   `SimilarityEvaluator` (1 to 5).\n3. The workflow passes when the mean similarity is at least **{SIMILARITY_THRESHOLD}** of 5. Below that,\n   look at the lowest-scoring cases first.\n\nThen move operations (monitoring, deployment) and cut over; decommission the prompt flow\nendpoints, connections and compute only after that.\n"
    ));
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals() {
        assert_eq!(py_str("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(
            py_literal(&serde_json::json!({"k": [true, null, 1.5, "x"]})),
            "{\"k\": [True, None, 1.5, \"x\"]}"
        );
        assert_eq!(
            py_block("say \"\"\"hi\"\"\" \\n"),
            "\"\"\"\\\nsay \\\"\\\"\\\"hi\\\"\\\"\\\" \\\\n\"\"\""
        );
    }

    #[test]
    fn input_expressions() {
        assert_eq!(
            input_expression(&Value::String("${inputs.question}".into())),
            "_read(ctx, \"inputs.question\")"
        );
        assert_eq!(
            input_expression(&Value::String("Q: ${inputs.q}".into())),
            "_fill(ctx, \"Q: ${inputs.q}\")"
        );
        assert_eq!(input_expression(&Value::Number(3.into())), "3");
    }

    #[test]
    fn variables_avoid_keywords() {
        assert_eq!(variable("class"), "node_class");
        assert_eq!(variable("1st"), "node_1st");
        assert_eq!(variable("my-node"), "my_node");
    }

    #[test]
    fn a_project_goes_only_to_a_new_or_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        // New (created on write) and empty folders are fine.
        assert!(check_out_dir(&dir.path().join("new")).is_ok());
        assert!(check_out_dir(dir.path()).is_ok());

        // A folder with anything in it is refused, with what to do instead.
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let error = check_out_dir(dir.path()).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(error.message.contains("is not empty"), "{}", error.message);
        assert!(error.remedy.as_deref().unwrap().contains("new folder"));

        // So is a file.
        let error = check_out_dir(&dir.path().join("notes.txt")).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(error.message.contains("is a file"), "{}", error.message);

        // And write() refuses before writing anything: the file is untouched.
        let flow = FlowDefinition::parse(
            "inputs: {q: {type: string}}\noutputs: {a: {type: string, reference: \"${echo.output}\"}}\nnodes:\n- name: echo\n  type: python\n  source: {type: code, path: echo.py}\n  inputs: {q: \"${inputs.q}\"}\n",
            Path::new("demo/flow.dag.yaml"),
        )
        .unwrap();
        let audit = super::super::mapping::audit(&flow).unwrap();
        let files = [GeneratedFile {
            path: "notes.txt".into(),
            contents: "generated".into(),
        }];
        assert!(write(dir.path(), &files, &audit).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }
}
