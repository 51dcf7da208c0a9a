// Generated from the Rust types in crates/core by `cargo xtask bindings`. Do not edit.
// One file on purpose: one declaration per Rust type that crosses to the UI, in the order
// crates/core/src/bindings.rs lists them, so its length follows those types. A test fails
// when it differs from what the generator writes.

export type ErrorCode = "invalid_input" | "not_found" | "conflict" | "permission_denied" | "sign_in_required" | "network" | "certificate" | "throttled" | "service_unavailable" | "service" | "cancelled" | "sign_in_declined" | "sign_in_rejected" | "timeout" | "config" | "keychain" | "internal";

export type AppError = { code: ErrorCode, message: string, remedy?: string, details?: Record<string, unknown>, };

export type RoleScope = "workspace" | "storage" | "registry";

export type DiagnosisAction = { "type": "openPermissions", role: string, scope: RoleScope, } | { "type": "useDefaultEnvironment" } | { "type": "openQuotaPage" };

export type Diagnosis = { 
/**
 * The pattern's stable id (`storage-key-access-disabled`, ...).
 */
code: string, cause: string, remedy: string, action?: DiagnosisAction, link?: string, };

export type BundleFileSummary = { 
/**
 * `manifest.json`, `logs/pfrm.log`, ...
 */
name: string, 
/**
 * Its size in the zip before compression.
 */
bytes: number, 
/**
 * Tokens, keys and connection secrets replaced by `[redacted]`.
 */
secretsRedacted: number, 
/**
 * Email addresses (user names) replaced by `[redacted]`.
 */
emailsRedacted: number, };

export type BundleSummary = { id: string, files: Array<BundleFileSummary>, 
/**
 * A place to save it (the Downloads folder, where there is one).
 */
suggestedPath: string, };

export type SavedBundle = { id: string, path: string, };

export type Tenant = { tenantId: string, displayName?: string, defaultDomain?: string, };

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
 * The runtime's key for the hosts ([`RuntimeSummary::key_of`]): the same text its
 * operations carry as their target, so a host matches a runtime to its operations, version
 * status and update without building a key itself.
 */
key: string, 
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
 * The image's version when its tag follows the runtime images' `YYYYMMDD.vN` scheme, read
 * by the core so the hosts phrase a date and a build instead of parsing the tag.
 */
imageVersion?: ImageVersion, 
/**
 * Custom environment asset id; `None` means the default environment.
 */
environment: string | null, createdOn: string | null, modifiedOn: string | null, ownerName: string | null, };

export type RuntimeOwner = { objectId: string | null, tenantId: string | null, userName: string | null, userPrincipalName: string | null, };

