// Versions and updates without drawing anything: how a version reads, which operation is a
// runtime's update, where an update is, and what "Update all" will do.
import type {
  EnvironmentWarning,
  FleetVersionReport,
  OperationSnapshot,
  RuntimeSummary,
  RuntimeVersion,
  RuntimeVersionStatus,
  Stage,
  UpdateAllItem,
  UpdateAllSummary,
  UpdateWarning,
  VersionNote,
} from '../backend';
import { t } from '../i18n';

/**
 * A runtime's image as versions read everywhere: the core read `20240111.v2` as 2024-01-11, build
 * 2, shown "2024-01-11 (v2)" as in "version 2024-01-11 (v2)"; a tag outside that scheme is shown
 * as it is.
 */
export function imageText(runtime: Pick<RuntimeSummary, 'imageTag' | 'imageVersion'>): string | null {
  if (runtime.imageVersion) return t('upd.imageVersion', { date: runtime.imageVersion.date, build: runtime.imageVersion.build });
  return runtime.imageTag;
}

/** "released today", "1 day old", "685 days old". */
export function ageText(days: number): string {
  if (days <= 0) return t('upd.age.today');
  if (days === 1) return t('upd.age.day');
  return t('upd.age.days', { days });
}

/** "version 2024-01-11 (v2), 685 days old". */
export function versionWithAge(version: RuntimeVersion): string {
  return t('upd.versionWithAge', { version: version.label, age: ageText(version.ageDays) });
}

/** What the registry or the service said, for the banner's "which says what" line. */
export function sourceVerdict(outdated: boolean | undefined): string {
  if (outdated === undefined) return t('upd.source.unknown');
  return outdated ? t('upd.source.outdated') : t('upd.source.current');
}

/** Both sources answered and disagree: the banner says which says what. */
export function sourcesDisagree(status: RuntimeVersionStatus): boolean {
  return (
    status.registrySaysOutdated !== undefined &&
    status.serviceSaysOutdated !== undefined &&
    status.registrySaysOutdated !== status.serviceSaysOutdated
  );
}

/**
 * The registry lists a newer image, yet the prompt flow service (which performs updates) says
 * none is needed: no update is offered, and the user is told why.
 */
export function serviceSaysNotNeeded(status: RuntimeVersionStatus): boolean {
  return !status.updateAvailable && status.registrySaysOutdated === true && status.serviceSaysOutdated === false;
}

/**
 * The runtime's update operation, if `snapshot` is one. `runtimeKey` is the core's key of the
 * runtime (`RuntimeSummary.key`, `RuntimeVersionStatus.key`), which is its operations' target.
 */
export function isUpdateOf(snapshot: OperationSnapshot, runtimeKey: string): boolean {
  return snapshot.kind === 'updateRuntime' && snapshot.target === runtimeKey;
}

/** The runtimes (by the core's key, an operation's target) an update operation is changing right now. */
export function runtimesBeingUpdated(operations: readonly OperationSnapshot[]): ReadonlySet<string> {
  return new Set(
    operations
      .filter((snapshot) => snapshot.kind === 'updateRuntime' && snapshot.state === 'running')
      .map((snapshot) => snapshot.target),
  );
}

/** The four steps an update shows, in order. */
export const UPDATE_STEPS = ['requested', 'instanceRestarting', 'runtimeStarting', 'verifying'] as const;
export type UpdateStep = (typeof UPDATE_STEPS)[number];
export type StepState = 'done' | 'current' | 'waiting';

/** Where each step is, given the operation's stage (a finished update has every step done). */
export function updateStepStates(stage: Stage | null, finished: boolean): Record<UpdateStep, StepState> {
  const order: Partial<Record<Stage, number>> = {
    requested: 0,
    instanceRestarting: 1,
    runtimeStarting: 2,
    verifying: 3,
    done: 4,
  };
  const at = finished ? UPDATE_STEPS.length : (order[stage ?? 'requested'] ?? 0);
  const states = {} as Record<UpdateStep, StepState>;
  UPDATE_STEPS.forEach((step, index) => {
    states[step] = index < at ? 'done' : index === at ? 'current' : 'waiting';
  });
  return states;
}

/** Runtimes with an update available across the checked workspaces (the nav's count). */
export function outdatedCount(reports: Iterable<FleetVersionReport>): number {
  let count = 0;
  for (const report of reports) count += report.runtimes.filter((runtime) => runtime.updateAvailable).length;
  return count;
}

/** The report with one runtime's fresher status in place of the old one. */
export function withStatus(report: FleetVersionReport, status: RuntimeVersionStatus): FleetVersionReport {
  // The core's key tells one runtime from another.
  const found = report.runtimes.some((runtime) => runtime.key === status.key);
  const runtimes = found
    ? report.runtimes.map((runtime) => (runtime.key === status.key ? status : runtime))
    : [...report.runtimes, status];
  return { ...report, runtimes, outdatedCount: runtimes.filter((runtime) => runtime.updateAvailable).length };
}

