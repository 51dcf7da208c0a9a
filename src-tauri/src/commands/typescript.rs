//! The typed TypeScript client of the declared commands (`ui/src/backend/commands.ts`): one
//! function per command with its arguments named and typed, a map of every command's arguments
//! and answer (for the UI's mocks), and the list of names. The test below fails when the
//! checked-in file drifts from the declarations; `cargo xtask bindings` rewrites it.

use std::collections::BTreeSet;
use std::fmt::Write;

/// Relative path (from the repository root) of the generated file.
pub const CLIENT_PATH: &str = "ui/src/backend/commands.ts";

/// One declared command, its types already written as TypeScript.
pub struct Declaration {
    pub name: &'static str,
    pub docs: Vec<&'static str>,
    pub arguments: Vec<(&'static str, String)>,
    pub channel: Option<(&'static str, String)>,
    pub answer: String,
}

/// `sign_in_device_code` → `signInDeviceCode` (Tauri's own renaming of argument keys).
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

const NULLABLE: &str = " | null";

/// A function's parameters: an `Option` at the end of the list may be left out (`name?: T`).
fn parameters(arguments: &[(&str, String)]) -> Vec<(String, String, bool)> {
    let mut optional_from = arguments.len();
    while optional_from > 0 && arguments[optional_from - 1].1.ends_with(NULLABLE) {
        optional_from -= 1;
    }
    arguments
        .iter()
        .enumerate()
        .map(|(index, (name, ts))| {
            if index >= optional_from {
                let inner = ts.trim_end_matches(NULLABLE).to_owned();
                (camel_case(name), inner, true)
            } else {
                (camel_case(name), ts.clone(), false)
            }
        })
        .collect()
}

/// The type names a TypeScript type refers to, for the import from `bindings.ts`.
fn referenced_types(ts: &str, into: &mut BTreeSet<String>) {
    const BUILT_IN: &[&str] = &[
        "string",
        "number",
        "boolean",
        "null",
        "undefined",
        "bigint",
        "unknown",
        "never",
        "Array",
        "Record",
        "Partial",
    ];
    for word in ts.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with(|c: char| c.is_ascii_alphabetic()) && !BUILT_IN.contains(&word) {
            into.insert(word.to_owned());
        }
    }
}

pub fn render(declarations: &[Declaration]) -> String {
    let mut types = BTreeSet::new();
    for declaration in declarations {
        for (_, ts) in &declaration.arguments {
            referenced_types(ts, &mut types);
        }
        if let Some((_, ts)) = &declaration.channel {
            referenced_types(ts, &mut types);
        }
        referenced_types(&declaration.answer, &mut types);
    }
    let mut out = String::from(
        "// Generated from src-tauri/src/commands/declared.rs by `cargo xtask bindings`. Do not edit.\n\
         import { Channel } from '@tauri-apps/api/core';\n",
    );
    let _ = writeln!(
        out,
        "import type {{ {} }} from './bindings';\n",
        types.into_iter().collect::<Vec<_>>().join(", ")
    );

    out.push_str(
        "/** Every command's arguments (as sent) and answer. */\nexport interface Commands {\n",
    );
    for declaration in declarations {
        let mut fields: Vec<String> = parameters(&declaration.arguments)
            .into_iter()
            .map(|(name, ts, optional)| format!("{name}{}: {ts}", if optional { "?" } else { "" }))
            .collect();
        if let Some((name, ts)) = &declaration.channel {
            fields.push(format!("{}: Channel<{ts}>", camel_case(name)));
        }
        let args = if fields.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            format!("{{ {} }}", fields.join("; "))
        };
        let _ = writeln!(
            out,
            "  {}: {{ args: {args}; answer: {} }};",
            declaration.name, declaration.answer
        );
    }
    out.push_str("}\n\nexport type CommandName = keyof Commands;\n\n");