export type RuntimeDetails = { description: string | null, statusMessage: string | null, 
/**
 * The service's error message when the runtime failed.
 */
errorMessage: string | null, endpointUrl: string | null, publishedPort: number | null, targetPort: number | null, fromExistingCustomApp: boolean | null, assignedTo: UserRef | null, owner: RuntimeOwner | null, 
/**
 * The runtime's page in this cloud's Azure ML studio (set by the operations that know the
 * cloud; `None` when read straight from the service).
 */
studioUrl?: string, 
/**
 * What pfrm recognised in the error or status message (`None`: nothing to explain, or a
 * message no known pattern matches).
 */
diagnosis: Diagnosis | null, 
/**
 * The runtime failed (or is unavailable) with words from the service to explain: the hosts
 * show the diagnosis, or say that no known pattern matched, only then.
 */
hasFailure: boolean, name: string, 
/**
 * The runtime's key for the hosts ([`RuntimeSummary::key_of`]): the same text its
 * operations carry as their target, so a host matches a runtime to its operations, version
 * status and update without building a key itself.
 */
key: string, 
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
 * The image's version when its tag follows the runtime images' `YYYYMMDD.vN` scheme, read
 * by the core so the hosts phrase a date and a build instead of parsing the tag.
 */
imageVersion?: ImageVersion, 
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

export type DeviceCodePrompt = { 
/**
 * The short code the user types on the verification page. Not a secret on its own.
 */
userCode: string, verificationUri: string, expiresInSeconds: bigint, 
/**
 * The server's own instruction text, when it sends one.
 */
message?: string, };

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

export type AppUpdateState = "up_to_date" | "available" | "turned_off_by_administrator" | "turned_off_in_settings" | "not_available";

export type AppUpdateCheck = { state: AppUpdateState, currentVersion: string, 
/**
 * The version offered, when one is.
 */
version: string | null, 
/**
 * Its release notes, when the feed has them.
 */
notes: string | null, };

export type OperationKind = "startComputeInstance" | "createRuntime" | "updateRuntime" | "deleteRuntime" | "grantRole" | "revokeRole" | "decommission" | "takeInventory";

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
target: string, 
/**
 * What `target` names, for the hosts' words; none when they show the target as it is.
 */
subject?: OperationSubject, state: OperationState, stage: Stage, 
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

export type OperationSubject = { "kind": "workspace", workspaceName: string, } | { "kind": "runtime", workspaceName: string, runtimeName: string, } | { "kind": "computeInstance", workspaceName: string, instanceName: string, };

export type CheckId = "dataScientistRole" | "defaultDatastoreIsBlob" | "dataIsolationOff" | "notHubProject" | "networkIsolation" | "instanceAssignedToYou" | "instanceUsable" | "instanceRunning" | "customAppNameFree" | "publishedPortFree" | "workingDirectoryDatastore" | "sharedKeyAccess" | "storageRolesForYou" | "storageRolesForWorkspace" | "managedNetworkProvisioned" | "privateEndpointsApproved" | "outboundRulesForRuntime" | "vmQuota" | "instanceQuota" | "idleShutdown" | "imageInAcr" | "imageTagExists" | "imagePullable";

export type Severity = "blocker" | "warning" | "info";

export type CheckStatus = "passed" | "failed" | "unknown";

export type Evidence = { label: string, value: string, };

export type FixAction = { "type": "grantDataScientistToMe" } | { "type": "startComputeInstance", name: string, };

export type CheckResult = { id: CheckId, severity: Severity, status: CheckStatus, 
/**
 * What is checked, as a statement that is true when the check passes; a notice's
 * (`Severity::Info`) says what was found, either way.
 */
title: string, evidence: Array<Evidence>, 
/**
 * What to do when the check did not pass.
 */
remedy?: string, link?: string, fix?: FixAction, };

export type BlockKind = "notMet" | "couldNotTell";

export type BlockingReason = { check: CheckId, kind: BlockKind, 
/**
 * The check's title (a statement of what must hold).
 */
title: string, 
/**
 * `NotMet`: the title. `CouldNotTell`: what could not be read, and why.
 */
reason: string, };

export type PreflightReport = { checks: Array<CheckResult>, 
/**
 * True when any blocker failed or could not be evaluated: the Create action is disabled.
 */
blocked: boolean, 
/**
 * Why it is disabled: the first failed blocker, else the first that could not be told.
 */
blocking?: BlockingReason, };

export type Me = { objectId: string, tenantId: string, userName?: string, displayName?: string, };

export type SessionMode = "signedOut" | "signedIn" | "sandbox";

export type SessionStatus = { mode: SessionMode, 
/**
 * Who the app acts as (signed in or sandbox).
 */
me?: Me, 
/**
 * The cloud's display name (`AzureCloud`, ..., or the sandbox's).
 */
cloud: string, 
/**
 * Accounts, keychain state and settings warnings (not for the sandbox).
 */
signIn?: SignInStatus, };

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

export type OthersInstance = { name: string, 
/**
 * Whom it is assigned to (or, unassigned, who created it): their name and user name as the
 * directory gives them, else their object id. `None` when the instance names nobody.
 */
assignedTo?: string, };

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

export type InstanceSignInStatus = { 
/**
 * Lower-case Azure region, e.g. `eastus`.
 */
region: string, 
/**
 * The day the user last signed in on this region's instances (`YYYY-MM-DD`), if ever.
 */
signedInOn?: string, 
/**
 * The last day that sign-in counts (`YYYY-MM-DD`).
 */
validUntil?: string, 
/**
 * True when there is no sign-in for this region or it is six months old.
 */
needed: boolean, 
/**
 * The page to sign in on: the instance's own address in this cloud. None where there is no
 * such page (the sandbox's emulated instances).
 */
signInUrl?: string, };

export type CustomAppAvailability = { available: boolean, 
/**
 * The service's reason when it is not available.
 */
reason?: string, };

export type RuntimeVersion = { 
/**
 * `20240111.v2`.
 */
tag: string, 
/**
 * Release date `YYYY-MM-DD`.
 */
date: string, build: number, 
/**
 * `version 2024-01-11 (v2)`.
 */
label: string, 
/**
 * Whole days since the release date (0 when released today).
 */
ageDays: number, };

export type CustomEnvironmentRef = { 
/**
 * As the service stores it (`azureml://locations/.../environments/{name}/versions/{v}`).
 */
assetId: string, name?: string, version?: string, };

export type VersionNote = { "code": "registryNewer", latest: string, current: string, } | { "code": "serviceNewer", latest: string, } | { "code": "customEnvironment", environment: string, serviceOutdated: boolean, } | { "code": "registryUnread", serviceOutdated: boolean, } | { "code": "unversionedImage", image: string, serviceOutdated: boolean, } | { "code": "serviceUnasked", registryOutdated: boolean, } | { "code": "neitherAnswered" } | { "code": "appDiffers", runtime: string, instance: string, app: string, };

export type EnvironmentWarning = { "code": "older", chosen: string, current: string, } | { "code": "same", chosen: string, } | { "code": "olderImage", chosen: string, image: string, current: string, };

export type UpdateWarning = { "code": "registryUnread", reason: string, } | { "code": "registryNewer", now: string, latest: string, } | { "code": "environment", warning: EnvironmentWarning, };

export type AttentionReason = "customEnvironment" | "notOnComputeInstance";

export type RuntimeVersionStatus = { 
/**
 * The runtime's key: the target its operations carry (lower case), so a host can tell
 * which operation changes it without building the key itself.
 */
key: string, 
/**
 * ARM id of the workspace.
 */
workspaceId: string, 
/**
 * The workspace's key, as [`CheckedWorkspace::key`].
 */
workspaceKey: string, workspaceName: string, runtimeName: string, status: RuntimeStatus, computeInstanceName?: string, 
/**
 * The runtime's image reference as the service reports it.
 */
dockerImage?: string, 
/**
 * The version the runtime runs (from its image, else its custom application's image);
 * `None` when neither follows the `YYYYMMDD.vN` scheme (custom environments).
 */
current?: RuntimeVersion, 
/**
 * The image reference of the runtime's custom application on its compute instance.
 */
appImage?: string, 
/**
 * The newest version in the container registry.
 */
latest?: RuntimeVersion, 
/**
 * The registry lists a newer version than `current` (`None`: could not tell).
 */
registrySaysOutdated?: boolean, 
/**
 * The prompt flow service's `needUpgrade` answer (`None`: it could not be asked).
 */
serviceSaysOutdated?: boolean, 
/**
 * Show the "update available" banner and badge.
 */
updateAvailable: boolean, 
/**
 * The newest version is the final one: the images receive no more updates since prompt
 * flow's retirement was announced.
 */
latestIsFinal: boolean, 
/**
 * Both sources answered and said the same.
 */
sourcesAgree: boolean, 
/**
 * Why the sources disagree or one of them is missing, naming which says what; and whether
 * the custom application runs another version than the runtime reports.
 */
notes: Array<VersionNote>, 
/**
 * Set for runtimes on a custom environment: they are updated by rebuilding it.
 */
customEnvironment?: CustomEnvironmentRef, 
/**
 * What could not be read (the registry, `needUpgrade`, the compute instance).
 */
problems: Array<AppError>, };

export type WorkspaceCheckProblem = { workspaceId: string, 
/**
 * The workspace's key, as [`CheckedWorkspace::key`].
 */
workspaceKey: string, workspaceName: string, error: AppError, };

export type CheckedWorkspace = { 
/**
 * The ARM id as the caller gave it.
 */
id: string, 
/**
 * Equal for every spelling of one id (ARM ids compare without case); the
 * `workspaceKey` of its runtimes and of its problem.
 */
key: string, name: string, };

export type FleetVersionReport = { 
/**
 * Sorted by workspace name, then runtime name.
 */
runtimes: Array<RuntimeVersionStatus>, 
/**
 * Runtimes with an update available (the nav badge).
 */
outdatedCount: number, 
/**
 * The newest version in the container registry.
 */
latest?: RuntimeVersion, 
/**
 * `latest` is the final image: no more updates will come (prompt flow retires).
 */
latestIsFinal: boolean, 
/**
 * Workspaces whose runtimes could not be listed.
 */
problems: Array<WorkspaceCheckProblem>, 
/**
 * Every workspace asked about (each once, in the order given).
 */
workspaces: Array<CheckedWorkspace>, };

export type EnvironmentCandidate = { choice: EnvironmentChoice, 
/**
 * The version the runtime uses now.
 */
isCurrent: boolean, 
/**
 * Why picking it would not move the runtime forward (older or the same version); the
 * update asks for confirmation (`allowOlder`) when set.
 */
warning?: EnvironmentWarning, };

export type CustomEnvironmentGuidance = { runtimeName: string, currentEnvironment?: CustomEnvironmentRef, latest?: RuntimeVersion, 
/**
 * The image to build on (`mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:TAG`).
 */
baseImage: string, 
/**
 * The Dockerfile's first line: `FROM <base_image>`.
 */
dockerfileFromLine: string, 
/**
 * `latest` is the final image (prompt flow's images are frozen on the cloud's date): the
 * hosts say "the final runtime image", not "the newest".
 */
latestIsFinal: boolean, 
/**
 * The workspace's environment versions to choose from (the current environment's name
 * first, newest version first).
 */
candidates: Array<EnvironmentCandidate>, };

export type UpdateRuntimeRequest = { workspaceId: string, runtimeName: string, 
/**
 * A custom environment version's asset id; `None` uses the default environment (the
 * newest runtime image).
 */
environment?: string, 
/**
 * The user confirmed a custom environment version that is older than (or the same as) the
 * runtime's current one.
 */
allowOlder: boolean, 
/**
 * The user chose to move a runtime on a custom environment to the default environment
 * (the newest image), leaving the custom one. Without it such an update is refused:
 * [`CUSTOM_ENVIRONMENT_REFUSAL`].
 */
moveToDefaultEnvironment: boolean, };

export type UpdateOutcome = { operationId: string, runtime: RuntimeDetails, 
/**
 * The version before the update (default-environment images only).
 */
previous?: RuntimeVersion, 
/**
 * The version the runtime runs now, as read back after the update.
 */
current?: RuntimeVersion, 
/**
 * The custom environment the runtime runs now, read as name and version (`None` on the
 * default environment).
 */
environment?: CustomEnvironmentRef, 
/**
 * Things worth knowing that did not stop the update (e.g. the registry lists an even
 * newer image than the one the service moved to).
 */
warnings: Array<UpdateWarning>, };

export type UpdateAllRequest = { 
/**
 * ARM ids of the chosen workspaces.
 */
workspaceIds: Array<string>, 
/**
 * Runtimes updated at once (default 4). Runtimes on the same compute instance are always
 * updated one after another, since each update restarts the instance's application.
 */
maxParallel?: number, };

export type UpdateAllOutcome = "updated" | "failed" | "needsAttention" | "alreadyUpdating";

export type UpdateAllItem = { workspaceId: string, workspaceName: string, runtimeName: string, outcome: UpdateAllOutcome, from?: RuntimeVersion, to?: RuntimeVersion, 
/**
 * The runtime's operation in the Activity panel.
 */
operationId?: string, 
/**
 * Why it failed.
 */
error?: AppError, 
/**
 * Why the user needs to act (runtimes that need attention).
 */
attention?: AttentionReason, customEnvironment?: CustomEnvironmentRef, warnings: Array<UpdateWarning>, };

export type UpdateAllSummary = { 
/**
 * Every outdated runtime, in the order they finished (attention items first).
 */
items: Array<UpdateAllItem>, updated: number, failed: number, needsAttention: number, alreadyUpdating: number, 
/**
 * Runtimes checked and found up to date.
 */
upToDate: number, 
/**
 * Workspaces that could not be checked.
 */
problems: Array<WorkspaceCheckProblem>, 
/**
 * For custom environments: the `FROM` line to rebuild them on.
 */
dockerfileFromLine?: string, 
/**
 * The newest image is the final one (on the cloud's date): nothing newer will come.
 */
latestIsFinal: boolean, elapsedMs: number, };

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
removable: boolean, 
/**
 * Where it was made: on the workspace (or above it), or on the workspace's storage account
 * or container registry, where the storage and registry roles are granted.
 */
at: RoleScope, 
/**
 * Where it was made, with the name the screens show ("Resource group rg-ml").
 */
place: AssignmentPlace, 
/**
 * Which of the roles this app grants it is, if one: the hosts ask "does Bob already have
 * AzureML Data Scientist?" of this, not of the role definition's id.
 */
role?: GrantableRole, };

