// The page tests' answers, generated: each is what the core answered for the same command in an
// emulator world (tests/tests/ui_fixtures.rs writes fixtures/*.json; `cargo xtask fixtures`
// rewrites them, and a test fails when they drift from the core). The mocks serve these rather
// than answers written by hand, so a page test cannot pass on an answer the app never gets.
//
// The JSON is serialised by the Rust types the IPC uses, which are the types of bindings.ts; a
// JSON import types its strings as `string` rather than the bindings' unions, so the files are
// read through the `WorldFixture` shape below instead of being checked against it here.
import pagesWorld from './fixtures/pages.json';
import sandboxWorld from './fixtures/sandbox.json';
import sessionAnswers from './fixtures/session.json';
import type {
  AppError,
  AppInfo,
  AppUpdateCheck,
  BundleSummary,
  ComputeInstanceSummary,
  CustomAppAvailability,
  CustomEnvironmentGuidance,
  DecommissionPlan,
  DecommissionReport,
  DeviceCodePrompt,
  EndpointIdentity,
  EnvironmentChoice,
  ExportFormat,
  FleetVersionReport,
  FlowAudit,
  GrantAbility,
  GrantOutcome,
  InstanceChoice,
  InstanceSignInStatus,
  Inventory,
  LastPlace,
  OperationSnapshot,
  OperationState,
  OthersInstance,
  PreflightReport,
  PrincipalSummary,
  RetirementStatus,
  RevokeOutcome,
  RuntimeDetails,
  RuntimeSummary,
  RuntimeVersionStatus,
  ScaffoldResult,
  SessionStatus,
  Stage,
  Tenant,
  UpdateAllSummary,
  UpdateOutcome,
  UpdatePreferences,
  WorkspaceCheck,
  WorkspaceListing,
  WorkspaceRoleAssignment,
} from '../backend/bindings';

/** One command's answer as the UI receives it: a value, or the core's error. */
export type Answer<T> = { ok: T } | { error: AppError };

/** What the core answered about one workspace, by command (then by runtime name or query). */
export interface WorkspaceAnswers {
  checkWorkspace: Answer<WorkspaceCheck>;
  /** The check while Azure answers 503 for the user's permissions on the workspace. */
  checkWorkspacePermissionsUnreachable: Answer<WorkspaceCheck>;
  listRuntimes: Answer<RuntimeSummary[]>;
  runtimeDetails: Record<string, Answer<RuntimeDetails>>;
  checkRuntimeVersion: Record<string, Answer<RuntimeVersionStatus>>;
  customEnvironmentGuidance: Record<string, Answer<CustomEnvironmentGuidance>>;
  listComputeInstances: Answer<InstanceChoice[]>;
  /** By instance name ("" for none chosen): the runtime name the core offers, against the workspace's runtimes. */
  suggestRuntimeName: Record<string, string>;
  /** The same while one more of the user's instances is being deleted (where the world has one). */
  listComputeInstancesWhileOneIsDeleting?: Answer<InstanceChoice[]>;
  /** Someone else's instances, with whom each is assigned to. */
  listOthersComputeInstances: Answer<OthersInstance[]>;
  listEnvironments: Answer<EnvironmentChoice[]>;
  /** By environment asset id: the image checks of each environment listed. */
  checkEnvironmentImage: Record<string, Answer<PreflightReport>>;
  /** By `instance/application`: whether a prompt flow application on the user's instance can host a runtime. */
  checkCustomApp: Record<string, Answer<CustomAppAvailability>>;
  grantAbility: Answer<GrantAbility>;
  listRoleAssignments: Answer<WorkspaceRoleAssignment[]>;
  listEndpointIdentities: Answer<EndpointIdentity[]>;
  takeInventory: Answer<Inventory>;
  /** By flow id: the flow's mapping to Agent Framework. */
  auditFlow: Record<string, Answer<FlowAudit>>;
  /** By flow id; the project's folder is `OUT_DIR`. */
  exportFlowProject: Record<string, Answer<ScaffoldResult>>;
  decommissionPlan: Answer<DecommissionPlan>;
  /** The core's refusal of a wrong typed name, with `TYPED` standing for what was typed. */
  decommissionRefusal: Answer<null>;
  /** What the page ticks by default removed (in a world of its own), where the plan has items. */
  decommissionApply?: { selected: string[]; answer: Answer<DecommissionReport> };
  /** By flow id: the project written into a folder that holds something already (`OUT_DIR`). */
  exportFlowProjectNotEmpty: Record<string, Answer<ScaffoldResult>>;
  /** "Update all" of this workspace alone (in a world of its own); null without runtimes. */
  updateAllOutdated: Answer<UpdateAllSummary> | null;
  /** What the generator changed last, and the answers after it (see changes.ts). */
  changes: WorkspaceChanges;
}

/** The states and stages an operation went through, in order. */
export type Steps = { state: OperationState; stage: Stage }[];

