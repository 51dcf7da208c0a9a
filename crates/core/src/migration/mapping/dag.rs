//! The flow's DAG: each node as it runs with what it depends on, the nodes in dependency
//! order, and the conditions each node runs under. The edges come from `${node.output}`
//! references and `activate.when`, never from the order the nodes are listed in.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::references::{references, value_references, Reference};
use super::values::value_json;
use super::variants::effective_node;
use super::{Condition, END_ID, START_ID};
use crate::error::Result;
use crate::migration::flow_yaml::{FlowDefinition, FlowNode};

/// Guards: the conditions under which a node runs, as `(source, path, value)`.
pub(super) type Guard = (String, Vec<String>, String);

/// A node as it runs, with its dependencies.
pub(super) struct Resolved {
    pub node: FlowNode,
    pub variants: Vec<String>,
    pub deps: BTreeSet<String>,
    pub flow_inputs: BTreeSet<String>,
    pub activate: Option<Condition>,
}

/// Every node as it runs (in listing order), its names and references checked against the
/// flow: the first problem is refused at its line.
pub(super) fn resolve(flow: &FlowDefinition) -> Result<Vec<Resolved>> {
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
    Ok(resolved)
}

/// The nodes in dependency order (Kahn), ties broken by listing order so reports are stable.
/// A cycle is refused at the line of its first node.
pub(super) fn dependency_order(
    flow: &FlowDefinition,
    resolved: Vec<Resolved>,
) -> Result<Vec<Resolved>> {
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
    let mut slots: Vec<Option<Resolved>> = resolved.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// A node runs under its own condition and under every condition all of its upstream nodes
/// share. `ordered` is in dependency order, so a node's sources are seen before it.
pub(super) fn guards(ordered: &[Resolved]) -> HashMap<String, BTreeSet<Guard>> {
    let mut guards: HashMap<String, BTreeSet<Guard>> = HashMap::new();
    for r in ordered {
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
    guards
}
