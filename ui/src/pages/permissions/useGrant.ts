import { useCallback, useState } from 'react';
import { backend, toAppError, type AppError, type GrantOutcome, type GrantTarget } from '../../backend';
import { clockNow } from '../runtimes/model';

export type GrantState =
  | { kind: 'idle' }
  | { kind: 'running'; target: GrantTarget; since: number }
  | { kind: 'done'; target: GrantTarget; outcome: GrantOutcome }
  | { kind: 'failed'; target: GrantTarget; error: AppError };

type Tracked = GrantState & { revision?: number };

/**
 * Runs one grant at a time on `workspaceId`: the call resolves when Azure has applied the role
 * (or the wait's limit passed), and `onFinished` then lets the page read the new state. A
 * finished grant's outcome is shown until `revision` changes (the page counts removals, after
 * which "now has the role" may no longer be true).
 */
export function useGrant(workspaceId: string, onFinished?: (outcome: GrantOutcome) => void, revision = 0) {
  const [tracked, setTracked] = useState<Tracked>({ kind: 'idle' });

  const grant = useCallback(
    async (target: GrantTarget) => {
      setTracked({ kind: 'running', target, since: clockNow() });
      try {
        const outcome = await backend.grantDataScientist({ workspaceId, target });
        setTracked({ kind: 'done', target, outcome, revision });
        onFinished?.(outcome);
      } catch (reason) {
        setTracked({ kind: 'failed', target, error: toAppError(reason), revision });
      }
    },
    [workspaceId, onFinished, revision],
  );

  const stale = tracked.kind !== 'running' && tracked.revision !== undefined && tracked.revision !== revision;
  const state: GrantState = stale ? { kind: 'idle' } : tracked;
  return { state, grant, running: state.kind === 'running' };
}
