//! Python text: string literals, long texts, JSON values as literals, node inputs as
//! expressions over the workflow state, and executor variable names that are not keywords.

use std::fmt::Write as _;

use serde_norway::Value;

use crate::migration::mapping::yaml_to_json;

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "builder", "workflow",
];

/// A Python variable name for an executor.
pub(super) fn variable(name: &str) -> String {
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
pub(super) fn py_str(text: &str) -> String {
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
pub(super) fn py_block(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"")
        .replace('\r', "");
    format!("\"\"\"\\\n{escaped}\"\"\"")
}

pub(super) fn py_literal(value: &serde_json::Value) -> String {
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
pub(super) fn input_expression(value: &Value) -> String {
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
}
