/// The app's own commands. tauri-build turns each into an `allow-<name>` permission, which
/// `permissions/app-commands.toml` groups and `capabilities/main-window.json` grants.
const COMMANDS: &[&str] = &[
    "app_info",
    "validate_runtime_name",
    "open_logs_folder",
    "frontend_ready",
];

fn main() {
    // The app's configuration lives at the repository root (tauri.conf.json), not in this folder.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