export type AssignmentPlace = { "kind": "workspace" } | { "kind": "resourceGroup", resourceGroup: string, } | { "kind": "subscription", subscriptionId: string, } | { "kind": "storageAccount", accountName: string, } | { "kind": "containerRegistry", registryName: string, } | { "kind": "above", scope: string, };

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

export type GrantTarget = { "kind": "me" } | { "kind": "user", user: string, } | { "kind": "endpoint", name: string, } | { "kind": "workspaceIdentity" };

export type GrantableRole = "dataScientist" | "storageBlobDataContributor" | "storageFileDataPrivilegedContributor" | "acrPull";

export type GrantRequest = { workspaceId: string, target: GrantTarget, 
/**
 * The role to grant; AzureML Data Scientist when absent.
 */
role?: GrantableRole, };

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

export type UpdatePreferences = { 
/**
 * See [`Settings::check_updates_at_startup`].
 */
checkAtStartup: boolean, 
/**
 * The workspace (ARM id) picked last, checked at start-up when the app remembers none.
 */
lastWorkspaceId?: string, };

export type LastPlace = { page?: string, 
/**
 * ARM id of the workspace picked last (shared with the CLI).
 */
workspaceId?: string, };

export type RetirementStatus = { 
/**
 * `2027-04-20`.
 */
retirementDate: string, 
/**
 * The date pfrm counts from (`YYYY-MM-DD`).
 */
today: string, 
/**
 * Whole days from today to the retirement date; 0 on the day, negative after it.
 */
daysLeft: number, 
/**
 * The retirement date has come: no new runtimes.
 */
retired: boolean, 
/**
 * The days left, the day itself, or the days since: what the notices phrase.
 */
countdown: Countdown, 
/**
 * The runtime images receive no more updates: the newest tag is the final one.
 */
imagesFrozen: boolean, 
/**
 * Microsoft's migration guide.
 */
guideUrl: string, 
/**
 * The Monday of today's week (`YYYY-MM-DD`): a notice dismissed this week shows again
 * from the next one.
 */
weekOf: string, 
/**
 * The user dismissed the notice this week (it is never hidden for longer).
 */
dismissedThisWeek: boolean, };