    out.push_str("/** Every command, in the order they are declared. */\nexport const COMMAND_NAMES: readonly CommandName[] = [\n");
    for declaration in declarations {
        let _ = writeln!(out, "  '{}',", declaration.name);
    }
    out.push_str("];\n\n");

    out.push_str(
        "/** Sends one command and resolves with its answer (the caller maps failures). */\n\
         export type Call = <K extends CommandName>(command: K, args: Commands[K]['args']) => Promise<Commands[K]['answer']>;\n\n\
         /** One typed function per command. */\n\
         export function commandClient(call: Call) {\n  return {\n",
    );
    for declaration in declarations {
        for doc in &declaration.docs {
            let _ = writeln!(out, "    /** {doc} */");
        }
        let method = camel_case(declaration.name);
        let params = parameters(&declaration.arguments);
        let mut signature: Vec<String> = Vec::new();
        let mut keys: Vec<String> = params.iter().map(|(name, _, _)| name.clone()).collect();
        if let Some((name, ts)) = &declaration.channel {
            signature.push(format!("{}: (update: {ts}) => void", camel_case(name)));
        }
        signature.extend(params.iter().map(|(name, ts, optional)| {
            format!("{name}{}: {ts}", if *optional { "?" } else { "" })
        }));
        let signature = signature.join(", ");
        match &declaration.channel {
            None => {
                let payload = if keys.is_empty() {
                    "{}".to_owned()
                } else {
                    format!("{{ {} }}", keys.join(", "))
                };
                let _ = writeln!(
                    out,
                    "    {method}: ({signature}) => call('{}', {payload}),",
                    declaration.name
                );
            }
            Some((name, ts)) => {
                let callback = camel_case(name);
                keys.push(format!("{callback}: channel"));
                let _ = writeln!(
                    out,
                    "    {method}: ({signature}) => {{\n      const channel = new Channel<{ts}>();\n      channel.onmessage = {callback};\n      return call('{}', {{ {} }});\n    }},",
                    declaration.name,
                    keys.join(", ")
                );
            }
        }
    }
    out.push_str("  };\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn checked_in_typescript_client_matches_the_declared_commands() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(CLIENT_PATH);
        let expected = render(&super::super::declarations());
        if std::env::var_os("PFRM_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} is out of date with src-tauri/src/commands/declared.rs; run `cargo xtask bindings` and commit the result.\n--- expected ---\n{expected}",
            path.display()
        );
    }

    #[test]
    fn every_command_is_granted_to_the_main_window_and_besides_only_the_open_and_save_dialogs() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let set = std::fs::read_to_string(root.join("permissions/app-commands.toml")).unwrap();
        let granted: Vec<&str> = set
            .lines()
            .filter_map(|line| line.trim().strip_prefix("\"allow-"))
            .filter_map(|rest| rest.strip_suffix("\","))
            .collect();
        let declared: Vec<String> = super::super::declarations()
            .iter()
            .map(|declaration| declaration.name.replace('_', "-"))
            .collect();
        assert_eq!(granted, declared);
        let capability =
            std::fs::read_to_string(root.join("capabilities/main-window.json")).unwrap();
        let capability: serde_json::Value = serde_json::from_str(&capability).unwrap();
        // The dialogs let the user pick a path; reading or writing files goes through the
        // app's own commands, so no `fs` permission and no other dialog (message, ask).
        assert_eq!(
            capability["permissions"],
            serde_json::json!([
                "allow-app-commands",
                "dialog:allow-open",
                "dialog:allow-save"
            ])
        );
    }

    #[test]
    fn an_option_at_the_end_may_be_left_out_but_not_one_before_a_required_argument() {
        let params = parameters(&[
            ("workspace_id", "string | null".into()),
            ("name", "string".into()),
            ("tenant", "string | null".into()),
        ]);
        assert_eq!(
            params,
            vec![
                ("workspaceId".into(), "string | null".into(), false),
                ("name".into(), "string".into(), false),
                ("tenant".into(), "string".into(), true),
            ]
        );
    }
}
