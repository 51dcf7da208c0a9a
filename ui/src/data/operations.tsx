// The one store of long operations (create, update, delete, grant, …), fed by the one
// `watch_operations` channel of the window. Each watch the backend is asked for starts a task
// that lives until the window closes, so the store asks once, on its first subscriber, and keeps
// the channel for the window's life; every component reads the same store.
import { createContext, useContext, useState, useSyncExternalStore, type ReactNode } from 'react';
import { backend, toAppError, type AppError, type OperationSnapshot } from '../backend';
import { finishedNotice } from '../session/finishedNotice';

/** An operation as last reported, with the moment the report arrived (for a ticking clock). */
export type TrackedOperation = { snapshot: OperationSnapshot; receivedAt: number };

export type OperationsState = {
  /** Every known operation, newest first. */
  list: readonly TrackedOperation[];
  runningCount: number;
  /** Why the watch could not start, or why the last cancel or clear failed. */
  error?: AppError;
};

export type OperationsStore = {
  subscribe: (listener: () => void) => () => void;
  getState: () => OperationsState;
  cancel: (operationId: string) => Promise<void>;
  clearFinished: () => Promise<void>;
};

function summarise(byId: ReadonlyMap<string, TrackedOperation>, error?: AppError): OperationsState {
  const list = [...byId.values()].sort((a, b) => b.snapshot.startedAt.localeCompare(a.snapshot.startedAt));
  return { list, runningCount: list.filter((op) => op.snapshot.state === 'running').length, error };
}

/** A store that opens the watch on its first subscriber; `now` stamps each report. */
export function createOperationsStore(now: () => number = Date.now): OperationsStore {
  let byId = new Map<string, TrackedOperation>();
  let error: AppError | undefined;
  let state = summarise(byId);
  let watching = false;
  const listeners = new Set<() => void>();

  const publish = () => {
    state = summarise(byId, error);
    for (const listener of listeners) listener();
  };

  const receive = (snapshot: OperationSnapshot) => {
    const notice = finishedNotice(byId.get(snapshot.id)?.snapshot.state, snapshot);
    if (notice) {
      // The backend shows it only while the window is not focused; failing to show it loses
      // nothing, as the Activity page has the result.
      backend.notifyWhenUnfocused(notice.title, notice.body).catch(() => undefined);
    }
    byId = new Map(byId).set(snapshot.id, { snapshot, receivedAt: now() });
    publish();
  };

  const watch = () => {
    if (watching) return;
    watching = true;
    backend.watchOperations(receive).catch((reason: unknown) => {
      // A later subscriber may try again; the calls themselves still resolve or fail.
      watching = false;
      error = toAppError(reason);
      publish();
    });
  };

  const attempt = async (action: () => Promise<unknown>) => {
    if (error) {
      error = undefined;
      publish();
    }
    try {
      await action();
      return true;
    } catch (reason) {
      error = toAppError(reason);
      publish();
      return false;
    }
  };

  return {
    subscribe: (listener) => {
      listeners.add(listener);
      watch();
      return () => listeners.delete(listener);
    },
    getState: () => state,
    cancel: async (operationId) => {
      await attempt(() => backend.cancelOperation(operationId));
    },
    clearFinished: async () => {
      if (await attempt(() => backend.clearFinishedOperations())) {
        byId = new Map([...byId].filter(([, op]) => op.snapshot.state === 'running'));
        publish();
      }
    },
  };
}

const OperationsContext = createContext<OperationsStore | undefined>(undefined);

/** Holds the window's one operations store; the app mounts it once, above every page. */
export function OperationsProvider({ children, store }: { children: ReactNode; store?: OperationsStore }) {
  const [own] = useState(() => store ?? createOperationsStore());
  return <OperationsContext.Provider value={own}>{children}</OperationsContext.Provider>;
}

export type Operations = OperationsState & {
  cancel: (operationId: string) => Promise<void>;
  clearFinished: () => Promise<void>;
};

/** The long operations the backend reports, for any component inside <OperationsProvider>. */
export function useOperations(): Operations {
  const store = useContext(OperationsContext);
  if (!store) throw new Error('useOperations must be used inside <OperationsProvider>');
  const state = useSyncExternalStore(store.subscribe, store.getState);
  return { ...state, cancel: store.cancel, clearFinished: store.clearFinished };
}

/** The newest operation that `matches` and started at or after `since` (ms since the epoch). */
export function latestOperation(
  operations: readonly TrackedOperation[],
  since: number | null,
  matches: (snapshot: OperationSnapshot) => boolean,
): OperationSnapshot | null {
  if (since === null) return null;
  let latest: OperationSnapshot | null = null;
  for (const { snapshot } of operations) {
    const started = Date.parse(snapshot.startedAt);
    // A few seconds of slack for clocks: the backend stamps the start, the UI the click.
    if (!matches(snapshot) || started < since - 5000) continue;
    if (latest === null || started >= Date.parse(latest.startedAt)) latest = snapshot;
  }
  return latest;
}
