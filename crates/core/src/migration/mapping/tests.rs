//! The audit of whole flows: the DAG's order, its edges, and the errors that name a line.

use std::path::Path;

use super::*;

fn audit_of(text: &str) -> FlowAudit {
    let flow = FlowDefinition::parse(text, Path::new("demo/flow.dag.yaml")).unwrap();
    audit(&flow).unwrap()
}

fn audit_error(text: &str, path: &str) -> crate::error::Error {
    let flow = FlowDefinition::parse(text, Path::new(path)).unwrap();
    audit(&flow).unwrap_err()
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
    let error = audit_error(
        "inputs: {}\noutputs: {}\nnodes:\n- name: a\n  type: python\n  inputs:\n    x: ${nothere.output}\n",
        "f/flow.dag.yaml",
    );
    assert!(
        error.message.contains("f/flow.dag.yaml, line 7"),
        "{}",
        error.message
    );
    assert!(error.message.contains("'nothere'"));
}

#[test]
fn a_cycle_is_refused() {
    let error = audit_error(
        "nodes:\n- name: a\n  type: python\n  inputs: {x: '${b.output}'}\n- name: b\n  type: python\n  inputs: {x: '${a.output}'}\n",
        "flow.dag.yaml",
    );
    assert!(error.message.contains("cycle"), "{}", error.message);
    assert!(error.message.contains("line 2"), "{}", error.message);
}
