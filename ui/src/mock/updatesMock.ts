// The fake backend's versions and updates (page tests only, built with `--mode pages`).
// research-ml holds four runtimes: rt-default (old default image: registry and service agree it
// is outdated), rt-preview (the registry lists a newer image, the service says no update is
// needed; its update fails), rt-custom (custom environment pf-custom:1, rebuilt as versions 2
// and 3) and rt-fresh (newest image). Ages are fixed so tests can assert exact text. An update
// takes 4 × 700 ms; `?scenario=slow-updates` makes it 4 × 2 s, so a test can act while one runs.
import type {
  CustomEnvironmentGuidance,
  EnvironmentCandidate,
  FleetVersionReport,
  RuntimeDetails,
  RuntimeSummary,
  RuntimeVersion,
  RuntimeVersionStatus,
  UpdateAllItem,
  UpdateAllSummary,
  UpdateOutcome,
  UpdateRuntimeRequest,
  VersionNote,
} from '../backend/bindings';
import { longOperation, pause, type Publish } from './runtimesMock';

const REPOSITORY = 'mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable';
const NEWEST = '20251211.v12';
const AGES: Record<string, number> = { '20240111.v2': 706, '20240429.v8': 597, '20240601.v1': 568, '20250601.v3': 203, [NEWEST]: 5 };
const ENVIRONMENT_BASES: Record<string, string> = { '1': '20240111.v2', '2': '20240429.v8', '3': NEWEST };
const CHECK_PREFERENCE_KEY = 'pfrm.mock.checkUpdatesAtStartup';

function version(tag: string): RuntimeVersion {
  const [date = '', build = 'v0'] = tag.split('.');
  const day = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
  const number = Number(build.slice(1));
  return { tag, date: day, build: number, label: `version ${day} (v${number})`, ageDays: AGES[tag] ?? 0 };
}

function environmentAsset(version: string): string {
  return `azureml://locations/swedencentral/workspaces/guid-research-ml/environments/pf-custom/versions/${version}`;
}

function researchRuntime(name: string, instance: string, tag: string | null, environmentVersion?: string): RuntimeDetails {
  const image = tag ? `${REPOSITORY}:${tag}` : 'researchacr.azurecr.io/azureml/azureml_5d1c:latest';
  return {
    name,
    runtimeType: 'ComputeInstance',
    status: 'Running',
    statusText: 'Running',
    computeInstanceName: instance,
    customAppName: name,
    dockerImage: image,
    imageTag: tag,
    environment: environmentVersion ? environmentAsset(environmentVersion) : null,
    createdOn: '2026-01-12T09:00:00Z',
    modifiedOn: '2026-01-12T09:00:00Z',
    ownerName: 'Rita Research',
    description: null,
    statusMessage: null,
    errorMessage: null,
    diagnosis: null,
    endpointUrl: `https://${instance}-8081.swedencentral.instances.azureml.ms`,
    publishedPort: 8081,
    targetPort: 8080,
    fromExistingCustomApp: false,
    assignedTo: null,
    owner: { objectId: 'rita', tenantId: 't', userName: 'Rita Research', userPrincipalName: 'rita@contoso.example' },
  };
}

const research: RuntimeDetails[] = [
  researchRuntime('rt-custom', 'ci-rita', null, '1'),
  researchRuntime('rt-default', 'ci-rita', '20240111.v2'),
  researchRuntime('rt-fresh', 'ci-sam', NEWEST),
  researchRuntime('rt-preview', 'ci-sam', '20250601.v3'),
  researchRuntime('rt-old', 'ci-sam', '20240601.v1'),
];

export function researchRuntimes(): RuntimeDetails[] {
  return research;
}

function environmentVersionOf(runtime: RuntimeSummary): string | undefined {
  return runtime.environment?.split('/versions/')[1];
}

function status(workspaceId: string, runtime: RuntimeSummary): RuntimeVersionStatus {
  const workspaceName = workspaceId.split('/').pop() ?? workspaceId;
  const environmentVersion = environmentVersionOf(runtime);
  const current = runtime.imageTag ? version(runtime.imageTag) : undefined;
  const registrySaysOutdated = current ? current.tag !== NEWEST : undefined;
  const serviceSaysOutdated =
    runtime.name === 'rt-preview' ? false : environmentVersion ? environmentVersion !== '3' : registrySaysOutdated;
  const sourcesAgree = registrySaysOutdated !== undefined && registrySaysOutdated === serviceSaysOutdated;
  const notes: VersionNote[] = [];
  if (registrySaysOutdated === true && serviceSaysOutdated === false) {
    notes.push({ code: 'registryNewer', latest: 'version 2025-12-11 (v12)', current: current?.label ?? '' });
  } else if (environmentVersion) {
    notes.push({ code: 'customEnvironment', environment: `pf-custom:${environmentVersion}`, serviceOutdated: serviceSaysOutdated === true });
  }
  return {
    key: `${workspaceId}/flowruntimes/${runtime.name}`.toLowerCase(),
    workspaceId,
    workspaceName,
    runtimeName: runtime.name,
    status: runtime.status,
    computeInstanceName: runtime.computeInstanceName ?? undefined,
    dockerImage: runtime.dockerImage ?? undefined,
    current,
    latest: version(NEWEST),
    registrySaysOutdated,
    serviceSaysOutdated,
    // As the core decides: the service's answer wins; the registry only when it is unknown.
    updateAvailable: serviceSaysOutdated ?? registrySaysOutdated === true,
    // The images are frozen since prompt flow's retirement was announced.
    latestIsFinal: true,
    sourcesAgree,
    notes,
    customEnvironment: environmentVersion
      ? { assetId: runtime.environment ?? '', name: 'pf-custom', version: environmentVersion }
      : undefined,
    problems: [],
  };
}

