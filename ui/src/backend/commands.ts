// Generated from src-tauri/src/commands/declared.rs by `cargo xtask bindings`. Do not edit.
import { Channel } from '@tauri-apps/api/core';
import type { AppInfo, AppUpdateCheck, BundleSummary, ComputeInstanceSummary, CreateRuntimeRequest, CustomAppAvailability, CustomEnvironmentGuidance, DecommissionPlan, DecommissionReport, DecommissionRequest, DeleteRuntimeRequest, DeviceCodePrompt, EndpointIdentity, EnvironmentChoice, ExportFormat, FleetVersionReport, FlowAudit, GrantAbility, GrantOutcome, GrantRequest, InstanceChoice, InstanceSignInStatus, Inventory, LastPlace, OperationSnapshot, OthersInstance, PreflightReport, PrincipalSummary, RetirementStatus, RevokeOutcome, RevokeRequest, RuntimeDetails, RuntimeSummary, RuntimeVersionStatus, SavedBundle, ScaffoldResult, SessionStatus, Tenant, UpdateAllRequest, UpdateAllSummary, UpdateOutcome, UpdatePreferences, UpdateRuntimeRequest, WorkspaceCheck, WorkspaceListing, WorkspaceRoleAssignment } from './bindings';

/** Every command's arguments (as sent) and answer. */
export interface Commands {
  app_info: { args: Record<string, never>; answer: AppInfo };
  validate_runtime_name: { args: { name: string }; answer: null };
  suggest_runtime_name: { args: { instanceName: string | null; taken: Array<string> }; answer: string };
  open_logs_folder: { args: Record<string, never>; answer: null };
  prepare_diagnostics: { args: Record<string, never>; answer: BundleSummary };
  save_diagnostics: { args: { bundleId: string; path: string }; answer: SavedBundle };
  show_saved_diagnostics: { args: Record<string, never>; answer: null };
  open_link: { args: { url: string }; answer: null };
  frontend_ready: { args: Record<string, never>; answer: null };
  notify_when_unfocused: { args: { title: string; body: string }; answer: boolean };
  check_app_update: { args: Record<string, never>; answer: AppUpdateCheck };
  install_app_update: { args: Record<string, never>; answer: null };
  last_place: { args: Record<string, never>; answer: LastPlace };
  remember_place: { args: { page?: string; workspaceId?: string }; answer: LastPlace };
  watch_menu: { args: { onItem: Channel<string> }; answer: null };
  session_status: { args: Record<string, never>; answer: SessionStatus };
  start_sandbox: { args: Record<string, never>; answer: SessionStatus };
  leave_sandbox: { args: Record<string, never>; answer: SessionStatus };
  sign_in_browser: { args: { tenant?: string }; answer: SessionStatus };
  sign_in_device_code: { args: { tenant?: string; onPrompt: Channel<DeviceCodePrompt> }; answer: SessionStatus };
  sign_in_azure_cli: { args: { tenant?: string }; answer: SessionStatus };
  cancel_sign_in: { args: Record<string, never>; answer: null };
  sign_out: { args: { accountId: string }; answer: SessionStatus };
  switch_account: { args: { accountId: string }; answer: SessionStatus };
  list_tenants: { args: { accountId: string }; answer: Array<Tenant> };
  switch_tenant: { args: { accountId: string; tenantId: string }; answer: SessionStatus };
  list_workspaces: { args: Record<string, never>; answer: WorkspaceListing };
  check_workspace: { args: { workspaceId: string }; answer: WorkspaceCheck };
  list_runtimes: { args: { workspaceId: string }; answer: Array<RuntimeSummary> };
  runtime_details: { args: { workspaceId: string; runtimeName: string }; answer: RuntimeDetails };
  list_compute_instances: { args: { workspaceId: string; newAppName?: string }; answer: Array<InstanceChoice> };
  list_others_compute_instances: { args: { workspaceId: string }; answer: Array<OthersInstance> };
  list_environments: { args: { workspaceId: string }; answer: Array<EnvironmentChoice> };
  check_environment_image: { args: { workspaceId: string; environment: string }; answer: PreflightReport };
  instance_sign_in_status: { args: { instanceName: string; region: string }; answer: InstanceSignInStatus };
  open_instance_sign_in: { args: { instanceName: string; region: string }; answer: null };
  record_instance_sign_in: { args: { instanceName: string; region: string }; answer: InstanceSignInStatus };
  check_custom_app: { args: { workspaceId: string; instanceName: string; appName: string }; answer: CustomAppAvailability };
  create_runtime: { args: { request: CreateRuntimeRequest }; answer: RuntimeDetails };
  start_compute_instance: { args: { workspaceId: string; instanceName: string }; answer: ComputeInstanceSummary };
  delete_runtime: { args: { request: DeleteRuntimeRequest }; answer: null };
  list_operations: { args: Record<string, never>; answer: Array<OperationSnapshot> };
  cancel_operation: { args: { operationId: string }; answer: null };
  clear_finished_operations: { args: Record<string, never>; answer: null };
  watch_operations: { args: { onUpdate: Channel<OperationSnapshot> }; answer: null };
  grant_ability: { args: { workspaceId: string }; answer: GrantAbility };
  find_user: { args: { emailOrUpn: string }; answer: PrincipalSummary };
  list_role_assignments: { args: { workspaceId: string; principalId?: string }; answer: Array<WorkspaceRoleAssignment> };
  list_endpoint_identities: { args: { workspaceId: string }; answer: Array<EndpointIdentity> };
  grant_data_scientist: { args: { request: GrantRequest }; answer: GrantOutcome };
  revoke_role_assignment: { args: { request: RevokeRequest }; answer: RevokeOutcome };
  check_runtime_version: { args: { workspaceId: string; runtimeName: string }; answer: RuntimeVersionStatus };
  check_workspace_versions: { args: { workspaceIds: Array<string> }; answer: FleetVersionReport };
  custom_environment_guidance: { args: { workspaceId: string; runtimeName: string }; answer: CustomEnvironmentGuidance };
  update_runtime: { args: { request: UpdateRuntimeRequest }; answer: UpdateOutcome };
  update_all_outdated: { args: { request: UpdateAllRequest }; answer: UpdateAllSummary };
  update_preferences: { args: Record<string, never>; answer: UpdatePreferences };
  set_check_updates_at_startup: { args: { enabled: boolean }; answer: UpdatePreferences };
  retirement_status: { args: Record<string, never>; answer: RetirementStatus };
  dismiss_retirement_notice: { args: Record<string, never>; answer: RetirementStatus };
  open_migration_guide: { args: Record<string, never>; answer: null };
  take_inventory: { args: { workspaceIds: Array<string>; allWorkspaces: boolean }; answer: Inventory };
  save_inventory: { args: { inventory: Inventory; format: ExportFormat }; answer: string };
  audit_flow: { args: { workspaceId: string; flowId: string }; answer: FlowAudit };
  export_flow_project: { args: { workspaceId: string; flowId: string; outDir: string }; answer: ScaffoldResult };
  decommission_plan: { args: { workspaceId: string; movedFlows?: Array<string> }; answer: DecommissionPlan };
  decommission_apply: { args: { request: DecommissionRequest }; answer: DecommissionReport };
}

