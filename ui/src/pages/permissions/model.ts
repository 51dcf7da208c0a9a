// The Permissions page's logic that does not draw anything: how principals and scopes are
// named, which operation is the grant just started, and what a grant's outcome looks like.
import type {
  GrantOutcome,
  OperationSnapshot,
  PrincipalSummary,
  WorkspaceRoleAssignment,
} from '../../backend';
import { t, type MessageKey } from '../../i18n';

/** The name people know a principal by: the endpoint, the person's name, their user name, or the id. */
export function principalLabel(principal: PrincipalSummary): string {
  return principal.endpointName ?? principal.displayName ?? principal.userPrincipalName ?? principal.objectId;
}

/** A second line under the name: the user name (or email), or the object id for others. */
export function principalDetail(principal: PrincipalSummary): string {
  if (principal.endpointName) return t('perm.principal.endpointIdentity', { id: principal.objectId });
  const user = principal.userPrincipalName ?? principal.mail;
  if (user && user !== principalLabel(principal)) return user;
  return principal.kind === 'User' ? '' : principal.objectId;
}

const KIND_LABELS: Record<PrincipalSummary['kind'], MessageKey> = {
  User: 'perm.kind.User',
  Group: 'perm.kind.Group',
  ServicePrincipal: 'perm.kind.ServicePrincipal',
  Unknown: 'perm.kind.Unknown',
};

export function principalKindText(principal: PrincipalSummary): string {
  return principal.endpointName ? t('perm.kind.endpoint') : t(KIND_LABELS[principal.kind]);
}

/** Where an assignment was made, in words: this workspace, its resource group, or its subscription. */
export function scopeText(item: WorkspaceRoleAssignment): string {
  const place = item.place;
  switch (place.kind) {
    case 'workspace':
      return t('perm.scope.workspace');
    case 'resourceGroup':
      return t('perm.scope.resourceGroup', { name: place.resourceGroup });
    case 'subscription':
      return t('perm.scope.subscription', { name: place.subscriptionId });
    // The storage and registry roles are granted on the workspace's storage account or registry.
    case 'storageAccount':
      return t('perm.scope.storage', { name: place.accountName });
    case 'containerRegistry':
      return t('perm.scope.registry', { name: place.registryName });
    case 'above':
      return t('perm.scope.above', { scope: place.scope });
  }
}

/** Whether `snapshot` is a grant of a role (the only kind the Permissions page starts). */
export function isGrant(snapshot: OperationSnapshot): boolean {
  return snapshot.kind === 'grantRole';
}

export type OutcomeLook = { intent: 'success' | 'warning' | 'info'; title: MessageKey };

/** How to show a finished grant: in effect, made but not applied yet, already there, or not possible. */
export function outcomeLook(outcome: GrantOutcome): OutcomeLook {
  switch (outcome.status) {
    case 'endpointHasNoIdentity':
      return { intent: 'info', title: 'perm.outcome.noIdentity' };
    case 'alreadyAssigned':
      return outcome.visible
        ? { intent: 'success', title: 'perm.outcome.already' }
        : { intent: 'warning', title: 'perm.outcome.notYet' };
    case 'granted':
      return outcome.visible
        ? { intent: 'success', title: 'perm.outcome.granted' }
        : { intent: 'warning', title: 'perm.outcome.notYet' };
  }
}

/** Whether one of `items` gives AzureML Data Scientist (made here or inherited). */
export function hasDataScientist(items: WorkspaceRoleAssignment[]): boolean {
  return items.some((item) => item.at === 'workspace' && item.role === 'dataScientist');
}
