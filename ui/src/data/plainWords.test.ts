import { describe, expect, it } from 'vitest';
import { cloudName, describeTarget, runtimeTypeName, stageSentence } from './plainWords';

describe('plain words', () => {
  it('names what an operation works on as the core named it, else shows its target', () => {
    const target = '/t';
    expect(describeTarget({ target, subject: { kind: 'runtime', workspaceName: 'ml-workspace', runtimeName: 'rt-1' } })).toBe(
      'Runtime rt-1 in workspace ml-workspace',
    );
    expect(describeTarget({ target, subject: { kind: 'computeInstance', workspaceName: 'ml-workspace', instanceName: 'ci-alice' } })).toBe(
      'Compute instance ci-alice in workspace ml-workspace',
    );
    expect(describeTarget({ target, subject: { kind: 'workspace', workspaceName: 'ml-workspace' } })).toBe('Workspace ml-workspace');
    // Something pfrm has no words for stays as it is.
    expect(describeTarget({ target: '/subscriptions/s/resourceGroups/rg' })).toBe('/subscriptions/s/resourceGroups/rg');
  });

  it('says clouds and runtime types in words', () => {
    expect(cloudName('AzureCloud')).toBe('Azure (global)');
    expect(cloudName('AzureUSGovernment')).toBe('Azure US Government');
    expect(cloudName('contoso-stack')).toBe('contoso-stack');
    expect(runtimeTypeName('ComputeInstance')).toBe('On a compute instance');
    expect(runtimeTypeName(null)).toBeNull();
  });

  it('says what restarts the same way everywhere: the application for an update, the instance for a new application', () => {
    const update = stageSentence({ kind: 'updateRuntime', stage: 'instanceRestarting' });
    expect(update).toContain("runtime's custom application");
    expect(update).toContain('compute instance keeps running');
    const create = stageSentence({ kind: 'createRuntime', stage: 'instanceRestarting' });
    expect(create).toContain('Restarting the compute instance');
    expect(create).toContain('notebooks, terminals and jobs on it stop');
    expect(stageSentence({ kind: 'updateRuntime', stage: 'verifying' })).toBe('Checking the result.');
  });
});
