// The fake backend's answers for the Runtimes page (page tests only, built with `--mode pages`):
// three workspaces in two subscriptions, one of them blocked by a missing role; a running and a
// stopped compute instance; runtimes that can be created (with progress events) and deleted.
// research-ml holds runtimes behind the newest version (see updatesMock.ts).
import type {
  BlockingReason,
  CheckResult,
  ComputeInstanceSummary,
  EnvironmentChoice,
  InstanceChoice,
  OperationSnapshot,
  RuntimeDetails,
  WorkspaceCheck,
  WorkspaceListing,
  WorkspaceSummary,
} from '../backend/bindings';
import { iHaveDataScientist } from './permissionsMock';

import { researchRuntimes, updatesCommand } from './updatesMock';

const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';
const NO_FLAGS = { dataIsolation: false, hubProject: false, publicNetworkDisabled: false, privateEndpoint: false, managedNetworkIsolated: false };

function workspace(sub: string, group: string, name: string, location: string): WorkspaceSummary {
  return {
    id: `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.MachineLearningServices/workspaces/${name}`,
    name,
    subscriptionId: sub,
    resourceGroup: group,
    location,
    kind: 'Default',
    kindText: 'Default',
    workspaceId: `guid-${name}`,
    discoveryUrl: null,
    friendlyName: null,
    flags: NO_FLAGS,
  };
}

const WORKSPACES = [
  workspace(SUB_A, 'rg-ml', 'contoso-ml', 'eastus'),
  workspace(SUB_A, 'rg-ml', 'locked-ml', 'westeurope'),
  workspace(SUB_B, 'rg-research', 'research-ml', 'swedencentral'),
];

const CONTOSO = WORKSPACES[0] as WorkspaceSummary;
const RESEARCH = WORKSPACES[2] as WorkspaceSummary;

const LISTING: WorkspaceListing = {
  subscriptions: [
    { id: `/subscriptions/${SUB_A}`, subscriptionId: SUB_A, displayName: 'Contoso Production', tenantId: 't', state: 'Enabled', usable: true },
    { id: `/subscriptions/${SUB_B}`, subscriptionId: SUB_B, displayName: 'Research Sandbox', tenantId: 't', state: 'Enabled', usable: true },
  ],
  workspaces: WORKSPACES,
  problems: [],
};

function check(id: CheckResult['id'], title: string, passed: boolean, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, severity: 'blocker', status: passed ? 'passed' : 'failed', title, evidence: [], ...extra };
}

/** `?scenario=…` of the page test, for answers only some tests want. */
const scenario = () => new URLSearchParams(window.location.search).get('scenario');

/** With `?scenario=permissions-unreadable`, the first checks of contoso-ml cannot read your permissions. */
let permissionReads = 0;

const PERMISSIONS_UNREADABLE: CheckResult = {
  id: 'dataScientistRole',
  severity: 'blocker',
  status: 'unknown',
  title: 'You have the AzureML Data Scientist role (or broader) on the workspace',
  evidence: [
    {
      label: 'Your permissions could not be read',
      value: 'pfrm could not check your permissions on workspace contoso-ml because management.azure.com could not be reached (the request timed out).',
    },
  ],
  remedy: 'Check again; if it keeps failing, check your sign-in and network.',
};

