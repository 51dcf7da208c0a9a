//! `requirements.txt`: the Agent Framework release, plus the flow's own requirements without
//! prompt flow and without options or URLs that may hold credentials.

use std::fmt::Write as _;

use serde_norway::Value;

use super::AGENT_FRAMEWORK_CORE;
use crate::migration::flow_yaml::FlowDefinition;

pub(super) fn requirements(flow: &FlowDefinition) -> String {
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
