// What the user changes while a page test runs. The fixtures (fixtures.ts) hold the core's
// answers before and after each change the generator made in the emulator (an instance started,
// a runtime created, the role granted to oneself); what cannot be generated is written here,
// and only here, kept small:
// - which of those changes this page has made so far (the fixtures cannot know);
// - the runtime's name and instance the user chose, put in place of the generated ones;
// - a runtime deleted (the list without it);
// - the pace of a long operation: its stages are the generated ones, replayed slowly enough for
//   a test to see each, and held while the page tests audit a state.
import type { ComputeInstanceSummary, InstanceChoice, OperationSnapshot, RuntimeDetails, RuntimeSummary, WorkspaceCheck } from '../backend/bindings';
import { PAGES, valueOf, workspaceAnswers, type Answer, type WorldFixture } from './fixtures';

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
): Promise<T> {
  operationCount += 1;
  const started = Date.now();
  const base = { id: `op-${operationCount}`, kind, title, target, startedAt: new Date(started).toISOString(), resumed: false };
  let last: OperationSnapshot['stage'] = 'requested';
  for (const stage of stages) {
    last = stage;
    publish({ ...base, state: 'running', stage, elapsedMs: Date.now() - started });
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
  grantedToMe: new Set<string>(),
};

/** The workspace's runtimes now: the generated list, less those deleted, with those created. */
export function runtimesNow(workspaceId: string, world: WorldFixture = PAGES): RuntimeSummary[] {
  const answers = workspaceAnswers(world, workspaceId);
  const listed = answers ? valueOf(answers.listRuntimes) : [];
  const created = [...made.created.entries()].filter(([k]) => k.startsWith(`${workspaceId}|`)).map(([, v]) => v.summary);
  return [...listed, ...created]
    .filter((runtime) => !made.deleted.has(key(workspaceId, runtime.name)))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

/** A runtime created on this page, as its details page shows it. */
export function createdDetails(workspaceId: string, name: string): RuntimeDetails | undefined {
  return made.deleted.has(key(workspaceId, name)) ? undefined : made.created.get(key(workspaceId, name))?.details;
}

/** The check of the workspace now: after "Grant to me", the generated check that followed it. */
export function checkNow(workspaceId: string, world: WorldFixture = PAGES): Answer<WorkspaceCheck> | undefined {
  const answers = workspaceAnswers(world, workspaceId);
  if (made.grantedToMe.has(workspaceId) && answers?.changes.grantToMe) return answers.changes.grantToMe.checkWorkspace;
  return answers?.checkWorkspace;
}

export function recordGrantToMe(workspaceId: string): void {
  made.grantedToMe.add(workspaceId);
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

/** Starts one of the user's stopped instances: the generated start's answer at the end. */
export function startInstance(publish: Publish, workspaceId: string, name: string, world: WorldFixture = PAGES): Promise<ComputeInstanceSummary> {
  const answer = workspaceAnswers(world, workspaceId)?.changes.startComputeInstance?.[name];
  return longOperation(publish, 'startComputeInstance', `Start compute instance ${name}`, ['requested', 'instanceStarting'], () => {
    if (!answer) throw { code: 'conflict', message: `Compute instance ${name} is not stopped.` };
    made.started.add(key(workspaceId, name));
    return valueOf(answer);
  });
}

/** Long enough that a test on a loaded machine sees each stage of a creation. */
const CREATE_STAGE_MS = 1000;

/** Creates a runtime: the generated creation's stages, then its runtime under the user's names. */
export function createRuntime(
  publish: Publish,
  request: { workspaceId: string; runtimeName: string; computeInstance: string },
  world: WorldFixture = PAGES,
): Promise<RuntimeDetails> {
  const generated = workspaceAnswers(world, request.workspaceId)?.changes.createRuntime;
  const stages = (generated?.stages ?? []).filter((step) => step.state === 'running').map((step) => step.stage);
  return longOperation(
    publish,
    'createRuntime',
    `Create runtime ${request.runtimeName} on ${request.computeInstance}`,
    stages,
    () => {
      if (!generated) throw { code: 'permission_denied', message: 'No runtime can be created in this workspace.' };
      const names: [string, string][] = [
        [generated.runtimeName, request.runtimeName],
        [generated.computeInstance, request.computeInstance],
      ];
      const summary = renamed(valueOf(generated.listRuntimes).find((r) => r.name === generated.runtimeName), names);
      const details = renamed(valueOf(generated.runtimeDetails), names);
      if (!summary) throw { code: 'internal', message: 'The generated list lacks the created runtime.' };
      made.created.set(key(request.workspaceId, request.runtimeName), { summary, details });
      made.deleted.delete(key(request.workspaceId, request.runtimeName));
      return renamed(valueOf(generated.answer), names);
    },
    undefined,
    CREATE_STAGE_MS,
  );
}

export function deleteRuntime(workspaceId: string, name: string): void {
  made.deleted.add(key(workspaceId, name));
}
