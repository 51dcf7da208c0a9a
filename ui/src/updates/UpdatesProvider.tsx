// What the app knows about runtime versions, shared by the Runtimes page (badges, Update all),
// the details page (banner, Update), the navigation (count of outdated runtimes) and the
// start-up check. Updates run in the backend as operations; their outcome is kept here so that
// leaving a page does not lose it.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  backend,
  toAppError,
  type AppError,
  type FleetVersionReport,
  type RuntimeVersionStatus,
  type UpdateAllSummary,
  type UpdateOutcome,
  type UpdateRuntimeRequest,
} from '../backend';
import { useSession } from '../session/SessionProvider';
import { settle } from '../data/query';
import { loadLastWorkspace } from '../pages/runtimes/model';
import { outdatedCount, withStatus, type UpdateAllPlan } from './model';

/** One runtime's update started from this window. */
export type UpdateRun =
  | { kind: 'running'; since: number; request: UpdateRuntimeRequest }
  | { kind: 'succeeded'; since: number; request: UpdateRuntimeRequest; outcome: UpdateOutcome }
  | { kind: 'failed'; since: number; request: UpdateRuntimeRequest; error: AppError };

/** "Update all" for some workspaces. */
export type UpdateAllRun =
  | { kind: 'running'; since: number; workspaceIds: string[]; plan: UpdateAllPlan }
  | { kind: 'done'; workspaceIds: string[]; summary: UpdateAllSummary; plan: UpdateAllPlan }
  | { kind: 'failed'; workspaceIds: string[]; error: AppError };

/** What the opt-in start-up check found in the remembered workspace. */
export type StartupNotice =
  | { kind: 'checked'; workspaceId: string; workspaceName: string; outdated: number; latestIsFinal: boolean }
  | { kind: 'failed'; workspaceId: string; workspaceName: string | null; error: AppError };

/** A check's answer, or why there is none. */
export type CheckOutcome = { report: FleetVersionReport } | { error: AppError };

export type Updates = {
  /** The last check of each workspace, by its ARM id as checked. */
  reports: ReadonlyMap<string, FleetVersionReport>;
  /** Workspaces (ARM ids as checked) being checked now. */
  checking: ReadonlySet<string>;
  /** Why a workspace's last check failed. */
  checkErrors: ReadonlyMap<string, AppError>;
  /** Runtimes with an update available across the checked workspaces. */
  outdatedCount: number;
  reportOf: (workspaceId: string) => FleetVersionReport | undefined;
  /** A runtime's last known status, by the core's key of the runtime (`RuntimeSummary.key`). */
  statusOf: (runtimeKey: string) => RuntimeVersionStatus | undefined;
  checkWorkspaces: (workspaceIds: string[]) => Promise<CheckOutcome>;
  /** Keeps a fresher status of one runtime (from the details page's check). */
  recordStatus: (status: RuntimeVersionStatus) => void;
  /** Updates started from this window, by the core's key of the runtime. */
  runs: ReadonlyMap<string, UpdateRun>;
  startUpdate: (runtimeKey: string, request: UpdateRuntimeRequest) => Promise<void>;
  clearRun: (runtimeKey: string) => void;
  updateAll: UpdateAllRun | null;
  startUpdateAll: (workspaceIds: string[], plan: UpdateAllPlan) => Promise<void>;
  clearUpdateAll: () => void;
  startupNotice: StartupNotice | null;
  dismissStartupNotice: () => void;
};

const UpdatesContext = createContext<Updates | undefined>(undefined);

