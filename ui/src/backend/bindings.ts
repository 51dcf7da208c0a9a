// Generated from the Rust types in crates/core by `cargo xtask bindings`. Do not edit.

export type ErrorCode = "invalid_input" | "not_found" | "conflict" | "permission_denied" | "sign_in_required" | "network" | "throttled" | "service_unavailable" | "service" | "cancelled" | "timeout" | "config" | "keychain" | "internal";

export type AppError = { code: ErrorCode, message: string, remedy?: string, details?: Record<string, unknown>, };

export type StartupWarningKind = "config_unreadable" | "log_dir_unwritable";

export type StartupWarning = { kind: StartupWarningKind, 
/**
 * What happened, in a sentence.
 */
message: string, 
/**
 * What the user can do about it.
 */
remedy: string, };

export type AppInfo = { name: string, version: string, 
/**
 * Folder of the daily log files; `None` when logging to a file is not possible.
 */
logDir: string | null, configPath: string, warnings: Array<StartupWarning>, };

export type Tenant = { tenantId: string, displayName: string | null, defaultDomain: string | null, };

export type Subscription = { 
/**
 * ARM id (`/subscriptions/{guid}`).
 */
id: string, subscriptionId: string, displayName: string, tenantId: string | null, 
/**
 * `Enabled`, `Warned`, `PastDue`, `Disabled`, `Deleted` (or a newer value, shown as is).
 */
state: string, 
/**
 * Whether resources in it can be used (`Enabled`, `Warned` or `PastDue`).
 */
usable: boolean, };

export type WorkspaceKind = "Default" | "Hub" | "Project" | "FeatureStore" | "Other";

export type WorkspaceFlags = { 
/**
 * `enableDataIsolation`: prompt flow is not supported.
 */
dataIsolation: boolean, 
/**
 * A project created under a hub (`hubResourceId` set or kind `Project`).
 */
hubProject: boolean, 
/**
 * `publicNetworkAccess == Disabled`.
 */
publicNetworkDisabled: boolean, 
/**
 * At least one approved private endpoint connection.
 */
privateEndpoint: boolean, 
/**
 * Managed virtual network isolation is on (`isolationMode` other than `Disabled`).
 */
managedNetworkIsolated: boolean, };

export type WorkspaceSummary = { 
/**
 * ARM id.
 */
id: string, name: string, subscriptionId: string, resourceGroup: string, 
/**
 * Region (`eastus`), which also selects the flow service host.
 */
location: string, kind: WorkspaceKind, 
/**
 * The service's own `kind` text, kept for display when it is not a known kind.
 */
kindText: string | null, 
/**
 * Immutable workspace GUID used in `azureml://` asset ids.
 */
workspaceId: string | null, discoveryUrl: string | null, friendlyName: string | null, flags: WorkspaceFlags, };

export type UserRef = { objectId: string, tenantId: string | null, };

export type ComputeInstanceState = "Creating" | "CreateFailed" | "Deleting" | "Running" | "Restarting" | "JobRunning" | "SettingUp" | "SetupFailed" | "Starting" | "Stopped" | "Stopping" | "UserSettingUp" | "UserSetupFailed" | "Unusable" | "Unknown";

export type AppEndpoint = { name: string | null, protocol: string | null, 
/**
 * Port inside the container.
 */
target: number | null, 
/**
 * Port exposed on the compute instance.
 */
published: number | null, };

export type CustomApp = { name: string, 
/**
 * `docker` or `azureml`.
 */
imageType: string | null, 
/**
 * Image reference (`mcr.microsoft.com/...:tag`) or AzureML environment name.
 */
image: string | null, endpoints: Array<AppEndpoint>, 
/**
 * The image is a prompt flow runtime image.
 */
isPromptFlowRuntime: boolean, };

export type LastOperation = { name: string | null, status: string | null, time: string | null, trigger: string | null, };

export type ComputeInstanceSummary = { 
/**
 * ARM id.
 */
id: string, name: string, location: string | null, state: ComputeInstanceState, 
/**
 * The service's state text (shown when `state` is `Unknown`).
 */
stateText: string | null, vmSize: string | null, provisioningState: string | null, 
/**
 * The user the instance is assigned to (personal instances).
 */
assignedUser: UserRef | null, 
/**
 * Who created it.
 */
createdBy: UserRef | null, createdByName: string | null, customApps: Array<CustomApp>, lastOperation: LastOperation | null, };

export type RuntimeStatus = "Running" | "Starting" | "Stopping" | "Failed" | "Unavailable" | "NotExist" | "Unknown";

export type RuntimeSummary = { name: string, 
/**
 * `ComputeInstance`, `ManagedOnlineEndpoint`, ...
 */
runtimeType: string | null, status: RuntimeStatus, statusText: string | null, computeInstanceName: string | null, customAppName: string | null, 
/**
 * Full image reference (`...promptflow-runtime-stable:20240111.v2`).
 */
dockerImage: string | null, 
/**
 * The tag part of `docker_image`.
 */
imageTag: string | null, 
/**
 * Custom environment asset id; `None` means the default environment.
 */
environment: string | null, createdOn: string | null, modifiedOn: string | null, ownerName: string | null, };