export type Countdown = { "kind": "daysLeft", days: number, } | { "kind": "retirementDay" } | { "kind": "retired", days: number, };

export type ItemKind = "runtime" | "computeInstance" | "customApp" | "flow" | "computeSession" | "serverlessInstance" | "onlineEndpoint" | "onlineDeployment" | "connection";

export type CostState = "running" | "stopped" | "noCompute" | "unknown";

export type InventoryItem = { kind: ItemKind, workspaceId: string, workspaceName: string, name: string, 
/**
 * The flow id, or the ARM id.
 */
id?: string, 
/**
 * The state as Azure says it (`Running`, `Stopped`, `Succeeded`, `NotExist`, ...).
 */
state?: string, cost: CostState, 
/**
 * Idle shutdown, in minutes, where it applies and is set.
 */
idleShutdownMinutes?: number, 
/**
 * VM size, or instance type × count for a deployment.
 */
size?: string, owner?: string, lastChange?: string, 
/**
 * A flow's type (`Default`, `Chat`, `Evaluation`, `Rag`); a connection's category.
 */
category?: string, 
/**
 * What a flow runs on (`runtime rt-1`, `session on serverless-1`), what a custom
 * application or runtime sits on, the endpoint of a deployment.
 */
runsOn?: string, 
/**
 * A flow's nodes counted by kind (`llm`, `python`, `prompt`, `embedding`, ...).
 */
nodeCounts: { [key in string]: number }, 
/**
 * The connections a flow uses.
 */
connections: Array<string>, 
/**
 * Who uses it: the flows of a connection, session or serverless instance, the runtimes of
 * an instance, the flow a deployment serves.
 */
usedBy: Array<string>, 
/**
 * Something about the row the user should know (a definition that could not be read).
 */
note?: string, };