function workspaceChecks(name: string): CheckResult[] {
  // locked-ml: you administer access there but lack the role, until you grant it to yourself.
  const locked = name === 'locked-ml' && !iHaveDataScientist(name);
  const unreadable = name === 'contoso-ml' && scenario() === 'permissions-unreadable' && permissionReads++ === 0;
  return [
    unreadable ? PERMISSIONS_UNREADABLE : check('dataScientistRole', 'You have the AzureML Data Scientist role (or broader) on the workspace', !locked, {
      evidence: [{ label: 'Missing permissions', value: locked ? 'Microsoft.MachineLearningServices/workspaces/computes/write' : 'none' }],
      ...(locked
        ? {
            remedy: 'You may assign roles on locked-ml: grant yourself AzureML Data Scientist. It can take a few minutes to take effect.',
            fix: { type: 'grantDataScientistToMe' as const },
          }
        : {}),
    }),
    check('defaultDatastoreIsBlob', 'The default datastore is Azure Blob storage', true, { evidence: [{ label: 'Datastore type', value: 'AzureBlob' }] }),
    check('dataIsolationOff', 'Data isolation is off', true),
    check('notHubProject', 'The workspace is not a project created with a hub', true),
    check('networkIsolation', 'The workspace is reachable over the public network', true, {
      severity: 'info',
      link: 'https://learn.microsoft.com/azure/machine-learning/prompt-flow/how-to-secure-prompt-flow',
    }),
  ];
}

/** The core's rule (`PreflightReport::new`): a failed blocker first, else one that could not be told. */
function blockingOf(checks: CheckResult[]): BlockingReason | undefined {
  const failed = checks.find((c) => c.severity === 'blocker' && c.status === 'failed');
  const unknown = checks.find((c) => c.severity === 'blocker' && c.status === 'unknown');
  if (failed) return { check: failed.id, kind: 'notMet', title: failed.title, reason: failed.title };
  if (unknown) {
    const first = unknown.evidence[0];
    const reason = first ? `${first.label}: ${first.value.replace(/\.$/, '')}` : unknown.title;
    return { check: unknown.id, kind: 'couldNotTell', title: unknown.title, reason };
  }
  return undefined;
}

function instance(name: string, state: ComputeInstanceSummary['state']): ComputeInstanceSummary {
  return {
    id: `${CONTOSO.id}/computes/${name}`,
    name,
    location: 'eastus',
    state,
    stateText: null,
    vmSize: 'Standard_DS11_v2',
    provisioningState: 'Succeeded',
    assignedUser: { objectId: 'me', tenantId: 't' },
    createdBy: { objectId: 'me', tenantId: 't' },
    createdByName: 'Alex Doe',
    customApps: [],
    lastOperation: null,
  };
}

const ENVIRONMENTS: EnvironmentChoice[] = [
  { name: 'pf-custom', version: '3', assetId: 'azureml://environments/pf-custom/versions/3', derivesFromRuntimeImage: true },
  { name: 'docker-context', version: '1', assetId: 'azureml://environments/docker-context/versions/1' },
];

interface State {
  running: Set<string>;
  runtimes: RuntimeDetails[];
  operations: number;
  /** Regions the user signed in on (the wizard's compute instance sign-in), with the day. */
  signedInRegions: Map<string, string>;
}

const state: State = { running: new Set(['ci-alex']), runtimes: [], operations: 0, signedInRegions: new Map() };

/** With `?scenario=instance-deleting`, an instance of yours that is being deleted. */
function deletingInstance(): InstanceChoice {
  const summary = { ...instance('ci-alex-old', 'Deleting'), provisioningState: 'Deleting' };
  return {
    instance: summary,
    checks: [
      check('instanceAssignedToYou', 'The compute instance is assigned to you', true),
      check('instanceUsable', 'The compute instance can host a runtime (it is not being deleted, failed or unusable)', false, {
        evidence: [
          { label: 'State', value: 'Deleting' },
          { label: 'Provisioning state', value: 'Deleting' },
        ],
        remedy: 'ci-alex-old is being deleted, so it cannot host a runtime. Choose another of your instances, or create one.',
      }),
    ],
    runtimeApps: [],
    usable: false,
  };
}

