//! Resource names compare without regard to case, as Azure's do.

use serde_json::Value;

/// Whether the resource `v` (any JSON with a `name`) is called `name`.
pub fn is_named(v: &Value, name: &str) -> bool {
    v["name"]
        .as_str()
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
}
