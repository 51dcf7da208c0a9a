// What the user changes while a page test runs. The fixtures (fixtures.ts) hold the core's
// answers before and after each change the generator made in the emulator (an instance started,
// a runtime created or updated, a role granted or removed, a sign-in on a region's instances);
// what cannot be generated is written here, and only here, kept small:
// - which of those changes this page has made so far (the fixtures cannot know);
// - the runtime's name and instance the user chose, put in place of the generated ones;
// - a runtime deleted (the list without it);
// - an operation already running on what the user acts on (refused, or left alone by "Update
//   all");
// - the pace of a long operation: its stages are the generated ones, replayed slowly enough for
//   a test to see each, and held while the page tests audit a state.
import type {
  ComputeInstanceSummary,
  DeleteRuntimeRequest,
  FleetVersionReport,
  GrantOutcome,
  GrantRequest,
  InstanceChoice,
  InstanceSignInStatus,
  OperationSnapshot,
  RevokeOutcome,
  RevokeRequest,
  RuntimeDetails,
  RuntimeSummary,
  RuntimeVersionStatus,
  UpdateAllItem,
  UpdateAllSummary,
  UpdateOutcome,
  UpdateRuntimeRequest,
  WorkspaceCheck,
  WorkspaceRoleAssignment,
} from '../backend/bindings';
import {
  PAGES,
  notGenerated,
  outcomeOf,
  settle,
  valueOf,
  workspaceAnswers,
  type Answer,
  type GeneratedOperation,
  type Steps,
  type WorldFixture,
} from './fixtures';

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

let operationCount = 0;

/** How the core ends an operation cancelled by the user (an operation the generator cancelled). */
function cancelledError() {
  return structuredClone(PAGES.activity?.cancelled.error ?? notGenerated('a cancelled operation'));
}

/**
 * A long operation: each stage for `stageMs`, then the result (or the error `result` throws).
 * Cancelling ends it with the backend's `cancelled` error.
 */