function guidance(runtime: RuntimeSummary): CustomEnvironmentGuidance {
  const current = environmentVersionOf(runtime);
  const candidates: EnvironmentCandidate[] = ['3', '2', '1'].map((v) => ({
    choice: {
      name: 'pf-custom',
      version: v,
      assetId: environmentAsset(v),
      image: `${REPOSITORY}:${ENVIRONMENT_BASES[v]}`,
      derivesFromRuntimeImage: true,
    },
    isCurrent: v === current,
    warning:
      current && Number(v) < Number(current)
        ? { code: 'older' as const, chosen: `pf-custom:${v}`, current: `pf-custom:${current}` }
        : v === current
          ? { code: 'same' as const, chosen: `pf-custom:${v}` }
          : undefined,
  }));
  return {
    runtimeName: runtime.name,
    currentEnvironment: current ? { assetId: runtime.environment ?? '', name: 'pf-custom', version: current } : undefined,
    latest: version(NEWEST),
    baseImage: `${REPOSITORY}:${NEWEST}`,
    dockerfileFromLine: `FROM ${REPOSITORY}:${NEWEST}`,
    candidates,
  };
}

function update(publish: Publish, workspaceId: string, request: UpdateRuntimeRequest): Promise<UpdateOutcome> {
  const runtime = research.find((r) => r.name === request.runtimeName);
  if (!runtime) return Promise.reject({ code: 'not_found', message: `Runtime ${request.runtimeName} does not exist.` });
  const chosen = request.environment?.split('/versions/')[1];
  const current = environmentVersionOf(runtime);
  if (chosen && current && Number(chosen) <= Number(current) && !request.allowOlder) {
    return Promise.reject({
      code: 'conflict',
      message: `pf-custom:${chosen} is not newer than pf-custom:${current}.`,
      remedy: 'Pick the version rebuilt on the newest runtime image, or confirm that you want this one.',
    });
  }
  if (current && !chosen && !request.moveToDefaultEnvironment) {
    return Promise.reject({
      code: 'invalid_input',
      message: `Runtime ${runtime.name} runs custom environment pf-custom:${current}, which the service cannot update by itself.`,
      details: { reason: 'customEnvironment' },
    });
  }
  const previous = runtime.imageTag ? version(runtime.imageTag) : undefined;
  const title = chosen
    ? `Update runtime ${runtime.name} to environment pf-custom:${chosen}`
    : `Update runtime ${runtime.name} to the newest image`;
  const target = `${workspaceId}/flowruntimes/${runtime.name}`.toLowerCase();
  return longOperation(
    publish,
    'updateRuntime',
    title,
    ['requested', 'instanceRestarting', 'runtimeStarting', 'verifying'],
    () => {
      if (runtime.name === 'rt-preview') {
        throw {
          code: 'service',
          message: 'Runtime rt-preview is running again, but on version 2025-06-01 (v3) (20250601.v3), which is not newer than version 2025-06-01 (v3) before the update.',
          remedy: 'The prompt flow service did not move it to a newer image. Check the version again later, or recreate the runtime with the default environment.',
        };
      }
      if (chosen) {
        runtime.environment = environmentAsset(chosen);
        runtime.dockerImage = `researchacr.azurecr.io/azureml/azureml_pf${chosen}:latest`;
      } else {
        runtime.environment = null;
        runtime.imageTag = NEWEST;
        runtime.dockerImage = `${REPOSITORY}:${NEWEST}`;
      }
      runtime.modifiedOn = new Date().toISOString();
      return {
        operationId: `update-${runtime.name}`,
        runtime: { ...runtime },
        previous,
        current: runtime.imageTag && !chosen ? version(runtime.imageTag) : undefined,
        environment: chosen ? { assetId: environmentAsset(chosen), name: 'pf-custom', version: chosen } : undefined,
        warnings: [],
      };
    },
    target,
    new URLSearchParams(window.location.search).get('scenario') === 'slow-updates' ? 2000 : 700,
  );
}

/** Runtimes being updated now (by name), so "Update all" does not update one twice. */
const updating = new Set<string>();

