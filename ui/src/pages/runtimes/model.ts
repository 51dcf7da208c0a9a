// The Runtimes page's logic that does not draw anything: filtering workspaces, the wizard's
// steps, the requests it sends, and the texts users copy.
import type {
  CreateRuntimeRequest,
  InstanceChoice,
  OperationSnapshot,
  RuntimeStatus,
  WorkspaceSummary,
} from '../../backend';
import { t, type MessageKey } from '../../i18n';

const LAST_WORKSPACE_KEY = 'pfrm.runtimes.workspace';

export function loadLastWorkspace(): string | null {
  try {
    return window.localStorage.getItem(LAST_WORKSPACE_KEY);
  } catch {
    return null;
  }
}

export function saveLastWorkspace(id: string): void {
  try {
    window.localStorage.setItem(LAST_WORKSPACE_KEY, id);
  } catch {
    // Storage can be unavailable (private mode); the choice is then simply not remembered.
  }
}

/** The display name of a workspace: its friendly name when it has one. */
export function workspaceLabel(workspace: WorkspaceSummary): string {
  return workspace.friendlyName && workspace.friendlyName !== workspace.name
    ? `${workspace.friendlyName} (${workspace.name})`
    : workspace.name;
}

/**
 * Whether a workspace matches what the user typed: every word must appear in its name,
 * friendly name, subscription (name or id), resource group, region or kind.
 */
export function matchesWorkspace(
  workspace: WorkspaceSummary,
  subscriptionName: string,
  query: string,
): boolean {
  const haystack = [
    workspace.name,
    workspace.friendlyName ?? '',
    subscriptionName,
    workspace.subscriptionId,
    workspace.resourceGroup,
    workspace.location,
    workspace.kindText ?? workspace.kind,
  ]
    .join(' ')
    .toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .every((word) => haystack.includes(word));
}

/** Why "Add runtime" is off: the first failed blocker's title, or null when nothing blocks. */

export type WizardStep = 'instance' | 'authenticate' | 'app' | 'restart' | 'create' | 'done';
export type AppKind = 'new' | 'existing';

/**
 * The steps the wizard walks through: the restart warning only when a new app is added, and
 * the compute instance sign-in only when it is due for the instance's region.
 */
export function wizardSteps(appKind: AppKind, signInDue = true): WizardStep[] {
  const steps: WizardStep[] = ['instance', 'authenticate', 'app', 'restart', 'create', 'done'];
  return steps.filter(
    (step) => !(step === 'restart' && appKind === 'existing') && !(step === 'authenticate' && !signInDue),
  );
}

export function stepAfter(step: WizardStep, appKind: AppKind, signInDue = true): WizardStep {
  const steps = wizardSteps(appKind, signInDue);
  const index = steps.indexOf(step);
  return steps[Math.min(index + 1, steps.length - 1)] ?? step;
}

export function stepBefore(step: WizardStep, appKind: AppKind, signInDue = true): WizardStep {
  const steps = wizardSteps(appKind, signInDue);
  const index = steps.indexOf(step);
  return steps[Math.max(index - 1, 0)] ?? step;
}

/**
 * Every step a run can have, in order, and so the count the wizard states from its first screen
 * to its last. A step this run leaves out (the sign-in while it still counts, the restart for an
 * existing application) keeps its number: the count never changes mid-run, and "Done" is where
 * the run ends, not a step of it.
 */
export const NUMBERED_STEPS: readonly WizardStep[] = ['instance', 'authenticate', 'app', 'restart', 'create'];

/** "Step {index} of {count}" for `step`; null for "Done". */
export function stepNumber(step: WizardStep): { index: number; count: number } | null {
  const index = NUMBERED_STEPS.indexOf(step);
  return index < 0 ? null : { index: index + 1, count: NUMBERED_STEPS.length };
}

