import { describe, expect, it } from 'vitest';
import type { InstanceChoice, OperationSnapshot, WorkspaceSummary } from '../../backend';
import {
  EMPTY_CHOICES,
  createRequest,
  isCreateOf,
  matchesWorkspace,
  preselectInstance,
  stepAfter,
  stepBefore,
  stepComplete,
  wizardSteps,
} from './model';
import { instanceChoice } from '../../testing/fixtures';

const WORKSPACE: WorkspaceSummary = {
  id: '/subscriptions/sub-1/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/contoso-ml',
  name: 'contoso-ml',
  subscriptionId: 'sub-1',
  resourceGroup: 'rg-ml',
  location: 'eastus',
  kind: 'Default',
  kindText: null,
  workspaceId: null,
  discoveryUrl: null,
  friendlyName: 'Contoso ML',
  flags: { dataIsolation: false, hubProject: false, publicNetworkDisabled: false, privateEndpoint: false, managedNetworkIsolated: false },
};

describe('workspace filter', () => {
  it('matches every typed word against name, subscription, region and kind, ignoring case', () => {
    expect(matchesWorkspace(WORKSPACE, 'Contoso Production', '')).toBe(true);
    expect(matchesWorkspace(WORKSPACE, 'Contoso Production', 'EASTUS')).toBe(true);
    expect(matchesWorkspace(WORKSPACE, 'Contoso Production', 'production contoso')).toBe(true);
    expect(matchesWorkspace(WORKSPACE, 'Contoso Production', 'default rg-ml')).toBe(true);
    expect(matchesWorkspace(WORKSPACE, 'Contoso Production', 'contoso westus')).toBe(false);
  });
});

describe('wizard steps', () => {
  it('shows the restart warning only for a new custom application', () => {
    expect(wizardSteps('new')).toContain('restart');
    expect(wizardSteps('existing')).not.toContain('restart');
    expect(stepAfter('app', 'new')).toBe('restart');
    expect(stepAfter('app', 'existing')).toBe('create');
    expect(stepBefore('create', 'existing')).toBe('app');
    expect(stepBefore('instance', 'new')).toBe('instance');
  });

  it('leaves out the compute instance sign-in while the last one for the region still counts', () => {
    expect(wizardSteps('new', false)).toEqual(['instance', 'app', 'restart', 'create', 'done']);
    expect(wizardSteps('existing', false)).toEqual(['instance', 'app', 'create', 'done']);
    expect(stepAfter('instance', 'new', false)).toBe('app');
    expect(stepBefore('app', 'new', false)).toBe('instance');
    expect(stepAfter('instance', 'new', true)).toBe('authenticate');
  });

  it('needs a name and instance, an existing app when reusing one, and the restart confirmation', () => {
    expect(stepComplete('instance', { ...EMPTY_CHOICES, runtimeName: 'rt', instance: null })).toBe(false);
    expect(stepComplete('instance', { ...EMPTY_CHOICES, runtimeName: '  ', instance: 'ci' })).toBe(false);
    expect(stepComplete('instance', { ...EMPTY_CHOICES, runtimeName: 'rt', instance: 'ci' })).toBe(true);
    expect(stepComplete('app', { ...EMPTY_CHOICES, appKind: 'existing' })).toBe(false);
    expect(stepComplete('app', { ...EMPTY_CHOICES, appKind: 'existing', existingApp: 'app' })).toBe(true);
    expect(stepComplete('restart', EMPTY_CHOICES)).toBe(false);
    expect(stepComplete('restart', { ...EMPTY_CHOICES, restartConfirmed: true })).toBe(true);
  });

  it('builds the create request the backend takes', () => {
    const base = { ...EMPTY_CHOICES, runtimeName: ' rt-1 ', instance: 'ci-alex' };
    expect(createRequest('ws', { ...base, restartConfirmed: true })).toEqual({
      workspaceId: 'ws',
      runtimeName: 'rt-1',
      computeInstance: 'ci-alex',
      app: { kind: 'new' },
      confirmRestart: true,
    });
    expect(createRequest('ws', { ...base, environment: 'azureml://e/1', restartConfirmed: true }).app).toEqual({
      kind: 'new',
      environment: 'azureml://e/1',
    });
    const existing = createRequest('ws', { ...base, appKind: 'existing', existingApp: 'pf-app', restartConfirmed: true });
    expect(existing.app).toEqual({ kind: 'existing', appName: 'pf-app' });
    expect(existing.confirmRestart).toBe(false);
  });
});

describe('texts', () => {
  it('finds the create operation of this runtime only', () => {
    const snapshot = { kind: 'createRuntime', title: 'Create runtime rt-1 on ci-alex' } as OperationSnapshot;
    expect(isCreateOf(snapshot, 'rt-1')).toBe(true);
    expect(isCreateOf(snapshot, 'rt')).toBe(false);
    expect(isCreateOf({ ...snapshot, kind: 'deleteRuntime' }, 'rt-1')).toBe(false);
  });
});

function choice(name: string, state: InstanceChoice['instance']['state'], assignee: string | null, usable = true): InstanceChoice {
  return instanceChoice(name, { state, assignedUser: assignee ? { objectId: assignee, tenantId: null } : null }, usable);
}

describe('the quick create panel', () => {
  it('preselects the one running instance assigned to the user, and nothing when the choice is open', () => {
    const alice = choice('ci-alice', 'Running', 'me');
    const bob = choice('ci-bob', 'Running', 'bob');
    const stopped = choice('ci-old', 'Stopped', 'me');
    expect(preselectInstance([alice, bob, stopped], 'me')?.instance.name).toBe('ci-alice');
    expect(preselectInstance([bob, stopped], 'me')?.instance.name).toBe('ci-bob');
    expect(preselectInstance([alice, bob], null)).toBeNull();
    expect(preselectInstance([alice, choice('ci-alice2', 'Running', 'me')], 'me')).toBeNull();
    expect(preselectInstance([choice('ci-broken', 'Running', 'me', false)], 'me')).toBeNull();
  });
});
