// Every command the UI can call, declared once. From this list come the Tauri commands and their
// handler list (`commands/mod.rs`), the `allow-<name>` permissions and the set the main window is
// granted (`build.rs`, `permissions/app-commands.toml`), and the typed TypeScript client
// (`ui/src/backend/commands.ts`, `cargo xtask bindings`; a test fails when it drifts).
//
// One entry: `fn name(argument: Type, ...) [channel(name: Update)] -> Answer = module::function;`
// The function takes `&Host` and the arguments in this order (then the channel), and returns
// `Reply<Answer>`. Argument and answer types cross IPC, so each is in `bindings.ts`. A channel
// streams updates to a callback while the command runs (and after, if the command keeps it).
app_commands! {
    // The app itself.
    /// The app's name, version, folders and start-up warnings.
    fn app_info() -> AppInfo = app::app_info;
    /// Whether a runtime name is allowed (the same rule the service applies).
    fn validate_runtime_name(name: String) -> () = app::validate_runtime_name;
    /// The name to offer for a runtime on the instance: `rt-<instance>`, none of `taken`.
    fn suggest_runtime_name(instance_name: Option<String>, taken: Vec<String>) -> String
        = app::suggest_runtime_name;
    fn open_logs_folder() -> () = app::open_logs_folder;
    /// Gathers a diagnostics bundle (redacted) and lists its files; nothing is written yet. It
    /// covers the workspace shown last and its failed runtime.
    fn prepare_diagnostics() -> BundleSummary = diagnostics::prepare_diagnostics;
    /// Saves the bundle listed by `prepareDiagnostics` as a zip at `path` (a full path).
    fn save_diagnostics(bundle_id: String, path: String) -> SavedBundle
        = diagnostics::save_diagnostics;
    /// Shows the bundle saved last in the file manager.
    fn show_saved_diagnostics() -> () = diagnostics::show_saved_diagnostics;
    /// Opens an https link to Azure or Microsoft's documentation in the system browser; any
    /// other address is refused.
    fn open_link(url: String) -> () = app::open_link;
    /// Tells the backend the first screen is painted and takes input (start-up timing).
    fn frontend_ready() -> () = app::frontend_ready;
    /// An OS notification, shown only while the app's window does not have the focus.
    fn notify_when_unfocused(title: String, body: String) -> bool = app::notify_when_unfocused;
    /// Looks for a newer, signed version of the app; downloads nothing.
    fn check_app_update() -> AppUpdateCheck = crate::app_update::check_app_update;
    /// Downloads the version the last check offered, verifies its signature, installs it and
    /// restarts the app. Only on the user's request.
    fn install_app_update() -> () = crate::app_update::install_app_update;
    /// The page and workspace the app was left on, to open there again.
    fn last_place() -> LastPlace = app::last_place;
    /// Remembers the page and workspace shown now (each when given).
    fn remember_place(page: Option<String>, workspace_id: Option<String>) -> LastPlace
        = app::remember_place;
    /// `onItem` receives the id of each native menu item the page handles (ui/src/menu.ts).
    fn watch_menu() channel(on_item: String) -> () = crate::menu::watch_menu;

    // Session: sign-in, accounts, sandbox.
    fn session_status() -> SessionStatus = account::session_status;
    fn start_sandbox() -> SessionStatus = account::start_sandbox;
    fn leave_sandbox() -> SessionStatus = account::leave_sandbox;
    fn sign_in_browser(tenant: Option<String>) -> SessionStatus = account::sign_in_browser;
    /// `onPrompt` receives the code and page to show while the backend waits for the user.
    fn sign_in_device_code(tenant: Option<String>) channel(on_prompt: DeviceCodePrompt)
        -> SessionStatus = account::sign_in_device_code;
    fn sign_in_azure_cli(tenant: Option<String>) -> SessionStatus = account::sign_in_azure_cli;
    fn cancel_sign_in() -> () = account::cancel_sign_in;
    fn sign_out(account_id: String) -> SessionStatus = account::sign_out;
    fn switch_account(account_id: String) -> SessionStatus = account::switch_account;
    fn list_tenants(account_id: String) -> Vec<Tenant> = account::list_tenants;
    fn switch_tenant(account_id: String, tenant_id: String) -> SessionStatus
        = account::switch_tenant;

    // Workspaces, preflight and runtimes.
    fn list_workspaces() -> WorkspaceListing = runtimes::list_workspaces;
    fn check_workspace(workspace_id: String) -> WorkspaceCheck = runtimes::check_workspace;
    fn list_runtimes(workspace_id: String) -> Vec<RuntimeSummary> = runtimes::list_runtimes;
    fn runtime_details(workspace_id: String, runtime_name: String) -> RuntimeDetails
        = runtimes::runtime_details;
    fn list_compute_instances(workspace_id: String, new_app_name: Option<String>)
        -> Vec<InstanceChoice> = runtimes::list_compute_instances;
    /// The workspace's instances that are someone else's, with whom each is assigned to.
    fn list_others_compute_instances(workspace_id: String) -> Vec<OthersInstance>
        = runtimes::list_others_compute_instances;
    fn list_environments(workspace_id: String) -> Vec<EnvironmentChoice>
        = runtimes::list_environments;
    /// The image checks of the environment chosen for a new runtime (`environment`: its asset
    /// id): in Azure Container Registry, tagged, the tag pushed, pullable by the workspace.
    fn check_environment_image(workspace_id: String, environment: String) -> PreflightReport
        = runtimes::check_environment_image;
    /// Whether the wizard's "authenticate on the compute instance" step is due for this region.
    fn instance_sign_in_status(instance_name: String, region: String) -> InstanceSignInStatus
        = runtimes::instance_sign_in_status;
    fn open_instance_sign_in(instance_name: String, region: String) -> ()
        = runtimes::open_instance_sign_in;
    fn record_instance_sign_in(instance_name: String, region: String) -> InstanceSignInStatus
        = runtimes::record_instance_sign_in;
    fn check_custom_app(workspace_id: String, instance_name: String, app_name: String)
        -> CustomAppAvailability = runtimes::check_custom_app;
    fn create_runtime(request: CreateRuntimeRequest) -> RuntimeDetails = runtimes::create_runtime;
    fn start_compute_instance(workspace_id: String, instance_name: String)
        -> ComputeInstanceSummary = runtimes::start_compute_instance;
    fn delete_runtime(request: DeleteRuntimeRequest) -> () = runtimes::delete_runtime;

    // Long operations (the Activity panel).
    fn list_operations() -> Vec<OperationSnapshot> = operations::list_operations;
    fn cancel_operation(operation_id: String) -> () = operations::cancel_operation;
    fn clear_finished_operations() -> () = operations::clear_finished_operations;
    /// Every change to any operation, starting with the current list.
    fn watch_operations() channel(on_update: OperationSnapshot) -> ()
        = operations::watch_operations;

    // Permissions: who may grant, people, endpoints, assignments, grant and revoke.
    fn grant_ability(workspace_id: String) -> GrantAbility = permissions::grant_ability;
    fn find_user(email_or_upn: String) -> PrincipalSummary = permissions::find_user;
    /// Every assignment that applies to the workspace, or only `principalId`'s.
    fn list_role_assignments(workspace_id: String, principal_id: Option<String>)
        -> Vec<WorkspaceRoleAssignment> = permissions::list_role_assignments;
    fn list_endpoint_identities(workspace_id: String) -> Vec<EndpointIdentity>
        = permissions::list_endpoint_identities;
    /// Resolves once Azure applies the role or the wait's limit passes (see `visible`).
    fn grant_data_scientist(request: GrantRequest) -> GrantOutcome
        = permissions::grant_data_scientist;
    fn revoke_role_assignment(request: RevokeRequest) -> RevokeOutcome
        = permissions::revoke_role_assignment;

    // Versions and updates.
    fn check_runtime_version(workspace_id: String, runtime_name: String) -> RuntimeVersionStatus
        = updates::check_runtime_version;
    fn check_workspace_versions(workspace_ids: Vec<String>) -> FleetVersionReport
        = updates::check_workspace_versions;
    fn custom_environment_guidance(workspace_id: String, runtime_name: String)
        -> CustomEnvironmentGuidance = updates::custom_environment_guidance;
    /// Runs as an operation (progress through `watchOperations`); resolves when it has ended.
    fn update_runtime(request: UpdateRuntimeRequest) -> UpdateOutcome = updates::update_runtime;
    fn update_all_outdated(request: UpdateAllRequest) -> UpdateAllSummary
        = updates::update_all_outdated;
    fn update_preferences() -> UpdatePreferences = updates::update_preferences;
    fn set_check_updates_at_startup(enabled: bool) -> UpdatePreferences
        = updates::set_check_updates_at_startup;

    // Prompt flow's retirement.
    fn retirement_status() -> RetirementStatus = migration::retirement_status;
    fn dismiss_retirement_notice() -> RetirementStatus = migration::dismiss_retirement_notice;
    fn open_migration_guide() -> () = migration::open_migration_guide;
    /// What prompt flow is left in the workspaces (all of them with `all_workspaces`).
    fn take_inventory(workspace_ids: Vec<String>, all_workspaces: bool) -> Inventory
        = migration::take_inventory;
    /// Writes the inventory to the Downloads folder; answers the file's path.
    fn save_inventory(inventory: Inventory, format: ExportFormat) -> String
        = migration::save_inventory;
    /// A workspace flow's audit: its node-by-node mapping to Agent Framework and what has no
    /// direct equivalent.
    fn audit_flow(workspace_id: String, flow_id: String) -> FlowAudit = migration::audit_flow;
    /// A workspace flow's Agent Framework project, written to `out_dir`.
    fn export_flow_project(workspace_id: String, flow_id: String, out_dir: String)
        -> ScaffoldResult = migration::export_flow_project;
    /// What can go from the workspace once its flows have moved (`moved_flows` unset: all).
    fn decommission_plan(workspace_id: String, moved_flows: Option<Vec<String>>)
        -> DecommissionPlan = migration::decommission_plan;
    /// Runs as an operation (progress through `watchOperations`); resolves when it has ended.
    fn decommission_apply(request: DecommissionRequest) -> DecommissionReport
        = migration::decommission_apply;
}