export const STEP_TITLES: Record<WizardStep, MessageKey> = {
  instance: 'rt.wizard.step.instance',
  authenticate: 'rt.wizard.step.authenticate',
  app: 'rt.wizard.step.app',
  restart: 'rt.wizard.step.restart',
  create: 'rt.wizard.step.create',
  done: 'rt.wizard.step.done',
};

export interface WizardChoices {
  runtimeName: string;
  instance: string | null;
  appKind: AppKind;
  /** A custom environment's asset id; null for the default environment. */
  environment: string | null;
  existingApp: string | null;
  restartConfirmed: boolean;
}

export const EMPTY_CHOICES: WizardChoices = {
  runtimeName: '',
  instance: null,
  appKind: 'new',
  environment: null,
  existingApp: null,
  restartConfirmed: false,
};

/** Whether the choices made on `step` are enough to go on. */
export function stepComplete(step: WizardStep, choices: WizardChoices): boolean {
  switch (step) {
    case 'instance':
      return choices.runtimeName.trim().length > 0 && choices.instance !== null;
    case 'authenticate':
      return true;
    case 'app':
      return choices.appKind === 'new' || choices.existingApp !== null;
    case 'restart':
      return choices.restartConfirmed;
    case 'create':
    case 'done':
      return false;
  }
}

export function createRequest(workspaceId: string, choices: WizardChoices): CreateRuntimeRequest {
  if (choices.instance === null) throw new Error('no compute instance chosen');
  const app: CreateRuntimeRequest['app'] =
    choices.appKind === 'new'
      ? choices.environment
        ? { kind: 'new', environment: choices.environment }
        : { kind: 'new' }
      : { kind: 'existing', appName: choices.existingApp ?? '' };
  return {
    workspaceId,
    runtimeName: choices.runtimeName.trim(),
    computeInstance: choices.instance,
    app,
    confirmRestart: choices.appKind === 'new' && choices.restartConfirmed,
  };
}

/** The create operation the backend reports for this runtime (its title names the runtime). */
export function isCreateOf(snapshot: OperationSnapshot, runtimeName: string): boolean {
  return (
    snapshot.kind === 'createRuntime' &&
    snapshot.title.split(/\s+/).includes(runtimeName)
  );
}

export function isStartOf(snapshot: OperationSnapshot, instanceName: string): boolean {
  if (snapshot.kind !== 'startComputeInstance') return false;
  // The instance as the core named it; a snapshot without it, by its title.
  return snapshot.subject?.kind === 'computeInstance'
    ? snapshot.subject.instanceName === instanceName
    : snapshot.title.includes(instanceName);
}

/** The wall clock, for timing operations from the user's click. */
export function clockNow(): number {
  return Date.now();
}

export function pfazureSnippet(runtimeName: string): string {
  return `pfazure run create --flow <path-to-flow> --data <path-to-data.jsonl> --runtime ${runtimeName}`;
}

export function statusText(status: RuntimeStatus): string {
  return t(`rt.status.${status}` as MessageKey);
}

export function statusColor(status: RuntimeStatus): 'success' | 'danger' | 'warning' | 'informative' {
  switch (status) {
    case 'Running':
      return 'success';
    case 'Failed':
    case 'NotExist':
    case 'Unavailable':
      return 'danger';
    case 'Starting':
    case 'Stopping':
      return 'warning';
    case 'Unknown':
      return 'informative';
  }
}

/**
 * The instance the quick create panel starts with: the one running, usable instance assigned to
 * the user, else the one running, usable instance there is; none when the choice is the user's.
 */
export function preselectInstance(instances: readonly InstanceChoice[], myObjectId: string | null): InstanceChoice | null {
  const running = instances.filter((choice) => choice.usable && choice.instance.state === 'Running');
  const mine = myObjectId ? running.filter((choice) => choice.instance.assignedUser?.objectId === myObjectId) : [];
  if (mine.length === 1) return mine[0] ?? null;
  if (mine.length === 0 && running.length === 1) return running[0] ?? null;
  return null;
}
