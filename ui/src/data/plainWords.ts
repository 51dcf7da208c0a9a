// Plain words for what the service names in its own terms: resource paths, API type names,
// cloud names, what an operation restarts. The raw value stays available behind "Details".
import type { OperationSnapshot } from '../backend';
import { t, type MessageKey } from '../i18n';

/**
 * "Runtime rt-1 in workspace ml-workspace": what an operation acts on, as the core named it; the
 * target itself when it is not one pfrm has words for.
 */
export function describeTarget(snapshot: Pick<OperationSnapshot, 'target' | 'subject'>): string {
  const subject = snapshot.subject;
  switch (subject?.kind) {
    case 'workspace':
      return t('plain.target.workspace', { workspace: subject.workspaceName });
    case 'runtime':
      return t('plain.target.runtime', { name: subject.runtimeName, workspace: subject.workspaceName });
    case 'computeInstance':
      return t('plain.target.compute', { name: subject.instanceName, workspace: subject.workspaceName });
    case undefined:
      return snapshot.target;
  }
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
