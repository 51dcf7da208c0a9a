//! `${…}` references in node inputs, `activate.when` and outputs: the DAG's edges come from
//! them, never from the order the nodes are listed in.

use serde_norway::Value;

/// A `${…}` reference inside a node input or an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reference {
    FlowInput(String),
    Node { name: String, path: Vec<String> },
}

/// Every `${…}` in `text`.
pub(super) fn references(text: &str) -> Vec<Reference> {
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

pub(super) fn value_references(value: &Value, into: &mut Vec<Reference>) {
    match value {
        Value::String(text) => into.extend(references(text)),
        Value::Sequence(items) => items.iter().for_each(|item| value_references(item, into)),
        Value::Mapping(map) => map.values().for_each(|item| value_references(item, into)),
        Value::Tagged(tagged) => value_references(&tagged.value, into),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