export type InventoryProblem = { workspaceId: string, 
/**
 * The workspace's name, for the problem line.
 */
workspaceName: string, 
/**
 * What could not be read (`flows`, `connections`, ... or `workspace`).
 */
part: string, error: AppError, };

export type Inventory = { 
/**
 * The day it was taken (`YYYY-MM-DD`, pfrm's clock).
 */
takenOn: string, 
/**
 * Where the day it was taken stands against prompt flow's retirement.
 */
countdown: Countdown, workspaces: Array<string>, 
/**
 * Sorted by workspace, kind, name.
 */
items: Array<InventoryItem>, 
/**
 * Rows by kind (every kind present, zero included).
 */
counts: { [key in string]: number }, 
/**
 * Rows that cost money now.
 */
running: number, problems: Array<InventoryProblem>, };

export type ExportFormat = "json" | "csv" | "markdown";

export type FlowKind = "standard" | "chat" | "evaluation";

export type NodeKind = "llm" | "python" | "prompt" | "builtinTool" | "embedding" | "vectorLookup" | "customTool";

export type Target = "agent" | "executorHandler" | "contextProvider" | "noDirectEquivalent";

export type Condition = { source: string, 
/**
 * Fields below `output` (`${classify.output.category}` → `["category"]`).
 */
path: Array<string>, 
/**
 * The value as JSON text (`"\"yes\""`, `true`, `3`).
 */
equalsJson: string, };

