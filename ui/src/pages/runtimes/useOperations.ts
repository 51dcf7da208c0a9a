import { useEffect, useState } from 'react';
import { backend, type OperationSnapshot } from '../../backend';

/**
 * The latest snapshot of every long operation the backend reports while the component is
 * shown. The backend sends the current list first, then every change.
 */
export function useOperations(): ReadonlyMap<string, OperationSnapshot> {
  const [operations, setOperations] = useState<ReadonlyMap<string, OperationSnapshot>>(new Map());
  useEffect(() => {
    let live = true;
    backend
      .watchOperations((snapshot) => {
        if (!live) return;
        setOperations((current) => new Map(current).set(snapshot.id, snapshot));
      })
      .catch(() => {
        // Without progress events the wizard still works: the calls themselves resolve or fail.
      });
    return () => {
      live = false;
    };
  }, []);
  return operations;
}

/** The newest operation that `matches` and started at or after `since` (ms since the epoch). */
export function latestOperation(
  operations: ReadonlyMap<string, OperationSnapshot>,
  since: number | null,
  matches: (snapshot: OperationSnapshot) => boolean,
): OperationSnapshot | null {
  if (since === null) return null;
  let latest: OperationSnapshot | null = null;
  for (const snapshot of operations.values()) {
    const started = Date.parse(snapshot.startedAt);
    // A few seconds of slack for clocks: the backend stamps the start, the UI the click.
    if (!matches(snapshot) || started < since - 5000) continue;
    if (latest === null || started >= Date.parse(latest.startedAt)) latest = snapshot;
  }
  return latest;
}
