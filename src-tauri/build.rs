// The app's commands are declared once, in src/commands/declared.rs: one `fn name(...)` entry
// each in its `app_commands!` list. This script reads their names from that file:
// tauri-build turns each into an `allow-<name>` permission, and `permissions/app-commands.toml`
// (written here) groups them into the one set that `capabilities/main-window.json` grants. Only
// the names matter here, so the file is read as text rather than expanded as the crate does; a
// test (src/commands/typescript.rs) checks that the set names exactly the declared commands.

const DECLARED: &str = "src/commands/declared.rs";
const PERMISSION_SET: &str = "permissions/app-commands.toml";

/// The declared commands' names, in the order declared: the word after `fn ` at the start of a
/// line (documentation and comments start with `//`).
fn declared_commands(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix("fn "))
        .filter_map(|entry| entry.split('(').next())
        .map(str::trim)
        .collect()
}

/// The permission set of every declared command, in the order declared.
fn permission_set(commands: &[&str]) -> String {
    let mut text = String::from(
        "# Written by build.rs from src/commands/declared.rs. Do not edit.\n\
         [[set]]\n\
         identifier = \"allow-app-commands\"\n\
         description = \"Every command of the app itself; nothing from plugins or the core.\"\n\
         permissions = [\n",
    );
    for name in commands {
        text.push_str(&format!("  \"allow-{}\",\n", name.replace('_', "-")));
    }
    text.push_str("]\n");
    text
}

fn main() {
    println!("cargo:rerun-if-changed={DECLARED}");
    let declared = match std::fs::read_to_string(DECLARED) {
        Ok(text) => text,
        Err(error) => panic!("could not read {DECLARED}: {error}"),
    };
    // tauri-build keeps the list for the whole build; a build script runs once.
    let commands: &'static [&'static str] = Vec::leak(declared_commands(String::leak(declared)));
    let set = permission_set(commands);
    // Written only when it changes, so that a build never touches a file it need not.
    if std::fs::read_to_string(PERMISSION_SET).ok().as_deref() != Some(set.as_str()) {
        if let Err(error) = std::fs::write(PERMISSION_SET, set) {
            panic!("could not write {PERMISSION_SET}: {error}");
        }
    }
    // The app's configuration lives at the repository root (tauri.conf.json), not in this folder.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
