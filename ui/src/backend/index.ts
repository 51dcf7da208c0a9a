// The one module that talks to the Rust backend. Every command is a typed function here;
// pages never call `invoke` themselves.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  AppError,
  AppInfo,
  ComputeInstanceSummary,
  CreateRuntimeRequest,
  CustomAppAvailability,
  DeleteRuntimeRequest,
  DeviceCodePrompt,
  EndpointIdentity,
  EnvironmentChoice,
  ErrorCode,
  GrantAbility,
  GrantOutcome,
  GrantRequest,
  InstanceChoice,
  InstanceSignInStatus,
  OperationSnapshot,
  PrincipalSummary,
  RevokeOutcome,
  RevokeRequest,
  RuntimeDetails,
  RuntimeSummary,
  SessionStatus,
  TenantSummary,
  WorkspaceCheck,
  WorkspaceListing,
  WorkspaceRoleAssignment,
  RuntimeVersionStatus,
  FleetVersionReport,
  CustomEnvironmentGuidance,
  UpdateRuntimeRequest,
  UpdateOutcome,
  UpdateAllRequest,
  UpdateAllSummary,
  UpdatePreferences,
  RetirementStatus,
} from './bindings';
import { t } from '../i18n';

export type { AppError, AppInfo, ErrorCode };
export type * from './bindings';

/** A failed backend call, carrying the structured error the backend sent. */
export class BackendError extends Error {
  readonly appError: AppError;
  constructor(appError: AppError) {
    super(appError.message);
    this.name = 'BackendError';
    this.appError = appError;
  }
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_input',
  'not_found',
  'conflict',
  'permission_denied',
  'sign_in_required',
  'network',
  'certificate',
  'throttled',
  'service_unavailable',
  'service',
  'cancelled',
  'sign_in_declined',
  'sign_in_rejected',
  'timeout',
  'config',
  'keychain',
  'internal',
]);

/** Turns whatever a failed call rejected with into an AppError the UI can show. */
export function toAppError(reason: unknown): AppError {
  if (reason instanceof BackendError) return reason.appError;
  if (
    typeof reason === 'object' &&
    reason !== null &&
    'code' in reason &&
    'message' in reason &&
    typeof reason.code === 'string' &&
    ERROR_CODES.has(reason.code) &&
    typeof reason.message === 'string'
  ) {
    const error: AppError = { code: reason.code as ErrorCode, message: reason.message };
    if ('remedy' in reason && typeof reason.remedy === 'string') error.remedy = reason.remedy;
    if ('details' in reason && typeof reason.details === 'object' && reason.details !== null) {
      error.details = reason.details as Record<string, unknown>;
    }
    return error;
  }
  // Tauri itself rejects with a plain string (unknown command, denied by capabilities, ...).
  return {
    code: 'internal',
    message: t('error.unexpected'),
    remedy: t('error.unexpected.remedy'),
    details: { reason: reason instanceof Error ? reason.message : String(reason) },
  };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw new BackendError(toAppError(reason));
  }
}

