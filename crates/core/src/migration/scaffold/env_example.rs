//! `.env.example`: the environment variables of the flow's connections and of the inputs whose
//! credential-looking literals were not carried over. Names only, never values.

use std::fmt::Write as _;

use crate::migration::mapping::FlowAudit;

pub(super) fn env_example(audit: &FlowAudit) -> String {
    let mut text = format!(
        "# Environment variables of the `{}` workflow: names only, never values.\n# Fill them in a local .env that is not committed, or use a managed identity where the\n# service allows it (then the keys stay empty).\n",
        audit.name
    );
    if audit.connections.is_empty() && audit.nodes.iter().all(|n| n.secret_inputs.is_empty()) {
        text.push_str("# The flow uses no connections.\n");
    }
    for connection in &audit.connections {
        let _ = writeln!(
            text,
            "\n# Connection `{}` (used by {})",
            connection.name,
            connection.used_by.join(", ")
        );
        for variable in &connection.variables {
            let _ = writeln!(text, "{variable}=");
        }
    }
    for node in &audit.nodes {
        for secret in &node.secret_inputs {
            let _ = writeln!(
                text,
                "\n# Input `{}` of node `{}` (its literal was not carried over)\n{}=",
                secret.input, node.name, secret.variable
            );
        }
    }
    text
}
