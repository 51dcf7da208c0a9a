// The one way a page loads from the backend and acts on it. A query owns a value's loading, its
// error and its refresh; a mutation owns an action's progress, error and result. Pages hold no
// loading or error state of their own.
//
// How a page uses it:
//   const runtimes = useQuery(workspaceId, () => backend.listRuntimes(workspaceId!));
//   runtimes.state.kind  // 'idle' | 'loading' | 'loaded' | 'error'; `runtimes.refresh()` loads again
//   const remove = useMutation((name: string) => backend.deleteRuntime({ ... }));
//   await remove.run('rt-1');  // the value, or undefined when it failed (then `remove.error`)
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { toAppError, type AppError } from '../backend';

/** A value from the backend: not asked for, on its way, here, or why it is not. */
export type Loaded<T> =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'loaded'; value: T }
  | { kind: 'error'; error: AppError };

export type Query<T> = {
  /** What the page shows; stays `loaded` while a refresh runs when `keepWhileRefreshing` is set. */
  state: Loaded<T>;
  data: T | undefined;
  error: AppError | undefined;
  /** A load or a refresh is on its way. */
  fetching: boolean;
  /** Loads again; an answer for an older load is dropped. */
  refresh: () => Promise<void>;
};

export type QueryOptions = {
  /** Keep the last value on screen while a refresh runs, instead of showing progress. */
  keepWhileRefreshing?: boolean;
  /**
   * Keep the previous key's value on screen until the new key's answer comes. For something
   * shown above a page (a notice): taking it away and putting it back moves everything below it,
   * and a click aimed at a button lands on the one that slid under the pointer.
   */
  keepAcrossKeys?: boolean;
};

type Entry<T> = { key: string | null; state: Loaded<T>; fetching: boolean };

/** The latest `value` for callbacks, without making them change when it does. */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}

/**
 * Loads `fetch()` whenever `key` changes (nothing while it is null). `key` names everything the
 * answer depends on: right after it changes, the old answer is not shown for the new key, and a
 * slow answer for an older key never replaces a newer one.
 */
export function useQuery<T>(key: string | null, fetch: () => Promise<T>, options: QueryOptions = {}): Query<T> {
  // The first render already shows the load it is about to start: no second render to say so.
  const [entry, setEntry] = useState<Entry<T>>(() =>
    key === null ? { key, state: { kind: 'idle' }, fetching: false } : { key, state: { kind: 'loading' }, fetching: true },
  );
  const latestFetch = useLatest(fetch);
  const keep = options.keepWhileRefreshing ?? false;
  const keepAcross = options.keepAcrossKeys ?? false;
  // Each load takes a ticket; only the newest ticket's answer is kept.
  const tickets = useRef(0);

  const load = useCallback(
    async (forKey: string, keepValue: boolean, keepOtherKey: boolean) => {
      const ticket = ++tickets.current;
      setEntry((current) => {
        if (current.key === forKey && current.fetching && current.state.kind === 'loading') return current;
        const kept = keepOtherKey || (keepValue && current.key === forKey);
        const state = kept && current.state.kind === 'loaded' ? current.state : { kind: 'loading' as const };
        return { key: forKey, state, fetching: true };
      });
      let state: Loaded<T>;
      try {
        state = { kind: 'loaded', value: await latestFetch.current() };
      } catch (reason) {
        state = { kind: 'error', error: toAppError(reason) };
      }
      if (ticket === tickets.current) setEntry({ key: forKey, state, fetching: false });
    },
    [latestFetch],
  );

  useEffect(() => {
    if (key === null) return;
    // Loading is what this effect is for: the answer sets state when it arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load(key, false, keepAcross);
  }, [key, load, keepAcross]);

  const refresh = useCallback(async () => {
    if (key !== null) await load(key, keep, false);
  }, [key, keep, load]);

  const current = entry.key === key;
  // Until the effect above starts the new key's load, the render after a key change still holds
  // the old entry: shown only when the caller asked to keep it.
  const previous = keepAcross && entry.state.kind === 'loaded' ? entry.state : undefined;
  const state: Loaded<T> = key === null ? { kind: 'idle' } : current ? entry.state : (previous ?? { kind: 'loading' });
  return {
    state,
    data: state.kind === 'loaded' ? state.value : undefined,
    error: state.kind === 'error' ? state.error : undefined,
    fetching: key !== null && (!current || entry.fetching),
    refresh,
  };
}

export type Mutation<A extends unknown[], T> = {
  /** Runs the action; resolves with its value, or undefined when it failed. */
  run: (...args: A) => Promise<T | undefined>;
  pending: boolean;
  /** Why the last run failed. */
  error: AppError | undefined;
  /** The last run's value (none while a new run is on its way). */
  data: T | undefined;
  /** Forgets the last run's value and error. */
  reset: () => void;
};

type MutationState<T> = { pending: boolean; error?: AppError; data?: T };

/** An action on the backend with its progress, its error and its result. */
export function useMutation<A extends unknown[], T>(action: (...args: A) => Promise<T>): Mutation<A, T> {
  const [state, setState] = useState<MutationState<T>>({ pending: false });
  const latestAction = useLatest(action);
  const tickets = useRef(0);

  const run = useCallback(
    async (...args: A) => {
      const ticket = ++tickets.current;
      setState({ pending: true });
      try {
        const data = await latestAction.current(...args);
        if (ticket === tickets.current) setState({ pending: false, data });
        return data;
      } catch (reason) {
        if (ticket === tickets.current) setState({ pending: false, error: toAppError(reason) });
        return undefined;
      }
    },
    [latestAction],
  );

  const reset = useCallback(() => {
    tickets.current += 1;
    setState({ pending: false });
  }, []);

  return { run, pending: state.pending, error: state.error, data: state.data, reset };
}

/** A call's value, or the structured error it failed with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Waits for `call` and says how it ended, never throwing: for reducers that take the outcome. */
export async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (reason) {
    return { ok: false, error: toAppError(reason) };
  }
}