export type CommandName = keyof Commands;

/** Every command, in the order they are declared. */
export const COMMAND_NAMES: readonly CommandName[] = [
  'app_info',
  'validate_runtime_name',
  'suggest_runtime_name',
  'open_logs_folder',
  'prepare_diagnostics',
  'save_diagnostics',
  'show_saved_diagnostics',
  'open_link',
  'frontend_ready',
  'notify_when_unfocused',
  'check_app_update',
  'install_app_update',
  'last_place',
  'remember_place',
  'watch_menu',
  'session_status',
  'start_sandbox',
  'leave_sandbox',
  'sign_in_browser',
  'sign_in_device_code',
  'sign_in_azure_cli',
  'cancel_sign_in',
  'sign_out',
  'switch_account',
  'list_tenants',
  'switch_tenant',
  'list_workspaces',
  'check_workspace',
  'list_runtimes',
  'runtime_details',
  'list_compute_instances',
  'list_others_compute_instances',
  'list_environments',
  'check_environment_image',
  'instance_sign_in_status',
  'open_instance_sign_in',
  'record_instance_sign_in',
  'check_custom_app',
  'create_runtime',
  'start_compute_instance',
  'delete_runtime',
  'list_operations',
  'cancel_operation',
  'clear_finished_operations',
  'watch_operations',
  'grant_ability',
  'find_user',
  'list_role_assignments',
  'list_endpoint_identities',
  'grant_data_scientist',
  'revoke_role_assignment',
  'check_runtime_version',
  'check_workspace_versions',
  'custom_environment_guidance',
  'update_runtime',
  'update_all_outdated',
  'update_preferences',
  'set_check_updates_at_startup',
  'retirement_status',
  'dismiss_retirement_notice',
  'open_migration_guide',
  'take_inventory',
  'save_inventory',
  'audit_flow',
  'export_flow_project',
  'decommission_plan',
  'decommission_apply',
];