export async function longOperation<T>(
  publish: Publish,
  kind: OperationSnapshot['kind'],
  title: string,
  stages: OperationSnapshot['stage'][],
  result: () => T,
  target: string = title,
  stageMs = 400,
  subject?: OperationSnapshot['subject'],
): Promise<T> {
  operationCount += 1;
  const started = Date.now();
  const base = { id: `op-${operationCount}`, kind, title, target, subject, startedAt: new Date(started).toISOString(), resumed: false };
  let last: OperationSnapshot['stage'] = 'requested';
  for (const stage of stages) {
    last = stage;
    publish({ ...base, state: 'running', stage, elapsedMs: Date.now() - started });
    await pause(stageMs);
    if (cancelled.has(base.id)) {
      publish({ ...base, state: 'cancelled', stage, elapsedMs: Date.now() - started });
      throw cancelledError();
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

/** The stages a generated operation ran through, once each, for `longOperation` to replay. */
function runningStages(steps: Steps): OperationSnapshot['stage'][] {
  const stages: OperationSnapshot['stage'][] = [];
  for (const step of steps) if (step.state === 'running' && stages[stages.length - 1] !== step.stage) stages.push(step.stage);
  return stages;
}

/** Replays an operation the generator ran, ending with `result`. */
function replay<T>(publish: Publish, generated: GeneratedOperation, result: () => T, stageMs?: number): Promise<T> {
  const operation = generated.operation;
  if (!operation) return Promise.reject(notGenerated('an operation the core never started'));
  return longOperation(publish, operation.kind, operation.title, runningStages(generated.stages), result, operation.target, stageMs, operation.subject);
}

/** The generated answer with the generated names replaced by the user's. */
function renamed<T>(value: T, names: [string, string][]): T {
  let text = JSON.stringify(value);
  for (const [from, to] of names) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

const key = (workspaceId: string, name: string) => `${workspaceId}|${name}`;

/** The changes made so far, in one page's life. */
const made = {
  started: new Set<string>(),
  created: new Map<string, { summary: RuntimeSummary; details: RuntimeDetails }>(),
  deleted: new Set<string>(),
  /** The details the core answered for each runtime deleted, once it was gone. */
  gone: new Map<string, Answer<RuntimeDetails>>(),
  grantedToMe: new Set<string>(),
  /** Runtimes updated, and being updated. */
  updated: new Set<string>(),
  updating: new Set<string>(),
  /** Role assignments made and removed, by workspace and assignment name. */
  granted: new Set<string>(),
  revoked: new Set<string>(),
  /** Regions whose instances the user said they signed in on. */
  signedIn: new Set<string>(),
};

/** The instance's sign-in now: as the core reported it before, or after a sign-in in its region. */
export function signInNow(instance: string, region: string, world: WorldFixture = PAGES): Answer<InstanceSignInStatus> {
  const generated = world.instanceSignIn[`${instance}/${region}`];
  if (!generated) return { error: notGenerated(`signing in on ${instance} in ${region}`) };
  return made.signedIn.has(region) ? generated.after : generated.before;
}

export function recordSignIn(region: string): void {
  made.signedIn.add(region);
}

const generatedUpdate = (workspaceId: string, name: string, world: WorldFixture) =>
  made.updated.has(key(workspaceId, name)) ? workspaceAnswers(world, workspaceId)?.changes.updates[name] : undefined;

/**
 * The workspace's runtimes now: the generated list, less those deleted, with those created, and
 * those updated as the generator listed them after updating them.
 */
export function runtimesNow(workspaceId: string, world: WorldFixture = PAGES): RuntimeSummary[] {
  const answers = workspaceAnswers(world, workspaceId);
  const listed = answers ? valueOf(answers.listRuntimes) : [];
  const created = [...made.created.entries()].filter(([k]) => k.startsWith(`${workspaceId}|`)).map(([, v]) => v.summary);
  return [...listed, ...created]
    .map((runtime) => {
      const after = generatedUpdate(workspaceId, runtime.name, world)?.listed;
      return (after && 'ok' in after && after.ok) || runtime;
    })
    .filter((runtime) => !made.deleted.has(key(workspaceId, runtime.name)))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

/** A runtime created on this page, as its details page shows it. */
export function createdDetails(workspaceId: string, name: string): RuntimeDetails | undefined {
  return made.deleted.has(key(workspaceId, name)) ? undefined : made.created.get(key(workspaceId, name))?.details;
}

/** A runtime's details now: deleted, created or updated on this page, or as generated. */
export function detailsNow(workspaceId: string, name: string, world: WorldFixture = PAGES): Answer<RuntimeDetails> | undefined {
  if (made.deleted.has(key(workspaceId, name))) return made.gone.get(key(workspaceId, name));
  const created = createdDetails(workspaceId, name);
  if (created) return { ok: created };
  return generatedUpdate(workspaceId, name, world)?.runtimeDetails ?? workspaceAnswers(world, workspaceId)?.runtimeDetails[name];
}

/** A runtime's version now: a created one's under the user's names, an updated one's afterwards. */
export function versionNow(workspaceId: string, name: string, world: WorldFixture = PAGES): Answer<RuntimeVersionStatus> | undefined {
  const answers = workspaceAnswers(world, workspaceId);
  const created = answers?.changes.createRuntime;
  const createdHere = made.created.get(key(workspaceId, name));
  if (created && createdHere) {
    return renamed(created.checkRuntimeVersion, [
      [created.runtimeName, name],
      [created.computeInstance, createdHere.details.computeInstanceName ?? created.computeInstance],
    ]);
  }
  return generatedUpdate(workspaceId, name, world)?.checkRuntimeVersion ?? answers?.checkRuntimeVersion[name];
}

/** The versions of every runtime of the workspaces now, as the core reports a fleet. */
export function fleetNow(workspaceIds: string[], world: WorldFixture = PAGES): FleetVersionReport {
  const template = valueOf(world.checkWorkspaceVersions);
  const runtimes = workspaceIds.flatMap((id) =>
    runtimesNow(id, world).flatMap((runtime) => {
      const version = versionNow(id, runtime.name, world);
      return version && 'ok' in version ? [structuredClone(version.ok)] : [];
    }),
  );
  return {
    ...template,
    runtimes,
    outdatedCount: runtimes.filter((r) => r.updateAvailable).length,
    problems: template.problems.filter((p) => workspaceIds.includes(p.workspaceId)),
    workspaces: template.workspaces.filter((w) => workspaceIds.includes(w.id)),
  };
}

/**
 * Updates a runtime as the generator did (the same environment chosen), replaying its stages;
 * refused while another update of it runs, as the core refuses a second operation on one target.
 */
export async function updateRuntime(publish: Publish, request: UpdateRuntimeRequest, stageMs?: number, world: WorldFixture = PAGES): Promise<UpdateOutcome> {
  const k = key(request.workspaceId, request.runtimeName);
  const generated = workspaceAnswers(world, request.workspaceId)?.changes.updates[request.runtimeName];
  if (!generated || made.updated.has(k) || (generated.environment ?? undefined) !== (request.environment ?? undefined)) {
    throw notGenerated(`this update of ${request.runtimeName}`);
  }
  // The core's refusal of a second update while one runs.
  if (made.updating.has(k)) return settle(generated.conflict);
  made.updating.add(k);
  try {
    return await replay(
      publish,
      generated,
      () => {
        const outcome = outcomeOf(generated.answer);
        made.updated.add(k);
        return outcome;
      },
      stageMs,
    );
  } finally {
    made.updating.delete(k);
  }
}

/**
 * "Update all" as the core summed it up for each workspace, each update replayed; a runtime
 * updated on this page since counts as up to date, one being updated is left alone.
 */
export async function updateAll(publish: Publish, workspaceIds: string[], stageMs?: number, world: WorldFixture = PAGES): Promise<UpdateAllSummary> {
  const started = Date.now();
  const summaries = workspaceIds.flatMap((id) => {
    const answer = workspaceAnswers(world, id)?.updateAllOutdated;
    return answer ? [valueOf(answer)] : [];
  });
  let upToDate = summaries.reduce((sum, s) => sum + s.upToDate, 0);
  const items: UpdateAllItem[] = [];
  await Promise.all(
    summaries
      .flatMap((s) => s.items)
      .map(async (item) => {
        const k = key(item.workspaceId, item.runtimeName);
        if (made.updated.has(k)) upToDate += 1;
        else if (item.outcome !== 'updated') items.push(item);
        else if (made.updating.has(k)) items.push({ ...item, outcome: 'alreadyUpdating', to: undefined, operationId: undefined });
        else {
          const request = { workspaceId: item.workspaceId, runtimeName: item.runtimeName, allowOlder: false, moveToDefaultEnvironment: false };
          try {
            const outcome = await updateRuntime(publish, request, stageMs, world);
            items.push({ ...item, to: outcome.current, operationId: outcome.operationId });
          } catch (error) {
            items.push({ ...item, outcome: 'failed', to: undefined, operationId: undefined, error: error as UpdateAllItem['error'] });
          }
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
    upToDate,
    problems: summaries.flatMap((s) => s.problems),
    dockerfileFromLine: count('needsAttention') > 0 ? summaries.find((s) => s.dockerfileFromLine)?.dockerfileFromLine : undefined,
    latestIsFinal: summaries.some((s) => s.latestIsFinal),
    elapsedMs: Date.now() - started,
  };
}

/**
 * The workspace's role assignments now (for one principal, or all): the generated list, with
 * those granted on this page as the core listed them after granting, less those removed.
 */
export function assignmentsNow(workspaceId: string, principalId?: string | null, world: WorldFixture = PAGES): Answer<WorkspaceRoleAssignment[]> | undefined {
  const answers = workspaceAnswers(world, workspaceId);
  if (!answers) return undefined;
  const before = answers.listRoleAssignments;
  if ('error' in before) return before;
  const shown = new Set(before.ok.map((a) => a.assignment.name));
  const after = answers.changes.permissions.listRoleAssignments;
  const all = 'ok' in after ? after.ok : before.ok;
  const now = all.filter((a) => {
    const k = key(workspaceId, a.assignment.name);
    return (shown.has(a.assignment.name) || made.granted.has(k)) && !made.revoked.has(k);
  });
  return { ok: now.filter((a) => !principalId || a.principal.objectId === principalId) };
}

const grantKey = (target: GrantRequest['target']) =>
  target.kind === 'user' ? `user:${target.user.trim()}` : target.kind === 'endpoint' ? `endpoint:${target.name}` : target.kind;

/** Long enough that a test sees a grant wait for Azure to apply it. */
const GRANT_STAGE_MS = 1500;

/** Grants as the generator did for the same target (only AzureML Data Scientist was generated). */
export function grantRole(publish: Publish, request: GrantRequest, world: WorldFixture = PAGES): Promise<GrantOutcome> {
  const generated = workspaceAnswers(world, request.workspaceId)?.changes.permissions.grants[grantKey(request.target)];
  if (!generated || (request.role ?? 'dataScientist') !== 'dataScientist') return Promise.reject(notGenerated('this grant'));
  if (!generated.operation) return pause(300).then(() => settle(generated.answer));
  return replay(publish, generated, () => {
    const outcome = outcomeOf(generated.answer);
    if (outcome.assignment) {
      made.granted.add(key(request.workspaceId, outcome.assignment.name));
      made.revoked.delete(key(request.workspaceId, outcome.assignment.name));
    }
    if (request.target.kind === 'me') made.grantedToMe.add(request.workspaceId);
    return outcome;
  }, GRANT_STAGE_MS);
}

/** Removes an assignment shown now, once the principal's name (as the core asks) is typed. */
export async function revokeRole(request: RevokeRequest, world: WorldFixture = PAGES): Promise<RevokeOutcome> {
  await pause(200);
  const generated = workspaceAnswers(world, request.workspaceId)?.changes.permissions.revokes[request.assignmentName];
  const shown = assignmentsNow(request.workspaceId, null, world);
  const listed = shown && 'ok' in shown && shown.ok.some((a) => a.assignment.name === request.assignmentName);
  if (!generated || !listed) throw notGenerated(`removing the assignment ${request.assignmentName}`);
  const refusal = generated.refusal;
  const confirmWith = 'error' in refusal ? refusal.error.details?.confirmWith : undefined;
  if (typeof confirmWith === 'string' && request.confirm.trim().toLowerCase() !== confirmWith.toLowerCase()) return settle(refusal);
  made.revoked.add(key(request.workspaceId, request.assignmentName));
  return settle(generated.answer);
}

/** The check of the workspace now: after "Grant to me", the generated check that followed it. */
export function checkNow(workspaceId: string, world: WorldFixture = PAGES): Answer<WorkspaceCheck> | undefined {
  const answers = workspaceAnswers(world, workspaceId);
  if (made.grantedToMe.has(workspaceId) && answers?.changes.grantToMe) return answers.changes.grantToMe.checkWorkspace;
  return answers?.checkWorkspace;
}

/** The user's instances now: those started on this page as the generator saw them after starting. */
export function instancesNow(workspaceId: string, world: WorldFixture = PAGES): InstanceChoice[] {
  const answers = workspaceAnswers(world, workspaceId);
  if (!answers) return [];
  const after = answers.changes.listComputeInstancesAfterStart;
  const started = after ? valueOf(after) : [];
  return valueOf(answers.listComputeInstances).map(
    (choice) => (made.started.has(key(workspaceId, choice.instance.name)) && started.find((s) => s.instance.name === choice.instance.name)) || choice,
  );
}

/** Starts one of the user's stopped instances as the generator did, replaying its stages. */
export function startInstance(publish: Publish, workspaceId: string, name: string, world: WorldFixture = PAGES): Promise<ComputeInstanceSummary> {
  const generated = workspaceAnswers(world, workspaceId)?.changes.startComputeInstance?.[name];
  if (!generated || made.started.has(key(workspaceId, name))) return Promise.reject(notGenerated(`starting ${name} again`));
  return replay(publish, generated, () => {
    const summary = outcomeOf(generated.answer);
    made.started.add(key(workspaceId, name));
    return summary;
  });
}

/** Long enough that a test on a loaded machine sees each stage of a creation. */
const CREATE_STAGE_MS = 1000;

/** Creates a runtime as the generator did, under the user's names: its stages, then its runtime. */
export function createRuntime(
  publish: Publish,
  request: { workspaceId: string; runtimeName: string; computeInstance: string },
  world: WorldFixture = PAGES,
): Promise<RuntimeDetails> {
  const generated = workspaceAnswers(world, request.workspaceId)?.changes.createRuntime;
  if (!generated) return Promise.reject(notGenerated('creating a runtime in this workspace'));
  const names: [string, string][] = [
    [generated.runtimeName, request.runtimeName],
    [generated.computeInstance, request.computeInstance],
  ];
  return replay(
    publish,
    renamed(generated, names),
    () => {
      const summary = renamed(valueOf(generated.listRuntimes).find((r) => r.name === generated.runtimeName), names);
      const details = renamed(valueOf(generated.runtimeDetails), names);
      if (!summary) throw notGenerated('the created runtime in the list after creating it');
      made.created.set(key(request.workspaceId, request.runtimeName), { summary, details });
      made.deleted.delete(key(request.workspaceId, request.runtimeName));
      return renamed(outcomeOf(generated.answer), names);
    },
    CREATE_STAGE_MS,
  );
}

/** Deletes a runtime as the generator did (one created on this page as it deleted its own). */
export function deleteRuntime(publish: Publish, request: DeleteRuntimeRequest, world: WorldFixture = PAGES): Promise<null> {
  const changes = workspaceAnswers(world, request.workspaceId)?.changes;
  const k = key(request.workspaceId, request.runtimeName);
  const created = made.created.has(k) ? changes?.createRuntime : undefined;
  const generatedName = created?.runtimeName ?? request.runtimeName;
  const generated = changes?.deleteRuntime[generatedName];
  if (!generated || generated.removeCustomApp !== request.removeCustomApp || made.deleted.has(k)) return Promise.reject(notGenerated(`this deletion of ${request.runtimeName}`));
  const names: [string, string][] = [[generatedName, request.runtimeName]];
  const instance = made.created.get(k)?.details.computeInstanceName;
  if (created && instance) names.push([created.computeInstance, instance]);
  const asNamed = renamed(generated, names);
  if (request.confirmName !== request.runtimeName) return pause(100).then(() => settle(asNamed.refusal));
  return replay(publish, asNamed, () => {
    const outcome = outcomeOf(asNamed.answer);
    made.deleted.add(k);
    made.gone.set(k, asNamed.runtimeDetails);
    return outcome;
  });
}
