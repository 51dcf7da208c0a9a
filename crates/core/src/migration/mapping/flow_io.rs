//! The flow's inputs and outputs: the workflow's input and output types, and the nodes the
//! terminal executor waits for.

use std::collections::{BTreeSet, HashSet};

use super::dag::Resolved;
use super::references::{references, Reference};
use super::values::python_type;
use super::{InputMapping, OutputMapping, START_ID};
use crate::error::Result;
use crate::migration::flow_yaml::FlowDefinition;

/// The flow's inputs, as the start executor takes them.
pub(super) fn inputs(flow: &FlowDefinition) -> Vec<InputMapping> {
    flow.inputs
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
        .collect()
}

/// The flow's outputs, and the nodes (or the start executor) the terminal executor follows:
/// those the outputs read, or without outputs the nodes nothing else follows.
pub(super) fn outputs(
    flow: &FlowDefinition,
    resolved: &[Resolved],
) -> Result<(Vec<OutputMapping>, BTreeSet<String>)> {
    let node_names: HashSet<&str> = flow.nodes.iter().map(|node| node.name.as_str()).collect();
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
    Ok((outputs, end_preds))
}
