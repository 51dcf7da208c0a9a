//! Node variants: a node that uses variants runs as its default variant, so the mapping (and
//! the scaffold) read that one and list the others for the developer to compare.

use crate::error::Result;
use crate::migration::flow_yaml::{FlowDefinition, FlowNode};

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