async function updateTracked(publish: Publish, workspaceId: string, request: UpdateRuntimeRequest): Promise<UpdateOutcome> {
  if (updating.has(request.runtimeName)) {
    throw { code: 'conflict', message: `Runtime ${request.runtimeName} is already being changed.` };
  }
  updating.add(request.runtimeName);
  try {
    return await update(publish, workspaceId, request);
  } finally {
    updating.delete(request.runtimeName);
  }
}

async function updateAll(publish: Publish, workspaceIds: string[], runtimesOf: (id: string) => RuntimeSummary[]): Promise<UpdateAllSummary> {
  const started = Date.now();
  const statuses = workspaceIds.flatMap((id) => runtimesOf(id).map((runtime) => status(id, runtime)));
  const items: UpdateAllItem[] = [];
  const base = (s: RuntimeVersionStatus) => ({
    workspaceId: s.workspaceId,
    workspaceName: s.workspaceName,
    runtimeName: s.runtimeName,
    from: s.current,
    warnings: [],
  });
  const outdated = statuses.filter((s) => s.updateAvailable);
  for (const s of outdated.filter((s) => s.customEnvironment)) {
    items.push({
      ...base(s),
      outcome: 'needsAttention',
      customEnvironment: s.customEnvironment,
      attention: 'customEnvironment',
    });
  }
  await Promise.all(
    outdated
      .filter((s) => !s.customEnvironment)
      .map(async (s) => {
        if (updating.has(s.runtimeName)) {
          items.push({ ...base(s), outcome: 'alreadyUpdating' });
          return;
        }
        try {
          const outcome = await updateTracked(publish, s.workspaceId, { workspaceId: s.workspaceId, runtimeName: s.runtimeName, allowOlder: false, moveToDefaultEnvironment: false });
          items.push({ ...base(s), outcome: 'updated', to: outcome.current, operationId: outcome.operationId });
        } catch (error) {
          items.push({ ...base(s), outcome: 'failed', error: error as UpdateAllItem['error'] });
        }
      }),
  );
  const count = (outcome: UpdateAllItem['outcome']) => items.filter((item) => item.outcome === outcome).length;
  return {
    items,
    updated: count('updated'),
    failed: count('failed'),
    needsAttention: count('needsAttention'),
    alreadyUpdating: count('alreadyUpdating'),
    upToDate: statuses.length - outdated.length,
    problems: [],
    dockerfileFromLine: count('needsAttention') > 0 ? `FROM ${REPOSITORY}:${NEWEST}` : undefined,
    elapsedMs: Date.now() - started,
  };
}

function checkPreference(): boolean {
  try {
    return window.localStorage.getItem(CHECK_PREFERENCE_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Answers a versions-and-updates command, or `undefined` when the command is not one of them. */
export function updatesCommand(
  command: string,
  args: Record<string, unknown>,
  publish: Publish,
  runtimesOf: (workspaceId: string) => RuntimeSummary[],
): Promise<unknown> | undefined {
  switch (command) {
    case 'check_runtime_version': {
      const workspaceId = String(args.workspaceId);
      const runtime = runtimesOf(workspaceId).find((r) => r.name === args.runtimeName);
      if (!runtime) return Promise.reject({ code: 'not_found', message: `Runtime ${String(args.runtimeName)} does not exist.` });
      return pause(300).then(() => status(workspaceId, runtime));
    }
    case 'check_workspace_versions': {
      const ids = args.workspaceIds as string[];
      const runtimes = ids.flatMap((id) => runtimesOf(id).map((runtime) => status(id, runtime)));
      const report: FleetVersionReport = {
        runtimes,
        outdatedCount: runtimes.filter((r) => r.updateAvailable).length,
        latest: version(NEWEST),
        latestIsFinal: true,
        problems: [],
      };
      return pause(200).then(() => report);
    }
    case 'custom_environment_guidance': {
      const runtime = runtimesOf(String(args.workspaceId)).find((r) => r.name === args.runtimeName);
      if (!runtime) return Promise.reject({ code: 'not_found', message: `Runtime ${String(args.runtimeName)} does not exist.` });
      return pause(150).then(() => guidance(runtime));
    }
    case 'update_runtime': {
      const request = args.request as UpdateRuntimeRequest;
      return updateTracked(publish, request.workspaceId, request);
    }
    case 'update_all_outdated': {
      const request = args.request as { workspaceIds: string[] };
      return updateAll(publish, request.workspaceIds, runtimesOf);
    }
    case 'update_preferences':
      return Promise.resolve({ checkAtStartup: checkPreference() });
    case 'set_check_updates_at_startup': {
      const enabled = args.enabled === true;
      try {
        window.localStorage.setItem(CHECK_PREFERENCE_KEY, enabled ? 'on' : 'off');
      } catch {
        // Without storage the choice lasts until the page reloads.
      }
      return pause(100).then(() => ({ checkAtStartup: enabled }));
    }
    default:
      return undefined;
  }
}