export type RuntimeOwner = { objectId: string | null, tenantId: string | null, userName: string | null, userPrincipalName: string | null, };

export type RuntimeDetails = { description: string | null, statusMessage: string | null, 
/**
 * The service's error message when the runtime failed.
 */
errorMessage: string | null, endpointUrl: string | null, publishedPort: number | null, targetPort: number | null, fromExistingCustomApp: boolean | null, assignedTo: UserRef | null, owner: RuntimeOwner | null, name: string, 
/**
 * `ComputeInstance`, `ManagedOnlineEndpoint`, ...
 */
runtimeType: string | null, status: RuntimeStatus, statusText: string | null, computeInstanceName: string | null, customAppName: string | null, 
/**
 * Full image reference (`...promptflow-runtime-stable:20240111.v2`).
 */
dockerImage: string | null, 
/**
 * The tag part of `docker_image`.
 */
imageTag: string | null, 
/**
 * Custom environment asset id; `None` means the default environment.
 */
environment: string | null, createdOn: string | null, modifiedOn: string | null, ownerName: string | null, };

export type RoleAssignment = { 
/**
 * ARM id of the assignment.
 */
id: string, 
/**
 * The assignment's GUID name.
 */
name: string, scope: string | null, 
/**
 * Full role definition id (`/subscriptions/.../roleDefinitions/{guid}`).
 */
roleDefinitionId: string, 
/**
 * Display name of the role when pfrm knows it (built-in roles).
 */
roleName: string | null, principalId: string, 
/**
 * `User`, `Group`, `ServicePrincipal`, ...
 */
principalType: string | null, createdOn: string | null, };

export type ImageVersion = { 
/**
 * `20240111.v2`.
 */
tag: string, 
/**
 * Full reference (`mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2`).
 */
image: string, 
/**
 * Release date `YYYY-MM-DD`.
 */
date: string, build: number, };

export type SignInMethod = "browser" | "deviceCode" | "azureCli";

export type AccountSummary = { id: string, username: string, displayName?: string, homeTenantId?: string, tenantId: string, method: SignInMethod, cloud: string, isActive: boolean, 
/**
 * False when the saved sign-in expired or was revoked: the user must sign in again.
 */
signedIn: boolean, };

export type SignInState = "signedOut" | "signedIn" | "signInRequired";

export type SignInStatus = { state: SignInState, activeAccount?: AccountSummary, accounts: Array<AccountSummary>, 
/**
 * True when no usable keychain was found: sign-ins last for this run only (show a banner).
 */
memoryOnly: boolean, keychainProblem?: string, 
/**
 * Set when the settings file was damaged and defaults were used.
 */
settingsWarning?: string, };

export type TenantSummary = { tenantId: string, displayName?: string, defaultDomain?: string, };

export type DeviceCodePrompt = { 
/**
 * The short code the user types on the verification page. Not a secret on its own.
 */
userCode: string, verificationUri: string, expiresInSeconds: bigint, 
/**
 * The server's own instruction text, when it sends one.
 */
message?: string, };

export type OperationKind = "startComputeInstance" | "createRuntime" | "updateRuntime" | "deleteRuntime" | "grantRole" | "revokeRole";

export type OperationState = "running" | "succeeded" | "failed" | "cancelled";

export type Stage = "requested" | "instanceStarting" | "addingCustomApp" | "instanceRestarting" | "runtimeStarting" | "deleting" | "waitingForPropagation" | "verifying" | "done";

export type OperationSnapshot = { id: string, kind: OperationKind, 
/**
 * A short description for people, e.g. "Create runtime rt-1 on ci-alice".
 */
title: string, 
/**
 * What the operation acts on (an ARM id or a runtime URL). Two running operations never
 * share a target.
 */
target: string, state: OperationState, stage: Stage, 
/**
 * The last message from the service, if any (e.g. a runtime's status message).
 */
message?: string, 
/**
 * RFC 3339.
 */
startedAt: string, 
/**
 * Milliseconds since the start (until the end, for finished operations).
 */
elapsedMs: number, error?: AppError, 
/**
 * Resumed from the journal after the app was restarted.
 */
resumed: boolean, };

export type CheckId = "dataScientistRole" | "defaultDatastoreIsBlob" | "dataIsolationOff" | "notHubProject" | "networkIsolation" | "instanceAssignedToYou" | "instanceRunning" | "customAppNameFree" | "publishedPortFree";

export type Severity = "blocker" | "warning" | "info";

export type CheckStatus = "passed" | "failed" | "unknown";

export type Evidence = { label: string, value: string, };

export type FixAction = { "type": "grantDataScientistToMe" } | { "type": "startComputeInstance", name: string, };

export type CheckResult = { id: CheckId, severity: Severity, status: CheckStatus, 
/**
 * What is checked, as a statement that is true when the check passes.
 */
title: string, evidence: Array<Evidence>, 
/**
 * What to do when the check did not pass.
 */
remedy?: string, link?: string, fix?: FixAction, };

export type PreflightReport = { checks: Array<CheckResult>, 
/**
 * True when any blocker failed: the Create action is disabled.
 */
blocked: boolean, };