/** Sends one command and resolves with its answer (the caller maps failures). */
export type Call = <K extends CommandName>(command: K, args: Commands[K]['args']) => Promise<Commands[K]['answer']>;

/** One typed function per command. */
export function commandClient(call: Call) {
  return {
    /** The app's name, version, folders and start-up warnings. */
    appInfo: () => call('app_info', {}),
    /** Whether a runtime name is allowed (the same rule the service applies). */
    validateRuntimeName: (name: string) => call('validate_runtime_name', { name }),
    /** The name to offer for a runtime on the instance: `rt-<instance>`, none of `taken`. */
    suggestRuntimeName: (instanceName: string | null, taken: Array<string>) => call('suggest_runtime_name', { instanceName, taken }),
    openLogsFolder: () => call('open_logs_folder', {}),
    /** Gathers a diagnostics bundle (redacted) and lists its files; nothing is written yet. It */
    /** covers the workspace shown last and its failed runtime. */
    prepareDiagnostics: () => call('prepare_diagnostics', {}),
    /** Saves the bundle listed by `prepareDiagnostics` as a zip at `path` (a full path). */
    saveDiagnostics: (bundleId: string, path: string) => call('save_diagnostics', { bundleId, path }),
    /** Shows the bundle saved last in the file manager. */
    showSavedDiagnostics: () => call('show_saved_diagnostics', {}),
    /** Opens an https link to Azure or Microsoft's documentation in the system browser; any */
    /** other address is refused. */
    openLink: (url: string) => call('open_link', { url }),
    /** Tells the backend the first screen is painted and takes input (start-up timing). */
    frontendReady: () => call('frontend_ready', {}),
    /** An OS notification, shown only while the app's window does not have the focus. */
    notifyWhenUnfocused: (title: string, body: string) => call('notify_when_unfocused', { title, body }),
    /** Looks for a newer, signed version of the app; downloads nothing. */
    checkAppUpdate: () => call('check_app_update', {}),
    /** Downloads the version the last check offered, verifies its signature, installs it and */
    /** restarts the app. Only on the user's request. */
    installAppUpdate: () => call('install_app_update', {}),
    /** The page and workspace the app was left on, to open there again. */
    lastPlace: () => call('last_place', {}),
    /** Remembers the page and workspace shown now (each when given). */
    rememberPlace: (page?: string, workspaceId?: string) => call('remember_place', { page, workspaceId }),
    /** `onItem` receives the id of each native menu item the page handles (ui/src/menu.ts). */
    watchMenu: (onItem: (update: string) => void) => {
      const channel = new Channel<string>();
      channel.onmessage = onItem;
      return call('watch_menu', { onItem: channel });
    },
    sessionStatus: () => call('session_status', {}),
    startSandbox: () => call('start_sandbox', {}),
    leaveSandbox: () => call('leave_sandbox', {}),
    signInBrowser: (tenant?: string) => call('sign_in_browser', { tenant }),
    /** `onPrompt` receives the code and page to show while the backend waits for the user. */
    signInDeviceCode: (onPrompt: (update: DeviceCodePrompt) => void, tenant?: string) => {
      const channel = new Channel<DeviceCodePrompt>();
      channel.onmessage = onPrompt;
      return call('sign_in_device_code', { tenant, onPrompt: channel });
    },
    signInAzureCli: (tenant?: string) => call('sign_in_azure_cli', { tenant }),
    cancelSignIn: () => call('cancel_sign_in', {}),
    signOut: (accountId: string) => call('sign_out', { accountId }),
    switchAccount: (accountId: string) => call('switch_account', { accountId }),
    listTenants: (accountId: string) => call('list_tenants', { accountId }),
    switchTenant: (accountId: string, tenantId: string) => call('switch_tenant', { accountId, tenantId }),
    listWorkspaces: () => call('list_workspaces', {}),
    checkWorkspace: (workspaceId: string) => call('check_workspace', { workspaceId }),
    listRuntimes: (workspaceId: string) => call('list_runtimes', { workspaceId }),
    runtimeDetails: (workspaceId: string, runtimeName: string) => call('runtime_details', { workspaceId, runtimeName }),
    listComputeInstances: (workspaceId: string, newAppName?: string) => call('list_compute_instances', { workspaceId, newAppName }),
    /** The workspace's instances that are someone else's, with whom each is assigned to. */
    listOthersComputeInstances: (workspaceId: string) => call('list_others_compute_instances', { workspaceId }),
    listEnvironments: (workspaceId: string) => call('list_environments', { workspaceId }),
    /** The image checks of the environment chosen for a new runtime (`environment`: its asset */
    /** id): in Azure Container Registry, tagged, the tag pushed, pullable by the workspace. */
    checkEnvironmentImage: (workspaceId: string, environment: string) => call('check_environment_image', { workspaceId, environment }),
    /** Whether the wizard's "authenticate on the compute instance" step is due for this region. */
    instanceSignInStatus: (instanceName: string, region: string) => call('instance_sign_in_status', { instanceName, region }),
    openInstanceSignIn: (instanceName: string, region: string) => call('open_instance_sign_in', { instanceName, region }),
    recordInstanceSignIn: (instanceName: string, region: string) => call('record_instance_sign_in', { instanceName, region }),
    checkCustomApp: (workspaceId: string, instanceName: string, appName: string) => call('check_custom_app', { workspaceId, instanceName, appName }),
    createRuntime: (request: CreateRuntimeRequest) => call('create_runtime', { request }),
    startComputeInstance: (workspaceId: string, instanceName: string) => call('start_compute_instance', { workspaceId, instanceName }),
    deleteRuntime: (request: DeleteRuntimeRequest) => call('delete_runtime', { request }),
    listOperations: () => call('list_operations', {}),
    cancelOperation: (operationId: string) => call('cancel_operation', { operationId }),
    clearFinishedOperations: () => call('clear_finished_operations', {}),
    /** Every change to any operation, starting with the current list. */
    watchOperations: (onUpdate: (update: OperationSnapshot) => void) => {
      const channel = new Channel<OperationSnapshot>();
      channel.onmessage = onUpdate;
      return call('watch_operations', { onUpdate: channel });
    },
    grantAbility: (workspaceId: string) => call('grant_ability', { workspaceId }),
    findUser: (emailOrUpn: string) => call('find_user', { emailOrUpn }),
    /** Every assignment that applies to the workspace, or only `principalId`'s. */
    listRoleAssignments: (workspaceId: string, principalId?: string) => call('list_role_assignments', { workspaceId, principalId }),
    listEndpointIdentities: (workspaceId: string) => call('list_endpoint_identities', { workspaceId }),
    /** Resolves once Azure applies the role or the wait's limit passes (see `visible`). */
    grantDataScientist: (request: GrantRequest) => call('grant_data_scientist', { request }),
    revokeRoleAssignment: (request: RevokeRequest) => call('revoke_role_assignment', { request }),
    checkRuntimeVersion: (workspaceId: string, runtimeName: string) => call('check_runtime_version', { workspaceId, runtimeName }),
    checkWorkspaceVersions: (workspaceIds: Array<string>) => call('check_workspace_versions', { workspaceIds }),
    customEnvironmentGuidance: (workspaceId: string, runtimeName: string) => call('custom_environment_guidance', { workspaceId, runtimeName }),
    /** Runs as an operation (progress through `watchOperations`); resolves when it has ended. */
    updateRuntime: (request: UpdateRuntimeRequest) => call('update_runtime', { request }),
    updateAllOutdated: (request: UpdateAllRequest) => call('update_all_outdated', { request }),
    updatePreferences: () => call('update_preferences', {}),
    setCheckUpdatesAtStartup: (enabled: boolean) => call('set_check_updates_at_startup', { enabled }),
    retirementStatus: () => call('retirement_status', {}),
    dismissRetirementNotice: () => call('dismiss_retirement_notice', {}),
    openMigrationGuide: () => call('open_migration_guide', {}),
    /** What prompt flow is left in the workspaces (all of them with `all_workspaces`). */
    takeInventory: (workspaceIds: Array<string>, allWorkspaces: boolean) => call('take_inventory', { workspaceIds, allWorkspaces }),
    /** Writes the inventory to the Downloads folder; answers the file's path. */
    saveInventory: (inventory: Inventory, format: ExportFormat) => call('save_inventory', { inventory, format }),
    /** A workspace flow's audit: its node-by-node mapping to Agent Framework and what has no */
    /** direct equivalent. */
    auditFlow: (workspaceId: string, flowId: string) => call('audit_flow', { workspaceId, flowId }),
    /** A workspace flow's Agent Framework project, written to `out_dir`. */
    exportFlowProject: (workspaceId: string, flowId: string, outDir: string) => call('export_flow_project', { workspaceId, flowId, outDir }),
    /** What can go from the workspace once its flows have moved (`moved_flows` unset: all). */
    decommissionPlan: (workspaceId: string, movedFlows?: Array<string>) => call('decommission_plan', { workspaceId, movedFlows }),
    /** Runs as an operation (progress through `watchOperations`); resolves when it has ended. */
    decommissionApply: (request: DecommissionRequest) => call('decommission_apply', { request }),
  };
}
