// The app's commands are declared once, in src/commands/declared.rs. This script reads their
// names from that same file: tauri-build turns each into an `allow-<name>` permission, and
// `permissions/app-commands.toml` (written here) groups them into the one set that
// `capabilities/main-window.json` grants. Only the names matter here; the types are the
// crate's business.
macro_rules! app_commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? )
            $(channel ( $channel:ident : $update:ty ))?
            -> $answer:ty = $body:path;
    )*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("src/commands/declared.rs");

const PERMISSION_SET: &str = "permissions/app-commands.toml";

/// The permission set of every declared command, in the order declared.
fn permission_set() -> String {
    let mut text = String::from(
        "# Written by build.rs from src/commands/declared.rs. Do not edit.\n\
         [[set]]\n\
         identifier = \"allow-app-commands\"\n\
         description = \"Every command of the app itself; nothing from plugins or the core.\"\n\
         permissions = [\n",
    );
    for name in COMMANDS {
        text.push_str(&format!("  \"allow-{}\",\n", name.replace('_', "-")));
    }
    text.push_str("]\n");
    text
}

fn main() {
    println!("cargo:rerun-if-changed=src/commands/declared.rs");
    let set = permission_set();
    // Written only when it changes, so that a build never touches a file it need not.
    if std::fs::read_to_string(PERMISSION_SET).ok().as_deref() != Some(set.as_str()) {
        if let Err(error) = std::fs::write(PERMISSION_SET, set) {
            panic!("could not write {PERMISSION_SET}: {error}");
        }
    }
    // The app's configuration lives at the repository root (tauri.conf.json), not in this folder.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
