import { describe, expect, it } from 'vitest';
import type { FleetVersionReport, OperationSnapshot, RuntimeVersionStatus } from '../backend';
import {
  ageText,
  isUpdateOf,
  outdatedCount,
  planUpdateAll,
  noteText,
  environmentWarningText,
  updateWarningText,
  attentionText,
  runtimesBeingUpdated,
  sourceVerdict,
  sourcesDisagree,
  summaryHeadline,
  imageText,
  updateStepStates,
  versionWithAge,
  withStatus,
} from './model';

const WS = '/subscriptions/S/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/WS';

function status(name: string, extra: Partial<RuntimeVersionStatus> = {}): RuntimeVersionStatus {
  return {
    key: `${WS}/flowruntimes/${name}`.toLowerCase(),
    workspaceId: WS,
    workspaceKey: WS.toLowerCase(),
    workspaceName: 'WS',
    notes: [],
    runtimeName: name,
    status: 'Running',
    computeInstanceName: 'ci',
    updateAvailable: true,
    latestIsFinal: false,
    sourcesAgree: true,
    problems: [],
    ...extra,
  };
}

function operation(name: string, state: OperationSnapshot['state'], kind: OperationSnapshot['kind'] = 'updateRuntime'): OperationSnapshot {
  return {
    id: `op-${name}`,
    kind,
    title: `Update runtime ${name}`,
    // The backend's targets are lower case.
    target: `${WS}/flowruntimes/${name}`.toLowerCase(),
    state,
    stage: 'runtimeStarting',
    startedAt: '2026-01-01T00:00:00Z',
    elapsedMs: 0,
    resumed: false,
  };
}

describe('versions as people read them', () => {
  it('says how old a version is', () => {
    expect(ageText(0)).toBe('released today');
    expect(ageText(1)).toBe('1 day old');
    expect(ageText(685)).toBe('685 days old');
    expect(versionWithAge({ tag: '20240111.v2', date: '2024-01-11', build: 2, label: 'version 2024-01-11 (v2)', ageDays: 30 })).toBe(
      'version 2024-01-11 (v2), 30 days old',
    );
  });

  it('says which source says what, and only calls it a disagreement when both answered', () => {
    expect(sourceVerdict(true)).toBe('a newer version exists');
    expect(sourceVerdict(false)).toBe('no update is needed');
    expect(sourceVerdict(undefined)).toBe('could not tell');
    expect(sourcesDisagree(status('a', { registrySaysOutdated: true, serviceSaysOutdated: false }))).toBe(true);
    expect(sourcesDisagree(status('a', { registrySaysOutdated: true, serviceSaysOutdated: true }))).toBe(false);
    expect(sourcesDisagree(status('a', { serviceSaysOutdated: true }))).toBe(false);
  });
});

describe('update progress', () => {
  it('marks the steps before the stage done, the stage current and the rest waiting', () => {
    expect(updateStepStates('instanceRestarting', false)).toEqual({
      requested: 'done',
      instanceRestarting: 'current',
      runtimeStarting: 'waiting',
      verifying: 'waiting',
    });
    expect(updateStepStates(null, false).requested).toBe('current');
    expect(Object.values(updateStepStates('done', true))).toEqual(['done', 'done', 'done', 'done']);
  });

  it("finds a runtime's update operation by the core's key of the runtime", () => {
    const key = (name: string) => status(name).key;
    expect(isUpdateOf(operation('rt-1', 'running'), key('rt-1'))).toBe(true);
    expect(isUpdateOf(operation('rt-1', 'running'), key('rt-2'))).toBe(false);
    expect(isUpdateOf(operation('rt-1', 'running', 'createRuntime'), key('rt-1'))).toBe(false);
    const updating = runtimesBeingUpdated([operation('rt-1', 'running'), operation('rt-2', 'succeeded')]);
    expect(updating.has(key('rt-1'))).toBe(true);
    expect(updating.has(key('rt-2'))).toBe(false);
  });
});