export function UpdatesProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [reports, setReports] = useState<ReadonlyMap<string, FleetVersionReport>>(() => new Map());
  // Every runtime's last known status, by runtime key: from workspace checks and single checks.
  const [statuses, setStatuses] = useState<ReadonlyMap<string, RuntimeVersionStatus>>(() => new Map());
  const [checking, setChecking] = useState<ReadonlySet<string>>(() => new Set());
  const [checkErrors, setCheckErrors] = useState<ReadonlyMap<string, AppError>>(() => new Map());
  const [runs, setRuns] = useState<ReadonlyMap<string, UpdateRun>>(() => new Map());
  const [updateAll, setUpdateAll] = useState<UpdateAllRun | null>(null);
  const [startupNotice, setStartupNotice] = useState<StartupNotice | null>(null);
  // The connection the start-up check last ran for: it runs once per sign-in.
  const checkedConnection = useRef<string | null>(null);

  const checkWorkspaces = useCallback(async (workspaceIds: string[]): Promise<CheckOutcome> => {
    setChecking((current) => new Set([...current, ...workspaceIds]));
    try {
      const report = await backend.checkWorkspaceVersions(workspaceIds);
      // Each workspace's part of the answer, by the key the core gave it and its runtimes.
      const parts = report.workspaces.map((workspace) => ({
        workspace,
        runtimes: report.runtimes.filter((runtime) => runtime.workspaceKey === workspace.key),
        problems: report.problems.filter((problem) => problem.workspaceKey === workspace.key),
      }));
      setReports((current) => {
        const next = new Map(current);
        for (const { workspace, runtimes, problems } of parts) {
          if (problems.length > 0 && runtimes.length === 0) {
            next.delete(workspace.id);
            continue;
          }
          next.set(workspace.id, {
            runtimes,
            problems,
            workspaces: [workspace],
            latest: report.latest,
            latestIsFinal: report.latestIsFinal,
            outdatedCount: runtimes.filter((runtime) => runtime.updateAvailable).length,
          });
        }
        return next;
      });
      setStatuses((current) => {
        const next = new Map(current);
        for (const runtime of report.runtimes) next.set(runtime.key, runtime);
        return next;
      });
      setCheckErrors((current) => {
        const next = new Map(current);
        for (const id of workspaceIds) next.delete(id);
        for (const { workspace, problems } of parts) {
          const problem = problems[0];
          if (problem) next.set(workspace.id, problem.error);
        }
        return next;
      });
      return { report };
    } catch (reason) {
      const error = toAppError(reason);
      setCheckErrors((current) => {
        const next = new Map(current);
        for (const id of workspaceIds) next.set(id, error);
        return next;
      });
      return { error };
    } finally {
      setChecking((current) => new Set([...current].filter((id) => !workspaceIds.includes(id))));
    }
  }, []);

  const recordStatus = useCallback((status: RuntimeVersionStatus) => {
    setStatuses((current) => new Map(current).set(status.key, status));
    setReports((current) => {
      // The workspace's report: the one the core keyed as this runtime's workspace.
      const found = [...current].find(([, report]) => report.workspaces.some((workspace) => workspace.key === status.workspaceKey));
      if (!found) return current;
      const [id, report] = found;
      return new Map(current).set(id, withStatus(report, status));
    });
  }, []);

  const startUpdate = useCallback(
    async (key: string, request: UpdateRuntimeRequest) => {
      const since = Date.now();
      setRuns((current) => new Map(current).set(key, { kind: 'running', since, request }));
      const updated = await settle(backend.updateRuntime(request));
      const run: UpdateRun = updated.ok
        ? { kind: 'succeeded', since, request, outcome: updated.value }
        : { kind: 'failed', since, request, error: updated.error };
      setRuns((current) => new Map(current).set(key, run));
      // Whatever happened, the version may have changed: the badge and banner follow it. When
      // the check fails, the details page offers Check version; the outcome above is what matters.
      const checked = await settle(backend.checkRuntimeVersion(request.workspaceId, request.runtimeName));
      if (checked.ok) recordStatus(checked.value);
    },
    [recordStatus],
  );

  const clearRun = useCallback((key: string) => {
    setRuns((current) => {
      if (!current.has(key) || current.get(key)?.kind === 'running') return current;
      const next = new Map(current);
      next.delete(key);
      return next;
    });
  }, []);

  const startUpdateAll = useCallback(
    async (workspaceIds: string[], plan: UpdateAllPlan) => {
      setUpdateAll({ kind: 'running', since: Date.now(), workspaceIds, plan });
      const ended = await settle(backend.updateAllOutdated({ workspaceIds }));
      setUpdateAll(
        ended.ok ? { kind: 'done', workspaceIds, summary: ended.value, plan } : { kind: 'failed', workspaceIds, error: ended.error },
      );
      await checkWorkspaces(workspaceIds);
    },
    [checkWorkspaces],
  );

  // The opt-in start-up check: once per connection, when the user turned it on.
  const mode = session.status?.mode;
  const me = session.status?.me;
  const connection = mode && mode !== 'signedOut' && me ? `${mode}/${me.objectId}/${me.tenantId}` : null;
  useEffect(() => {
    if (connection === null || checkedConnection.current === connection) return;
    checkedConnection.current = connection;
    let live = true;
    void (async () => {
      let workspaceId: string | null;
      try {
        const preferences = await backend.updatePreferences();
        if (!preferences.checkAtStartup) return;
        workspaceId = loadLastWorkspace() ?? preferences.lastWorkspaceId ?? null;
      } catch {
        return;
      }
      if (workspaceId === null || !live) return;
      const outcome = await checkWorkspaces([workspaceId]);
      if (!live) return;
      const report = 'report' in outcome ? outcome.report : null;
      // As the core named it; none when the check failed before any workspace was read.
      const workspaceName = report?.workspaces[0]?.name ?? null;
      const error = 'error' in outcome ? outcome.error : report?.problems[0]?.error;
      if (error) setStartupNotice({ kind: 'failed', workspaceId, workspaceName, error });
      else if (report && workspaceName !== null) setStartupNotice({ kind: 'checked', workspaceId, workspaceName, outdated: report.outdatedCount, latestIsFinal: report.latestIsFinal });
    })();
    return () => {
      live = false;
    };
  }, [connection, checkWorkspaces]);

  const value = useMemo<Updates>(
    () => ({
      reports,
      checking,
      checkErrors,
      outdatedCount: outdatedCount(reports.values()),
      reportOf: (workspaceId) => reports.get(workspaceId),
      statusOf: (runtimeKey) => statuses.get(runtimeKey),
      checkWorkspaces,
      recordStatus,
      runs,
      startUpdate,
      clearRun,
      updateAll,
      startUpdateAll,
      clearUpdateAll: () => setUpdateAll((current) => (current?.kind === 'running' ? current : null)),
      startupNotice,
      dismissStartupNotice: () => setStartupNotice(null),
    }),
    [reports, statuses, checking, checkErrors, checkWorkspaces, recordStatus, runs, startUpdate, clearRun, updateAll, startUpdateAll, startupNotice],
  );

  return <UpdatesContext.Provider value={value}>{children}</UpdatesContext.Provider>;
}

/** Versions and updates for any component inside <UpdatesProvider>. */
export function useUpdates(): Updates {
  const updates = useContext(UpdatesContext);
  if (!updates) throw new Error('useUpdates must be used inside <UpdatesProvider>');
  return updates;
}