/** What "Update all" will do with the outdated runtimes of a report. */
export interface UpdateAllPlan {
  /** Default environment: updated in one step. */
  direct: RuntimeVersionStatus[];
  /** Custom environment (or not on a compute instance): listed for the user. */
  attention: RuntimeVersionStatus[];
  /** Another update is already changing them: left alone. */
  alreadyUpdating: RuntimeVersionStatus[];
  /**
   * The registry lists a newer image but the prompt flow service says no update is needed: left
   * out, since the service would refuse the update.
   */
  notNeeded: RuntimeVersionStatus[];
  /** The version the direct updates move to is the last one prompt flow will publish. */
  latestIsFinal: boolean;
}

export function planUpdateAll(runtimes: readonly RuntimeVersionStatus[], updating: ReadonlySet<string>): UpdateAllPlan {
  const plan: UpdateAllPlan = { direct: [], attention: [], alreadyUpdating: [], notNeeded: [], latestIsFinal: false };
  for (const runtime of runtimes) {
    if (serviceSaysNotNeeded(runtime)) plan.notNeeded.push(runtime);
    if (!runtime.updateAvailable) continue;
    if (updating.has(runtime.key)) plan.alreadyUpdating.push(runtime);
    else if (runtime.customEnvironment || !runtime.computeInstanceName) plan.attention.push(runtime);
    else plan.direct.push(runtime);
  }
  const moving = [...plan.direct, ...plan.attention];
  plan.latestIsFinal = moving.length > 0 && moving.every((runtime) => runtime.latestIsFinal);
  return plan;
}

/** The summary's headline: "2 updated, 1 failed, 1 needs attention, 0 already updating". */
export function summaryHeadline(summary: UpdateAllSummary): string {
  return t('upd.all.summary', {
    updated: summary.updated,
    failed: summary.failed,
    attention: summary.needsAttention,
    already: summary.alreadyUpdating,
  });
}

/** The name to show for a custom environment reference. */
export function environmentName(environment: { assetId: string; name?: string; version?: string }): string {
  return environment.name && environment.version ? `${environment.name}:${environment.version}` : environment.assetId;
}

function serviceSays(outdated: boolean): string {
  return t(outdated ? 'upd.note.service.outdated' : 'upd.note.service.current');
}

/** One of the backend's version notes as a sentence. */
export function noteText(note: VersionNote): string {
  switch (note.code) {
    case 'registryNewer':
      return t('upd.note.registryNewer', { latest: note.latest, current: note.current });
    case 'serviceNewer':
      return t('upd.note.serviceNewer', { latest: note.latest });
    case 'customEnvironment':
      return t('upd.note.customEnvironment', { environment: note.environment, service: serviceSays(note.serviceOutdated) });
    case 'registryUnread':
      return t('upd.note.registryUnread', { service: serviceSays(note.serviceOutdated) });
    case 'unversionedImage':
      return t('upd.note.unversionedImage', { image: note.image, service: serviceSays(note.serviceOutdated) });
    case 'serviceUnasked':
      return t('upd.note.serviceUnasked', {
        registry: t(note.registryOutdated ? 'upd.note.registry.outdated' : 'upd.note.registry.current'),
      });
    case 'neitherAnswered':
      return t('upd.note.neitherAnswered');
    case 'appDiffers':
      return t('upd.note.appDiffers', { runtime: note.runtime, instance: note.instance, app: note.app });
  }
}

/** Why an environment version would not move the runtime forward, as a sentence. */
export function environmentWarningText(warning: EnvironmentWarning): string {
  switch (warning.code) {
    case 'older':
      return t('upd.envWarning.older', { chosen: warning.chosen, current: warning.current });
    case 'same':
      return t('upd.envWarning.same', { chosen: warning.chosen });
    case 'olderImage':
      return t('upd.envWarning.olderImage', { chosen: warning.chosen, image: warning.image, current: warning.current });
  }
}

/** What an update noted without stopping, as a sentence. */
export function updateWarningText(warning: UpdateWarning): string {
  switch (warning.code) {
    case 'registryUnread':
      return t('upd.warning.registryUnread', { reason: warning.reason });
    case 'registryNewer':
      return t('upd.warning.registryNewer', { now: warning.now, latest: warning.latest });
    case 'environment':
      return environmentWarningText(warning.warning);
  }
}

/** What the user needs to do with a runtime "Update all" left alone. */
export function attentionText(item: UpdateAllItem): string {
  switch (item.attention) {
    case 'customEnvironment':
      return t('upd.attention.customEnvironment', {
        environment: item.customEnvironment ? environmentName(item.customEnvironment) : '',
      });
    case 'notOnComputeInstance':
      return t('upd.attention.notOnComputeInstance');
    case undefined:
      return '';
  }
}