function instances(): InstanceChoice[] {
  const extra = scenario() === 'instance-deleting' ? [deletingInstance()] : [];
  return extra.concat(['ci-alex', 'ci-alex-gpu'].map((name) => {
    const running = state.running.has(name);
    const summary = instance(name, running ? 'Running' : 'Stopped');
    const checks: CheckResult[] = [
      check('instanceAssignedToYou', 'The compute instance is assigned to you', true),
      check('instanceRunning', 'The compute instance is running', running, running ? {} : {
        remedy: `Start ${name}.`,
        fix: { type: 'startComputeInstance', name },
      }),
    ];
    return { instance: summary, checks, runtimeApps: [], usable: true };
  }));
}

function runtime(name: string, computeInstance: string): RuntimeDetails {
  return {
    name,
    runtimeType: 'ComputeInstance',
    status: 'Running',
    statusText: 'Running',
    computeInstanceName: computeInstance,
    customAppName: name,
    // A new runtime starts on the newest default image.
    dockerImage: 'mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v12',
    imageTag: '20251211.v12',
    environment: null,
    createdOn: '2026-11-28T12:00:00Z',
    modifiedOn: '2026-11-28T12:00:00Z',
    ownerName: 'Alex Doe',
    description: null,
    statusMessage: null,
    errorMessage: null,
    diagnosis: null,
    endpointUrl: `https://${computeInstance}-8081.eastus.instances.azureml.ms`,
    publishedPort: 8081,
    targetPort: 8080,
    fromExistingCustomApp: false,
    assignedTo: null,
    owner: { objectId: 'me', tenantId: 't', userName: 'Alex Doe', userPrincipalName: 'alex@contoso.example' },
  };
}

export type Publish = (snapshot: OperationSnapshot) => void;

/**
 * Waits `ms`, and longer while the page tests hold the fake backend (`window.pfrmMockHeld`): an
 * accessibility audit of a state takes seconds, and operations must not move on meanwhile.
 */
export const pause = async (ms: number) => {
  await new Promise((done) => setTimeout(done, ms));
  while ((window as unknown as { pfrmMockHeld?: boolean }).pfrmMockHeld) await new Promise((done) => setTimeout(done, 50));
};

/** Operations the user cancelled; a running one stops at its next step. */
const cancelled = new Set<string>();

export function cancelMockOperation(id: string): void {
  cancelled.add(id);
}

/**
 * A fake long operation: each stage for `stageMs` (400 ms), then the result (or the error `result` throws).
 * Cancelling ends it with the backend's `cancelled` error.
 */
const CREATE_STAGE_MS = 1000;

export async function longOperation<T>(
  publish: Publish,
  kind: OperationSnapshot['kind'],
  title: string,
  stages: OperationSnapshot['stage'][],
  result: () => T,
  target: string = title,
  stageMs = 400,
): Promise<T> {
  state.operations += 1;
  const started = Date.now();
  const base = { id: `op-${state.operations}`, kind, title, target, startedAt: new Date(started).toISOString(), resumed: false };
  let last: OperationSnapshot['stage'] = 'requested';
  for (const stage of stages) {
    last = stage;
    const snapshot: OperationSnapshot = {
      ...base,
      state: 'running',
      stage,
      message: stage === 'runtimeStarting' ? 'Runtime is starting: pulling the image' : undefined,
      elapsedMs: Date.now() - started,
    };
    publish(snapshot);
    await pause(stageMs);
    if (cancelled.has(base.id)) {
      publish({ ...base, state: 'cancelled', stage, elapsedMs: Date.now() - started });
      throw { code: 'cancelled', message: `${title} was cancelled.` };
    }
  }
  try {
    const value = result();
    publish({ ...base, state: 'succeeded', stage: 'done', elapsedMs: Date.now() - started });
    return value;
  } catch (error) {
    publish({ ...base, state: 'failed', stage: last, elapsedMs: Date.now() - started, error: error as OperationSnapshot['error'] });
    throw error;
  }
}

function signInStatus(instanceName: string, region: string) {
  const day = state.signedInRegions.get(region);
  return {
    region,
    needed: day === undefined,
    signInUrl: `https://${instanceName}.${region}.instances.azureml.ms`,
    ...(day ? { signedInOn: day, validUntil: '2027-05-29' } : {}),
  };
}