export type Me = { objectId: string, tenantId: string, userName?: string, displayName?: string, };

export type SubscriptionProblem = { subscriptionId: string, displayName: string, error: AppError, };

export type WorkspaceListing = { subscriptions: Array<Subscription>, 
/**
 * Sorted by subscription, then workspace name.
 */
workspaces: Array<WorkspaceSummary>, problems: Array<SubscriptionProblem>, };

export type WorkspaceCheck = { workspace: WorkspaceSummary, report: PreflightReport, };

export type InstanceChoice = { instance: ComputeInstanceSummary, checks: Array<CheckResult>, 
/**
 * Custom applications on it that run a prompt flow runtime image ("use existing").
 */
runtimeApps: Array<CustomApp>, 
/**
 * No blocker: it can host a runtime (perhaps after being started).
 */
usable: boolean, };

export type EnvironmentChoice = { name: string, version: string, 
/**
 * The id the prompt flow service takes
 * (`azureml://locations/{region}/workspaces/{workspaceId}/environments/{name}/versions/{v}`).
 */
assetId: string, image?: string, 
/**
 * `true` when the environment's image is a prompt flow runtime image; `false` when it is
 * some other image; `None` when it is built from a Docker context whose base image cannot be
 * read through the API (the wizard warns).
 */
derivesFromRuntimeImage?: boolean, description?: string, };

export type CustomAppChoice = { "kind": "new", environment?: string, } | { "kind": "existing", appName: string, };

export type CreateRuntimeRequest = { workspaceId: string, runtimeName: string, computeInstance: string, app: CustomAppChoice, 
/**
 * The user confirmed that the compute instance restarts (needed for a new custom app).
 */
confirmRestart: boolean, };

export type DeleteRuntimeRequest = { workspaceId: string, runtimeName: string, 
/**
 * Must equal `runtime_name`: the user typed it to confirm.
 */
confirmName: string, 
/**
 * Also remove the runtime's custom application from the compute instance.
 */
removeCustomApp: boolean, };

export type GrantAbility = { workspaceId: string, workspaceName: string, 
/**
 * The caller has `Microsoft.Authorization/roleAssignments/write` on the workspace.
 */
allowed: boolean, 
/**
 * Who can grant the role, in a sentence.
 */
whoCanGrant: string, 
/**
 * People who hold Owner or User Access Administrator on the workspace or above, when the
 * caller can read them (best effort; may be empty).
 */
administrators: Array<PrincipalSummary>, 
/**
 * A ready-to-send request naming the user, the role and the workspace scope ("Copy request").
 */
requestText: string, };

export type PrincipalKind = "User" | "Group" | "ServicePrincipal" | "Unknown";

export type PrincipalSummary = { 
/**
 * Object id (`principalId` of role assignments).
 */
objectId: string, kind: PrincipalKind, displayName?: string, userPrincipalName?: string, mail?: string, 
/**
 * For an endpoint's managed identity: the endpoint's name.
 */
endpointName?: string, };

export type WorkspaceRoleAssignment = { assignment: RoleAssignment, 
/**
 * Role display name (built-ins resolved; custom roles read from Azure when possible).
 */
roleName: string, principal: PrincipalSummary, 
/**
 * Made on the resource group or subscription, not on the workspace itself: it cannot be
 * removed here.
 */
inherited: boolean, 
/**
 * Shown with a "Remove" button (made on the workspace itself).
 */
removable: boolean, };

export type EndpointIdentity = { endpointName: string, 
/**
 * `SystemAssigned`, `UserAssigned`, `SystemAssigned,UserAssigned`, `None`.
 */
identityType?: string, 
/**
 * The system-assigned identity's object id; none when the endpoint has none.
 */
principalId?: string, 
/**
 * Why a role cannot be granted to this endpoint (no system-assigned identity).
 */
explanation?: string, };

export type GrantTarget = { "kind": "me" } | { "kind": "user", user: string, } | { "kind": "endpoint", name: string, };

export type GrantRequest = { workspaceId: string, target: GrantTarget, };

export type GrantStatus = "granted" | "alreadyAssigned" | "endpointHasNoIdentity";

export type GrantOutcome = { status: GrantStatus, principal?: PrincipalSummary, 
/**
 * The assignment that gives the role (new or existing).
 */
assignment?: RoleAssignment, 
/**
 * The assignment was seen in effect (for "me": the runtime permissions are allowed; for
 * others: the assignment is listed) before the time limit.
 */
visible: boolean, 
/**
 * A sentence for people saying what happened and what to expect next.
 */
message: string, 
/**
 * The operation's id, when one ran.
 */
operationId?: string, };

export type RevokeRequest = { workspaceId: string, 
/**
 * The assignment's GUID name (as listed).
 */
assignmentName: string, 
/**
 * Must equal the principal's label (display name, endpoint name or, for unnamed principals,
 * the object id), ignoring case and surrounding spaces.
 */
confirm: string, };

export type RevokeOutcome = { removed: WorkspaceRoleAssignment, 
/**
 * It was already gone when the request arrived.
 */
alreadyGone: boolean, message: string, };