export const backend = {
  appInfo: () => call<AppInfo>('app_info'),
  validateRuntimeName: (name: string) => call<null>('validate_runtime_name', { name }),
  openLogsFolder: () => call<null>('open_logs_folder'),
  /** Tells the backend the first screen is painted and takes input (start-up timing). */
  frontendReady: () => call<null>('frontend_ready'),
  /** An OS notification, shown only while the app's window does not have the focus. */
  notifyWhenUnfocused: (title: string, body: string) => call<boolean>('notify_when_unfocused', { title, body }),

  // Session: sign-in, accounts, sandbox.
  sessionStatus: () => call<SessionStatus>('session_status'),
  startSandbox: () => call<SessionStatus>('start_sandbox'),
  leaveSandbox: () => call<SessionStatus>('leave_sandbox'),
  signInBrowser: (tenant?: string) => call<SessionStatus>('sign_in_browser', { tenant }),
  /** `onPrompt` receives the code and page to show while the backend waits for the user. */
  signInDeviceCode: (onPrompt: (prompt: DeviceCodePrompt) => void, tenant?: string) => {
    const channel = new Channel<DeviceCodePrompt>();
    channel.onmessage = onPrompt;
    return call<SessionStatus>('sign_in_device_code', { tenant, onPrompt: channel });
  },
  signInAzureCli: (tenant?: string) => call<SessionStatus>('sign_in_azure_cli', { tenant }),
  cancelSignIn: () => call<null>('cancel_sign_in'),
  signOut: (accountId: string) => call<SessionStatus>('sign_out', { accountId }),
  switchAccount: (accountId: string) => call<SessionStatus>('switch_account', { accountId }),
  listTenants: (accountId: string) => call<TenantSummary[]>('list_tenants', { accountId }),
  switchTenant: (accountId: string, tenantId: string) =>
    call<SessionStatus>('switch_tenant', { accountId, tenantId }),

  // Workspaces, preflight and runtimes.
  listWorkspaces: () => call<WorkspaceListing>('list_workspaces'),
  checkWorkspace: (workspaceId: string) => call<WorkspaceCheck>('check_workspace', { workspaceId }),
  listRuntimes: (workspaceId: string) => call<RuntimeSummary[]>('list_runtimes', { workspaceId }),
  runtimeDetails: (workspaceId: string, runtimeName: string) =>
    call<RuntimeDetails>('runtime_details', { workspaceId, runtimeName }),
  listComputeInstances: (workspaceId: string, newAppName?: string) =>
    call<InstanceChoice[]>('list_compute_instances', { workspaceId, newAppName }),
  listEnvironments: (workspaceId: string) =>
    call<EnvironmentChoice[]>('list_environments', { workspaceId }),
  /** Whether the wizard's "authenticate on the compute instance" step is due for this region. */
  instanceSignInStatus: (instanceName: string, region: string) =>
    call<InstanceSignInStatus>('instance_sign_in_status', { instanceName, region }),
  openInstanceSignIn: (instanceName: string, region: string) =>
    call<null>('open_instance_sign_in', { instanceName, region }),
  recordInstanceSignIn: (instanceName: string, region: string) =>
    call<InstanceSignInStatus>('record_instance_sign_in', { instanceName, region }),
  checkCustomApp: (workspaceId: string, instanceName: string, appName: string) =>
    call<CustomAppAvailability>('check_custom_app', { workspaceId, instanceName, appName }),
  createRuntime: (request: CreateRuntimeRequest) =>
    call<RuntimeDetails>('create_runtime', { request }),
  startComputeInstance: (workspaceId: string, instanceName: string) =>
    call<ComputeInstanceSummary>('start_compute_instance', { workspaceId, instanceName }),
  deleteRuntime: (request: DeleteRuntimeRequest) => call<null>('delete_runtime', { request }),

  // Long operations (the Activity panel).
  listOperations: () => call<OperationSnapshot[]>('list_operations'),
  cancelOperation: (operationId: string) => call<null>('cancel_operation', { operationId }),
  clearFinishedOperations: () => call<null>('clear_finished_operations'),
  /** Every change to any operation, starting with the current list. */
  watchOperations: (onUpdate: (snapshot: OperationSnapshot) => void) => {
    const channel = new Channel<OperationSnapshot>();
    channel.onmessage = onUpdate;
    return call<null>('watch_operations', { onUpdate: channel });
  },

  // Permissions: who may grant, people, endpoints, assignments, grant and revoke.
  grantAbility: (workspaceId: string) => call<GrantAbility>('grant_ability', { workspaceId }),
  findUser: (emailOrUpn: string) => call<PrincipalSummary>('find_user', { emailOrUpn }),
  /** Every assignment that applies to the workspace, or only `principalId`'s. */
  listRoleAssignments: (workspaceId: string, principalId?: string) =>
    call<WorkspaceRoleAssignment[]>('list_role_assignments', { workspaceId, principalId }),
  listEndpointIdentities: (workspaceId: string) =>
    call<EndpointIdentity[]>('list_endpoint_identities', { workspaceId }),
  /** Resolves once Azure applies the role or the wait's limit passes (see `visible`). */
  grantDataScientist: (request: GrantRequest) => call<GrantOutcome>('grant_data_scientist', { request }),
  revokeRoleAssignment: (request: RevokeRequest) =>
    call<RevokeOutcome>('revoke_role_assignment', { request }),
  // Versions and updates.
  checkRuntimeVersion: (workspaceId: string, runtimeName: string) =>
    call<RuntimeVersionStatus>('check_runtime_version', { workspaceId, runtimeName }),
  checkWorkspaceVersions: (workspaceIds: string[]) =>
    call<FleetVersionReport>('check_workspace_versions', { workspaceIds }),
  customEnvironmentGuidance: (workspaceId: string, runtimeName: string) =>
    call<CustomEnvironmentGuidance>('custom_environment_guidance', { workspaceId, runtimeName }),
  /** Runs as an operation (progress through `watchOperations`); resolves when it has ended. */
  updateRuntime: (request: UpdateRuntimeRequest) => call<UpdateOutcome>('update_runtime', { request }),
  updateAllOutdated: (request: UpdateAllRequest) => call<UpdateAllSummary>('update_all_outdated', { request }),
  updatePreferences: () => call<UpdatePreferences>('update_preferences'),
  setCheckUpdatesAtStartup: (enabled: boolean) =>
    call<UpdatePreferences>('set_check_updates_at_startup', { enabled }),
  retirementStatus: () => call<RetirementStatus | null>('retirement_status'),
  dismissRetirementNotice: () => call<RetirementStatus>('dismiss_retirement_notice'),
  openMigrationGuide: () => call<null>('open_migration_guide'),
};
