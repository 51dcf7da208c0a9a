//! An Agent Framework skeleton generated from a flow's mapping: a small Python project whose
//! `workflow.py` has `build_workflow()`, wired like the flow's DAG, with one `Executor` per node
//! carrying the node's prompt or code over as text for the developer to finish.
//!
//! Building the workflow needs neither network nor credentials: model clients are created in
//! the handlers, which the developer finishes. Nothing secret is written: connections become
//! environment variable names, and node inputs that look like credentials are read from the
//! environment instead of being copied.
//!
//! One module per generated file (`executors`, `workflow`, `run`, `validate`, `env_example`,
//! `requirements`, `readme`); `python` writes Python literals and names; `project_dir` writes
//! the project only where nothing would be overwritten.

mod env_example;
mod executors;
mod project_dir;
mod python;
mod readme;
mod requirements;
mod run;
mod validate;
mod workflow;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use project_dir::{check_out_dir, chosen_out_dir, write};

use super::flow_yaml::FlowDefinition;
use super::mapping::FlowAudit;
use crate::error::Result;

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
            contents: executors::executors_py(flow, audit)?,
        },
        GeneratedFile {
            path: "workflow.py".into(),
            contents: workflow::workflow_py(audit),
        },
        GeneratedFile {
            path: "run.py".into(),
            contents: run::run_py(flow, audit),
        },
        GeneratedFile {
            path: "validate.py".into(),
            contents: validate::validate_py(audit),
        },
        GeneratedFile {
            path: ".env.example".into(),
            contents: env_example::env_example(audit),
        },
        GeneratedFile {
            path: "requirements.txt".into(),
            contents: requirements::requirements(flow),
        },
        GeneratedFile {
            path: "README.md".into(),
            contents: readme::readme(audit),
        },
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