/** Answers a Runtimes page command, or `undefined` when the command is not one of them. */
export function runtimesCommand(command: string, args: Record<string, unknown>, publish: Publish): Promise<unknown> | undefined {
  const byId = (id: unknown) => WORKSPACES.find((w) => w.id === id);
  switch (command) {
    case 'list_workspaces':
      return pause(150).then(() => LISTING);
    case 'check_workspace': {
      const found = byId(args.workspaceId);
      if (!found) return Promise.reject({ code: 'not_found', message: 'No such workspace.' });
      const checks = workspaceChecks(found.name);
      const blocking = blockingOf(checks);
      const answer: WorkspaceCheck = {
        workspace: found,
        report: { checks, blocked: blocking !== undefined, ...(blocking ? { blocking } : {}) },
      };
      return pause(100).then(() => answer);
    }
    case 'list_runtimes':
      return pause(100).then(() =>
        args.workspaceId === CONTOSO.id
          ? state.runtimes.map((r) => ({ ...r }))
          : args.workspaceId === RESEARCH.id
            ? researchRuntimes().map((r) => ({ ...r }))
            : [],
      );
    case 'runtime_details': {
      const found = [...state.runtimes, ...researchRuntimes()].find((r) => r.name === args.runtimeName);
      // The backend gives the studio page of the signed-in cloud (here the public one).
      const studioUrl = `https://ml.azure.com/prompts/runtime/${encodeURIComponent(String(args.runtimeName))}/details?wsid=${String(args.workspaceId)}`;
      return found ? Promise.resolve({ ...found, studioUrl }) : Promise.reject({ code: 'not_found', message: `Runtime ${String(args.runtimeName)} does not exist.` });
    }
    case 'list_compute_instances':
      return pause(100).then(instances);
    case 'list_environments':
      return pause(100).then(() => ENVIRONMENTS);
    case 'instance_sign_in_status':
      return pause(50).then(() => signInStatus(String(args.instanceName), String(args.region)));
    case 'record_instance_sign_in':
      state.signedInRegions.set(String(args.region), '2026-11-28');
      return pause(50).then(() => signInStatus(String(args.instanceName), String(args.region)));
    case 'open_instance_sign_in':
      return pause(50).then(() => null);
    case 'check_custom_app':
      return pause(50).then(() =>
        String(args.appName).includes('broken')
          ? { available: false, reason: `Custom application '${String(args.appName)}' does not run a prompt flow runtime image.` }
          : { available: true },
      );
    case 'start_compute_instance': {
      const name = String(args.instanceName);
      return longOperation(publish, 'startComputeInstance', `Start compute instance ${name}`, ['requested', 'instanceStarting'], () => {
        state.running.add(name);
        return instance(name, 'Running');
      });
    }
    case 'create_runtime': {
      const request = args.request as { runtimeName: string; computeInstance: string };
      return longOperation(
        publish,
        'createRuntime',
        `Create runtime ${request.runtimeName} on ${request.computeInstance}`,
        ['requested', 'addingCustomApp', 'instanceRestarting', 'runtimeStarting'],
        () => {
          const created = runtime(request.runtimeName, request.computeInstance);
          state.runtimes.push(created);
          return created;
        },
        undefined,
        // Long enough that a test on a loaded machine sees each stage and its message.
        CREATE_STAGE_MS,
      );
    }
    case 'delete_runtime': {
      const request = args.request as { runtimeName: string };
      state.runtimes = state.runtimes.filter((r) => r.name !== request.runtimeName);
      return pause(200).then(() => null);
    }
    default:
      return updatesCommand(command, args, publish, (id) =>
        id === CONTOSO.id ? state.runtimes : id === RESEARCH.id ? researchRuntimes() : [],
      );
  }
}
