// Plain words for what the service names in its own terms: resource paths, API type names,
// cloud names, what an operation restarts. The raw value stays available behind "Details".
import type { OperationSnapshot } from '../backend';
import { t, type MessageKey } from '../i18n';

const KINDS: Record<string, MessageKey> = {
  flowruntimes: 'plain.target.runtime',
  computes: 'plain.target.compute',
  roleassignments: 'plain.target.roleAssignment',
};

/**
 * "Runtime rt-1 in workspace ml-workspace" for an ARM path such as
 * `/subscriptions/…/workspaces/ml-workspace/flowruntimes/rt-1`; the path itself when it is not
 * one pfrm knows.
 */
export function describeTarget(target: string): string {
  const parts = target.split('/').filter((part) => part.length > 0);
  const at = parts.findIndex((part) => part.toLowerCase() === 'workspaces');
  if (at < 0 || at + 1 >= parts.length) return target;
  const workspace = parts[at + 1] ?? '';
  const [collection, name] = parts.slice(at + 2);
  if (collection === undefined) return t('plain.target.workspace', { workspace });
  const kind = KINDS[collection.toLowerCase()];
  if (!kind || name === undefined) return target;
  return t(kind, { name, workspace });
}

/** "Azure (global)" for `AzureCloud`; a custom cloud keeps its own name. */
export function cloudName(cloud: string): string {
  switch (cloud.toLowerCase()) {
    case 'azurecloud':
      return t('plain.cloud.public');
    case 'azurechinacloud':
      return t('plain.cloud.china');
    case 'azureusgovernment':
      return t('plain.cloud.usgov');
    default:
      return cloud;
  }
}

/** "Compute instance" for the service's `ComputeInstance`; an unknown type as it is. */
export function runtimeTypeName(type: string | null): string | null {
  if (type === null) return null;
  switch (type.toLowerCase()) {
    case 'computeinstance':
      return t('plain.runtimeType.computeInstance');
    case 'managedonlineendpoint':
      return t('plain.runtimeType.endpoint');
    case 'serverless':
    case 'automaticruntime':
      return t('plain.runtimeType.serverless');
    default:
      return type;
  }
}

/**
 * What an operation's "restarting" stage restarts, said the same way in the update dialog,
 * Activity and the create panel: an update restarts the runtime's custom application (the
 * compute instance keeps running); adding a new custom application restarts the instance.
 */
export function restartingStageText(snapshot: Pick<OperationSnapshot, 'kind'>): string {
  return snapshot.kind === 'updateRuntime' ? t('activity.stage.appRestarting') : t('activity.stage.instanceRestarting');
}

/** A running operation's stage in a sentence. */
export function stageSentence(snapshot: Pick<OperationSnapshot, 'kind' | 'stage'>): string {
  if (snapshot.stage === 'instanceRestarting') return restartingStageText(snapshot);
  return t(`activity.stage.${snapshot.stage}` as MessageKey);
}
