import { describe, expect, it } from 'vitest';
import type { GrantOutcome, PrincipalSummary, WorkspaceRoleAssignment } from '../../backend';
import { hasDataScientist, outcomeLook, principalDetail, principalKindText, principalLabel, scopeText } from './model';

const WS = '/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws';
const BOB: PrincipalSummary = { objectId: 'b0b', kind: 'User', displayName: 'Bob', userPrincipalName: 'bob@contoso.com' };
const ENDPOINT: PrincipalSummary = { objectId: 'e9', kind: 'ServicePrincipal', displayName: 'Endpoint scoring', endpointName: 'scoring' };

function item(
  scope: string,
  role: string,
  principal = BOB,
  at: WorkspaceRoleAssignment['at'] = 'workspace',
  place: WorkspaceRoleAssignment['place'] = { kind: 'workspace' },
): WorkspaceRoleAssignment {
  return {
    assignment: {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/a1`,
      name: 'a1',
      scope,
      roleDefinitionId: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      roleName: null,
      principalId: principal.objectId,
      principalType: principal.kind,
      createdOn: null,
    },
    roleName: 'Some role',
    principal,
    inherited: at === 'workspace' && scope !== WS,
    removable: at === 'workspace' && scope === WS,
    at,
    place,
  };
}

describe('principals', () => {
  it('are named as people know them: endpoint, name, user name, then id', () => {
    expect(principalLabel(ENDPOINT)).toBe('scoring');
    expect(principalLabel(BOB)).toBe('Bob');
    expect(principalLabel({ objectId: 'x', kind: 'User', userPrincipalName: 'x@c.com' })).toBe('x@c.com');
    expect(principalLabel({ objectId: 'only-id', kind: 'Group' })).toBe('only-id');
  });

  it('show the user name under a name, and the identity for endpoints, never the label twice', () => {
    expect(principalDetail(BOB)).toBe('bob@contoso.com');
    expect(principalDetail({ objectId: 'x', kind: 'User', userPrincipalName: 'x@c.com' })).toBe('');
    expect(principalDetail(ENDPOINT)).toBe('Managed identity e9');
    expect(principalDetail({ objectId: 'g1', kind: 'Group', displayName: 'Team' })).toBe('g1');
    expect(principalKindText(ENDPOINT)).toBe('Endpoint identity');
    expect(principalKindText(BOB)).toBe('Person');
  });
});

describe('scopes', () => {
  it('say where an assignment was made, as the core named the place', () => {
    const at = (place: WorkspaceRoleAssignment['place']) => scopeText(item(WS, 'r', BOB, 'workspace', place));
    expect(at({ kind: 'workspace' })).toBe('This workspace');
    expect(at({ kind: 'resourceGroup', resourceGroup: 'rg-ml' })).toBe('Resource group rg-ml (inherited)');
    expect(at({ kind: 'subscription', subscriptionId: 's' })).toBe('Subscription s (inherited)');
    expect(at({ kind: 'above', scope: '/providers/Microsoft.Management/managementGroups/mg' })).toBe(
      '/providers/Microsoft.Management/managementGroups/mg (inherited)',
    );
    expect(at({ kind: 'storageAccount', accountName: 'stml' })).toBe('Storage account stml');
    expect(at({ kind: 'containerRegistry', registryName: 'crml' })).toBe('Container registry crml');
  });

  it('find the Data Scientist role as the core named it, where it applies to the workspace', () => {
    const given = (role: WorkspaceRoleAssignment['role'], at: WorkspaceRoleAssignment['at'] = 'workspace') => ({
      ...item(WS, 'r', BOB, at),
      role,
    });
    expect(hasDataScientist([given(undefined)])).toBe(false);
    expect(hasDataScientist([given('storageBlobDataContributor', 'storage'), given('dataScientist')])).toBe(true);
    expect(hasDataScientist([])).toBe(false);
    // Only where it applies to the workspace.
    expect(hasDataScientist([given('dataScientist', 'storage')])).toBe(false);
  });
});

describe('grant outcomes', () => {
  const outcome = (status: GrantOutcome['status'], visible: boolean): GrantOutcome => ({ status, visible, message: 'm' });

  it('are green only once the role is in effect', () => {
    expect(outcomeLook(outcome('granted', true))).toEqual({ intent: 'success', title: 'perm.outcome.granted' });
    expect(outcomeLook(outcome('granted', false))).toEqual({ intent: 'warning', title: 'perm.outcome.notYet' });
    expect(outcomeLook(outcome('alreadyAssigned', true))).toEqual({ intent: 'success', title: 'perm.outcome.already' });
    expect(outcomeLook(outcome('alreadyAssigned', false)).intent).toBe('warning');
    expect(outcomeLook(outcome('endpointHasNoIdentity', false))).toEqual({ intent: 'info', title: 'perm.outcome.noIdentity' });
  });
});