/** A runtime the generator created (named `runtimeName`, on `computeInstance`). */
export interface CreatedRuntime extends GeneratedOperation {
  runtimeName: string;
  computeInstance: string;
  answer: Answer<RuntimeDetails>;
  listRuntimes: Answer<RuntimeSummary[]>;
  runtimeDetails: Answer<RuntimeDetails>;
  checkRuntimeVersion: Answer<RuntimeVersionStatus>;
}

/** An operation the generator ran (none when the core refused before starting one). */
export interface GeneratedOperation {
  operation: Pick<OperationSnapshot, 'kind' | 'title' | 'target' | 'subject'> | null;
  stages: Steps;
}

/** A grant the Permissions page offers, as the core made it. */
export interface GeneratedGrant extends GeneratedOperation {
  answer: Answer<GrantOutcome>;
}

/** An outdated runtime updated as its page offers it, and the runtime afterwards. */
export interface GeneratedUpdate extends GeneratedOperation {
  /** The custom environment version chosen (its newest), or null for the default environment. */
  environment: string | null;
  answer: Answer<UpdateOutcome>;
  /** The same update asked for again while it ran: the core's refusal. */
  conflict: Answer<UpdateOutcome>;
  checkRuntimeVersion: Answer<RuntimeVersionStatus>;
  runtimeDetails: Answer<RuntimeDetails>;
  listed: Answer<RuntimeSummary | null>;
}

export interface PermissionChanges {
  /** By target: `me`, `user:<what was looked up>`, `endpoint:<name>`. */
  grants: Record<string, GeneratedGrant>;
  /** The workspace's assignments after every grant. */
  listRoleAssignments: Answer<WorkspaceRoleAssignment[]>;
  /** By assignment name: refused with a wrong name typed, then removed. */
  revokes: Record<string, { refusal: Answer<RevokeOutcome>; answer: Answer<RevokeOutcome> }>;
}

export interface WorkspaceChanges {
  /** The user's stopped instances started, by name, and their choices afterwards. */
  startComputeInstance?: Record<string, GeneratedOperation & { answer: Answer<ComputeInstanceSummary> }>;
  listComputeInstancesAfterStart?: Answer<InstanceChoice[]>;
  createRuntime?: CreatedRuntime;
  /** The check after "Grant to me" where only the user's own role was missing. */
  grantToMe?: { checkWorkspace: Answer<WorkspaceCheck> };
  /** By runtime name. */
  updates: Record<string, GeneratedUpdate>;
  permissions: PermissionChanges;
  /** By runtime name, last: refused with a wrong name typed, then deleted (the created one with its application). */
  deleteRuntime: Record<
    string,
    GeneratedOperation & {
      removeCustomApp: boolean;
      refusal: Answer<null>;
      answer: Answer<null>;
      /** The runtime's details asked for once it is gone. */
      runtimeDetails: Answer<RuntimeDetails>;
    }
  >;
}

/** Stands for the folder a flow's project was written to. */
export const OUT_DIR = '{outDir}';

/** Stands for the name the user typed in generated messages that quote it. */
export const TYPED = '{typed}';

/** The core's operation list: as first listed, the running one once cancelled, and after clearing. */
export interface GeneratedActivity {
  listOperations: OperationSnapshot[];
  cancelled: OperationSnapshot;
  afterClear: OperationSnapshot[];
}

/**
 * The app's answers about itself (see ui_fixtures' about_app.rs), with the user's folders under
 * `/home/alex`.
 */
export interface AppAnswers {
  /** At a good start, and at one with a damaged settings file and a log folder that is a file. */
  appInfo: { normal: Answer<AppInfo>; startupWarnings: Answer<AppInfo> };
  /** The bundle as listed before saving; by path typed: where it would be saved, or the refusal. */
  diagnostics: { prepare: Answer<BundleSummary>; save: Record<string, Answer<string>> };
  /**
   * The places the app reopens on, the first as a first start reads it; what the pages ask to
   * remember; and by place, then by what was asked, the index in `places` of the core's answer.
   */
  place: { places: LastPlace[]; asked: LastPlace[]; rememberPlace: number[][] };
  /** "Check for updates" when the release feed offers a newer version. */
  checkAppUpdate: Answer<AppUpdateCheck>;
  /** Whether updates are checked at start-up: on a first start, and once turned on or off. */
  updatePreferences: { firstStart: Answer<UpdatePreferences>; turned: Record<'on' | 'off', Answer<UpdatePreferences>> };
}

