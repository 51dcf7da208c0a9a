/// The app's own commands. tauri-build turns each into an `allow-<name>` permission, which
/// `permissions/app-commands.toml` groups and `capabilities/main-window.json` grants.
const COMMANDS: &[&str] = &[
    "app_info",
    "validate_runtime_name",
    "open_logs_folder",
    "frontend_ready",
    "notify_when_unfocused",
    "instance_sign_in_status",
    "open_instance_sign_in",
    "record_instance_sign_in",
    "check_custom_app",
    "session_status",
    "start_sandbox",
    "leave_sandbox",
    "sign_in_browser",
    "sign_in_device_code",
    "sign_in_azure_cli",
    "cancel_sign_in",
    "sign_out",
    "switch_account",
    "list_tenants",
    "switch_tenant",
    "list_workspaces",
    "check_workspace",
    "list_runtimes",
    "runtime_details",
    "list_compute_instances",
    "list_environments",
    "create_runtime",
    "start_compute_instance",
    "delete_runtime",
    "list_operations",
    "cancel_operation",
    "clear_finished_operations",
    "watch_operations",
    "grant_ability",
    "find_user",
    "list_role_assignments",
    "list_endpoint_identities",
    "grant_data_scientist",
    "revoke_role_assignment",
    "check_runtime_version",
    "check_workspace_versions",
    "custom_environment_guidance",
    "update_runtime",
    "update_all_outdated",
    "update_preferences",
    "set_check_updates_at_startup",
    "retirement_status",
    "dismiss_retirement_notice",
    "open_migration_guide",
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
