//! A flow read from the flow service turned back into the folder it came from: `flow.dag.yaml`
//! written from `FlowDto.flow.flowGraph` (and `nodeVariants`), and each code or prompt file
//! from `flowGraph.codes`. The audit and the scaffold then read it like any local flow.

use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::azure::flow::FlowDto;
use crate::error::{Error, ErrorCode, Result};
use crate::migration::flow_yaml::FLOW_FILE;

/// The `flow.dag.yaml` text of a flow graph.
pub fn definition_yaml(flow: &FlowDto) -> Result<String> {
    let name = flow.flow_name.as_deref().unwrap_or(&flow.flow_id);
    let graph = flow
        .flow
        .as_ref()
        .map(|f| &f["flowGraph"])
        .filter(|g| g.is_object())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Service,
                format!("The flow service sent flow '{name}' without its definition (flowGraph)."),
            )
            .with_remedy("Open the flow in the studio once to save it, then try again.")
        })?;
    let mut definition = Map::new();
    for key in ["inputs", "outputs"] {
        if let Some(items) = graph[key].as_object() {
            let cleaned: Map<String, Value> = items
                .iter()
                .map(|(k, v)| (k.clone(), without(v, &["name"])))
                .collect();
            definition.insert(key.into(), Value::Object(cleaned));
        }
    }
    let nodes: Vec<Value> = graph["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|node| {
            let mut node = without(node, &[]);
            // The service says `reduce` where the YAML says `aggregation`.
            if let Some(object) = node.as_object_mut() {
                if let Some(reduce) = object.remove("reduce") {
                    if reduce.as_bool() == Some(true) {
                        object.insert("aggregation".into(), Value::Bool(true));
                    }
                }
            }
            node
        })
        .collect();
    definition.insert("nodes".into(), Value::Array(nodes));
    if let Some(variants) = flow
        .flow
        .as_ref()
        .map(|f| &f["nodeVariants"])
        .filter(|v| v.is_object())
    {
        definition.insert("node_variants".into(), variants.clone());
    }
    serde_norway::to_string(&Value::Object(definition)).map_err(|error| {
        Error::internal(format!(
            "flow '{name}' could not be written as YAML: {error}"
        ))
    })
}

/// `value` without nulls (the service sends every optional field) and without `drop` keys.
fn without(value: &Value, drop: &[&str]) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(k, v)| !v.is_null() && !drop.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), without(v, &[])))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A folder name for the flow: its name with anything but letters, digits, `-`, `_` replaced.
pub fn folder_name(flow: &FlowDto) -> String {
    let name = flow.flow_name.as_deref().unwrap_or(&flow.flow_id);
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.trim_matches('-').is_empty() {
        "flow".into()
    } else {
        cleaned
    }
}

/// Writes the flow's folder under `parent` and returns it. A code path that would leave the
/// folder (absolute, or with `..`) is refused.
pub fn materialize(flow: &FlowDto, parent: &Path) -> Result<PathBuf> {
    let folder = parent.join(folder_name(flow));
    std::fs::create_dir_all(&folder).map_err(|e| write_error(&folder, &e))?;
    let yaml = definition_yaml(flow)?;
    let file = folder.join(FLOW_FILE);
    std::fs::write(&file, yaml).map_err(|e| write_error(&file, &e))?;
    let codes = flow
        .flow
        .as_ref()
        .and_then(|f| f["flowGraph"]["codes"].as_object().cloned())
        .unwrap_or_default();
    for (path, text) in codes {
        let relative = Path::new(&path);
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(Error::new(
                ErrorCode::Service,
                format!("Flow file '{path}' is not inside the flow's folder."),
            )
            .with_remedy("Rename the file in the studio so it sits in the flow's folder."));
        }
        let target = folder.join(relative);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| write_error(dir, &e))?;
        }
        std::fs::write(&target, text.as_str().unwrap_or_default())
            .map_err(|e| write_error(&target, &e))?;
    }
    Ok(folder)
}

fn write_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorCode::Config,
        format!("{} could not be written: {error}", path.display()),
    )
    .with_remedy("Check that the folder is writable and the disk has room.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration::flow_yaml::FlowDefinition;
    use serde_json::json;

    fn dto(graph: Value) -> FlowDto {
        FlowDto {
            flow_id: "f1".into(),
            flow_name: Some("my flow/1".into()),
            flow: Some(json!({"flowGraph": graph, "nodeVariants": null})),
            ..Default::default()
        }
    }

    #[test]
    fn a_service_graph_reads_back_as_the_flow_it_came_from() {
        let flow = dto(json!({
            "inputs": {"q": {"name": "q", "type": "string", "default": null}},
            "outputs": {"a": {"name": "a", "type": "string", "reference": "${grade.output}"}},
            "nodes": [{"name": "grade", "type": "python", "source": {"type": "code", "path": "grade.py", "tool": null},
                       "inputs": {"q": "${inputs.q}"}, "reduce": true, "activate": null}],
            "codes": {"grade.py": "def grade(q):\n    return q\n"}
        }));
        let dir = tempfile::tempdir().unwrap();
        let folder = materialize(&flow, dir.path()).unwrap();
        assert!(folder.ends_with("my-flow-1"));
        let definition = FlowDefinition::read(&folder).unwrap();
        assert_eq!(definition.nodes.len(), 1);
        assert!(
            definition.nodes[0].aggregation,
            "reduce becomes aggregation"
        );
        assert!(!definition.inputs["q"].extra.contains_key("name"));
        assert_eq!(
            std::fs::read_to_string(folder.join("grade.py")).unwrap(),
            "def grade(q):\n    return q\n"
        );
    }

    #[test]
    fn a_code_path_outside_the_folder_is_refused() {
        let flow = dto(json!({"nodes": [], "codes": {"../evil.py": "x"}}));
        let dir = tempfile::tempdir().unwrap();
        let error = materialize(&flow, dir.path()).unwrap_err();
        assert!(error.message.contains("not inside the flow's folder"));
        assert!(!dir.path().join("evil.py").exists());
    }

    #[test]
    fn a_flow_without_its_graph_says_so() {
        let flow = FlowDto {
            flow_id: "f2".into(),
            ..Default::default()
        };
        assert!(definition_yaml(&flow)
            .unwrap_err()
            .message
            .contains("without its definition"));
    }
}
