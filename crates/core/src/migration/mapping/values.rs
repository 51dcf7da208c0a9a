//! Flow values in the generated Python: YAML values as JSON, flow types as Python types.

use serde_norway::Value;

pub(super) fn python_type(flow_type: &str) -> &'static str {
    match flow_type {
        "string" => "str",
        "int" => "int",
        "double" | "float" => "float",
        "bool" => "bool",
        "list" => "list[Any]",
        "object" => "dict[str, Any]",
        _ => "Any",
    }
}

pub(super) fn value_json(value: &Value) -> String {
    serde_json::to_string(&yaml_to_json(value)).unwrap_or_else(|_| "null".into())
}

/// YAML values as JSON (tags dropped, non-string keys stringified).
pub(crate) fn yaml_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(flag) => serde_json::Value::Bool(*flag),
        Value::Number(number) => {
            serde_json::from_str(&number.to_string()).unwrap_or(serde_json::Value::Null)
        }
        Value::String(text) => serde_json::Value::String(text.clone()),
        Value::Sequence(items) => items.iter().map(yaml_to_json).collect(),
        Value::Mapping(map) => map
            .iter()
            .map(|(key, value)| {
                let key = match key {
                    Value::String(text) => text.clone(),
                    other => value_json(other),
                };
                (key, yaml_to_json(value))
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Tagged(tagged) => yaml_to_json(&tagged.value),
    }
}