/** One world: an emulator scenario seen by one of its users on a fixed day. */
export interface WorldFixture {
  scenario: string;
  user: string;
  today: string;
  listWorkspaces: Answer<WorkspaceListing>;
  /** Every runtime of every workspace. */
  checkWorkspaceVersions: Answer<FleetVersionReport>;
  /** "All my workspaces". */
  takeInventoryAll: Answer<Inventory>;
  /** By format: where the shell saves the "all my workspaces" inventory (an empty Downloads folder). */
  saveInventory: Record<ExportFormat, Answer<string>>;
  /** The notice on the world's day and after the retirement, each before and after it is dismissed. */
  retirement: Record<'current' | 'retired', { notice: RetirementStatus; dismissed: RetirementStatus }>;
  /** By name: the core's verdict on the names the page tests type and the pages suggest. */
  validateRuntimeName: Record<string, Answer<null>>;
  /** The project folder refused when typed as a relative path. */
  exportFlowProjectRelative: Answer<ScaffoldResult>;
  app: AppAnswers;
  /** The Activity page's operations (see ui_fixtures' activity.rs), in the page world only. */
  activity: GeneratedActivity | null;
  findUser: Record<string, Answer<PrincipalSummary>>;
  /** By `instance/region`: the user's sign-in on the instance, before and after saying they did. */
  instanceSignIn: Record<string, { before: Answer<InstanceSignInStatus>; after: Answer<InstanceSignInStatus> }>;
  /** By workspace ARM id. */
  workspaces: Record<string, WorkspaceAnswers>;
}

/** The page tests' world (tests/fixtures/page-world.json): contoso-ml, locked-ml, research-ml, as Alex. */
export const PAGES = pagesWorld as unknown as WorldFixture;
/** The sandbox's world (the emulator's first-time scenario), as Alice. */
export const SANDBOX = sandboxWorld as unknown as WorldFixture;

/**
 * Signing in, out and between accounts, as the core's session answered in the `returning` world
 * (Alice of Contoso, a guest in Fabrikam, and Carol; see ui_fixtures' session.rs). The accounts'
 * answers are recorded in the order the page tests walk them.
 */
export interface SessionFixture {
  /** No one has signed in on this computer. */
  signedOut: Answer<SessionStatus>;
  /** No keychain: sign-ins last until the app closes. */
  memoryOnly: Answer<SessionStatus>;
  /** Alice's saved sign-in is gone from the keychain since her last run. */
  signInRequired: Answer<SessionStatus>;
  /** The browser sign-in cancelled from the app. */
  browser: { cancelled: Answer<SessionStatus> };
  /** The code the device code sign-in shows, and its end when cancelled. */
  deviceCode: { prompt: DeviceCodePrompt; cancelled: Answer<SessionStatus> };
  azureCli: {
    /** `az` is installed but not signed in. */
    notSignedIn: Answer<SessionStatus>;
    /** Alice, after `az login`. */
    signedIn: Answer<SessionStatus>;
    /** By account id. */
    listTenants: Record<string, Answer<Tenant[]>>;
    /** By `accountId/tenantId`. */
    switchTenant: Record<string, Answer<SessionStatus>>;
    /** Carol added in the browser. */
    addAccount: Answer<SessionStatus>;
    /** By account id. */
    switchAccount: Record<string, Answer<SessionStatus>>;
    /** By account id, Alice first, then Carol. */
    signOut: Record<string, Answer<SessionStatus>>;
  };
  /** The sandbox (its default world) started from the Welcome page, and left. */
  sandbox: { start: Answer<SessionStatus>; leave: Answer<SessionStatus> };
}

/** The session's answers (see `SessionFixture`). */
export const SESSION = sessionAnswers as unknown as SessionFixture;

const NO_SUCH_WORKSPACE: AppError = {
  code: 'not_found',
  message: 'The page-test fixtures hold no answer for this workspace.',
  remedy: 'Add it to the page world (tests/fixtures/page-world.json) and run `cargo xtask fixtures`.',
};

/** The answers about one workspace of `world`. */
export function workspaceAnswers(world: WorldFixture, workspaceId: unknown): WorkspaceAnswers | undefined {
  return world.workspaces[String(workspaceId)];
}

/**
 * The answer as the backend would give it: a fresh copy (pages may keep and change what they
 * get), or the core's error as the rejection.
 */
export function settle<T>(answer: Answer<T> | undefined): Promise<T> {
  if (answer === undefined) return Promise.reject(NO_SUCH_WORKSPACE);
  if ('error' in answer) return Promise.reject(structuredClone(answer.error));
  return Promise.resolve(structuredClone(answer.ok));
}

/** The fixtures hold no answer for what was asked (the generator never did it). */
export function notGenerated(what: string): AppError {
  return {
    code: 'not_found',
    message: `The page-test fixtures hold no answer for ${what}.`,
    remedy: 'Make the generator (tests/tests/ui_fixtures.rs) do it and run `cargo xtask fixtures`.',
  };
}

/** The value of an answer, or its error thrown as the backend rejects with it. */
export function outcomeOf<T>(answer: Answer<T>): T {
  if ('error' in answer) throw structuredClone(answer.error);
  return structuredClone(answer.ok);
}

/** The value of an answer the generator always has (panics in the page test when it is an error). */
export function valueOf<T>(answer: Answer<T>): T {
  if ('error' in answer) throw new Error(`the fixture holds an error: ${answer.error.message}`);
  return structuredClone(answer.ok);
}