export type SecretInput = { input: string, variable: string, };

export type NodeMapping = { name: string, 
/**
 * As written (`llm`, `python`, `prompt`, a custom type), from the default variant when
 * the node uses variants.
 */
nodeType: string, tool?: string, 
/**
 * The code or prompt file (`source.path`).
 */
sourcePath?: string, kind: NodeKind, target: Target, 
/**
 * The generated Python class.
 */
executorClass: string, 
/**
 * Nodes whose output this node reads or whose output activates it (sorted).
 */
dependsOn: Array<string>, 
/**
 * Reads flow inputs.
 */
readsFlowInputs: Array<string>, activate?: Condition, 
/**
 * The condition cannot sit on an edge (the node has several sources, or its one source
 * is not the node the condition reads), so the handler checks it.
 */
conditionInHandler: boolean, 
/**
 * Runs once over all lines (evaluation flows).
 */
aggregation: boolean, 
/**
 * Variant ids when the node uses variants; the default one first.
 */
variants: Array<string>, 
/**
 * Connections the node uses.
 */
connections: Array<string>, 
/**
 * Inputs holding a literal that looks like a secret: never carried over, each becomes
 * an environment variable (`input → VARIABLE`).
 */
secretInputs: Array<SecretInput>, notes: Array<string>, };

export type EdgeKind = "single" | "conditional" | "fanOut" | "fanIn" | "joinBranches";

export type Wiring = { kind: EdgeKind, sources: Array<string>, targets: Array<string>, condition?: Condition, };

export type InputMapping = { name: string, inputType: string, 
/**
 * The Python type in the generated `FlowInputs`.
 */
pythonType: string, isChatInput: boolean, isChatHistory: boolean, };