describe('counts and Update all', () => {
  const report: FleetVersionReport = {
    runtimes: [status('a'), status('b', { updateAvailable: false })],
    outdatedCount: 1,
    latestIsFinal: false,
    problems: [],
    workspaces: [{ id: WS, key: WS.toLowerCase(), name: 'WS' }],
  };

  it('counts outdated runtimes across workspaces and follows a fresher status', () => {
    expect(outdatedCount([report, { ...report, runtimes: [status('c')] }])).toBe(2);
    const updated = withStatus(report, status('A', { updateAvailable: false }));
    expect(updated.outdatedCount).toBe(0);
    expect(updated.runtimes).toHaveLength(2);
    expect(withStatus(report, status('d')).runtimes.map((r) => r.runtimeName)).toEqual(['a', 'b', 'd']);
  });

  it('plans: default environments updated, custom ones for attention, one already updating left alone', () => {
    const plan = planUpdateAll(
      [
        status('default'),
        status('custom', { customEnvironment: { assetId: 'azureml:pf:1', name: 'pf', version: '1' } }),
        status('busy'),
        status('serverless', { computeInstanceName: undefined }),
        status('current', { updateAvailable: false }),
      ],
      new Set([status('busy').key]),
    );
    expect(plan.direct.map((r) => r.runtimeName)).toEqual(['default']);
    expect(plan.attention.map((r) => r.runtimeName)).toEqual(['custom', 'serverless']);
    expect(plan.alreadyUpdating.map((r) => r.runtimeName)).toEqual(['busy']);
    expect(plan.latestIsFinal).toBe(false);
  });

  it('leaves out, with the reason, a runtime the service says needs no update although the registry lists a newer image', () => {
    const plan = planUpdateAll(
      [
        status('default'),
        status('refused', { updateAvailable: false, registrySaysOutdated: true, serviceSaysOutdated: false, sourcesAgree: false }),
        status('current', { updateAvailable: false, registrySaysOutdated: false, serviceSaysOutdated: false }),
      ],
      new Set(),
    );
    expect(plan.direct.map((r) => r.runtimeName)).toEqual(['default']);
    expect(plan.notNeeded.map((r) => r.runtimeName)).toEqual(['refused']);
    expect([...plan.attention, ...plan.alreadyUpdating]).toEqual([]);
  });

  it('reads an image as the version label does, so the list and the details agree', () => {
    const version = { tag: '20240111.v2', image: 'r/pf:20240111.v2', date: '2024-01-11', build: 2 };
    expect(imageText({ imageTag: '20240111.v2', imageVersion: version })).toBe('2024-01-11 (v2)');
    expect(versionWithAge({ tag: '20240111.v2', date: '2024-01-11', build: 2, label: 'version 2024-01-11 (v2)', ageDays: 3 })).toContain(
      imageText({ imageTag: '20240111.v2', imageVersion: version })!,
    );
    expect(imageText({ imageTag: 'latest' })).toBe('latest');
    expect(imageText({ imageTag: null })).toBe(null);
  });

  it('plans a move to the final image only when every runtime it moves has the last tag as its newest', () => {
    const final = planUpdateAll([status('a', { latestIsFinal: true }), status('b', { latestIsFinal: true })], new Set());
    expect(final.latestIsFinal).toBe(true);
    const mixed = planUpdateAll([status('a', { latestIsFinal: true }), status('b')], new Set());
    expect(mixed.latestIsFinal).toBe(false);
    expect(planUpdateAll([], new Set()).latestIsFinal).toBe(false);
  });

  it('sums the summary up in one line', () => {
    expect(
      summaryHeadline({ items: [], updated: 2, failed: 1, needsAttention: 1, alreadyUpdating: 0, upToDate: 3, problems: [], latestIsFinal: false, elapsedMs: 5 }),
    ).toBe('2 updated, 1 failed, 1 need attention, 0 already being updated.');
  });

  it('phrases the backend codes from the catalog, naming which source says what', () => {
    expect(noteText({ code: 'registryNewer', latest: 'version 2025-12-11 (v12)', current: 'version 2024-01-11 (v2)' })).toBe(
      "The container registry lists version 2025-12-11 (v12) as the newest image, newer than this runtime's version 2024-01-11 (v2), but the prompt flow service says no update is needed (it may not offer that image yet), so no update is offered: the service would refuse it.",
    );
    expect(noteText({ code: 'customEnvironment', environment: 'pf-custom:1', serviceOutdated: true })).toBe(
      'The runtime runs custom environment pf-custom:1, whose base image version cannot be read from Azure; the prompt flow service says an update is available.',
    );
    expect(noteText({ code: 'serviceUnasked', registryOutdated: false })).toBe(
      'The prompt flow service could not be asked; the container registry says the runtime is up to date.',
    );
    expect(environmentWarningText({ code: 'older', chosen: 'pf-custom:1', current: 'pf-custom:3' })).toBe(
      'pf-custom:1 is older than the version the runtime uses now (pf-custom:3).',
    );
    expect(updateWarningText({ code: 'environment', warning: { code: 'same', chosen: 'pf-custom:3' } })).toBe(
      'pf-custom:3 is the version the runtime uses now; updating to it changes nothing.',
    );
    const item = {
      workspaceId: WS,
      workspaceName: 'WS',
      runtimeName: 'rt',
      outcome: 'needsAttention' as const,
      customEnvironment: { assetId: 'azureml:pf-custom:2', name: 'pf-custom', version: '2' },
      warnings: [],
    };
    expect(attentionText({ ...item, attention: 'customEnvironment' })).toBe(
      'Runs custom environment pf-custom:2: rebuild it on the newest runtime image, then update the runtime to the rebuilt version.',
    );
    expect(attentionText({ ...item, attention: 'notOnComputeInstance' })).toBe(
      'Not a compute-instance runtime: update it where it is deployed.',
    );
  });
});