export type OutputMapping = { name: string, outputType: string, pythonType: string, 
/**
 * `${node.output}` as written.
 */
reference: string, 
/**
 * The node (or [`START_ID`] for a flow input) it comes from.
 */
from: string, isChatOutput: boolean, };

export type ConnectionMapping = { name: string, usedBy: Array<string>, 
/**
 * Environment variable names (never values).
 */
variables: Array<string>, };

export type ContextProviderMapping = { embeddingNode?: string, lookupNode: string, };

export type Gap = { subject: string, what: string, route: string, };

export type MappingRow = { promptFlow: string, agentFramework: string, note: string, };

export type FlowAudit = { 
/**
 * The flow's folder name.
 */
name: string, 
/**
 * The definition file read.
 */
definition: string, kind: FlowKind, inputs: Array<InputMapping>, outputs: Array<OutputMapping>, 
/**
 * In dependency order (a node after every node it depends on).
 */
nodes: Array<NodeMapping>, wiring: Array<Wiring>, connections: Array<ConnectionMapping>, contextProviders: Array<ContextProviderMapping>, gaps: Array<Gap>, table: Array<MappingRow>, };

export type ScaffoldResult = { outDir: string, files: Array<string>, executors: number, edgeGroups: number, };

export type PlanItem = { 
/**
 * Stable within the workspace: `runtime:rt-1`, `computeInstance:ci-1`,
 * `customApp:ci-1/app`, `computeSession:{flowId}`, `onlineDeployment:ep/blue`,
 * `onlineEndpoint:ep`, `connection:name`. `pfrm decommission apply --only` takes these.
 */
id: string, kind: ItemKind, name: string, 
/**
 * The state as Azure says it (`Running`, `Stopped`, ...).
 */
state?: string, 
/**
 * Whether it costs money now. pfrm shows no price: prices depend on the region, the
 * agreement and reservations, which it cannot read; the state and size say what is billed.
 */
cost: CostState, 
/**
 * VM size, or instance type × count.
 */
size?: string, idleShutdownMinutes?: number, 
/**
 * Where it sits (the instance of a custom application, the endpoint of a deployment).
 */
runsOn?: string, 
/**
 * Plan items that use this one: it goes only when they go too (or are gone already).
 */
needs: Array<string>, 
/**
 * Ticked by default. Compute instances (they may hold files and notebooks) and connections
 * (other tools may use them) are left for the user to tick.
 */
suggested: boolean, 
/**
 * Why it can go, for people.
 */
reason: string, };

export type KeptItem = { kind: ItemKind, name: string, reason: string, };

export type DecommissionPlan = { workspaceId: string, 
/**
 * Typed by the user to confirm the removal.
 */
workspaceName: string, takenOn: string, countdown: Countdown, 
/**
 * Flows counted as moved (their session, runtime, deployments and connections may go).
 */
movedFlows: Array<string>, 
/**
 * Flows that stay: what they use is kept.
 */
stayingFlows: Array<string>, 
/**
 * In removal order: sessions, runtimes, deployments, endpoints, custom applications,
 * compute instances, connections.
 */
items: Array<PlanItem>, kept: Array<KeptItem>, 
/**
 * Plan items that cost money now.
 */
running: number, 
/**
 * Parts of the workspace that could not be read; the plan may miss what they hold.
 */
problems: Array<InventoryProblem>, };

export type DecommissionRequest = { workspaceId: string, 
/**
 * The workspace's name, typed by the user to confirm.
 */
confirmWorkspace: string, 
/**
 * The plan item ids the user ticked.
 */
selected: Array<string>, 
/**
 * The flows that have moved (names or ids); unset means all of the workspace's flows.
 */
movedFlows?: Array<string>, };

export type OutcomeState = "removed" | "alreadyGone" | "kept" | "failed" | "notReached";

export type ItemOutcome = { id: string, kind: ItemKind, name: string, state: OutcomeState, message?: string, error?: AppError, };

export type DecommissionReport = { operationId: string, workspaceName: string, 
/**
 * Every ticked item, in the order it was handled.
 */
outcomes: Array<ItemOutcome>, cancelled: boolean, };
