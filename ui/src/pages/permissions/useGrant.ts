import { useCallback, useState } from 'react';
import { backend, toAppError, type AppError, type GrantOutcome, type GrantTarget } from '../../backend';
import { clockNow } from '../runtimes/model';

export type GrantState =
  | { kind: 'idle' }
  | { kind: 'running'; target: GrantTarget; since: number }
  | { kind: 'done'; target: GrantTarget; outcome: GrantOutcome }
  | { kind: 'failed'; target: GrantTarget; error: AppError };

/**
 * Runs one grant at a time on `workspaceId`: the call resolves when Azure has applied the role
 * (or the wait's limit passed), and `onFinished` then lets the page read the new state.
 */
export function useGrant(workspaceId: string, onFinished?: (outcome: GrantOutcome) => void) {
  const [state, setState] = useState<GrantState>({ kind: 'idle' });

  const grant = useCallback(
    async (target: GrantTarget) => {
      setState({ kind: 'running', target, since: clockNow() });
      try {
        const outcome = await backend.grantDataScientist({ workspaceId, target });
        setState({ kind: 'done', target, outcome });
        onFinished?.(outcome);
      } catch (reason) {
        setState({ kind: 'failed', target, error: toAppError(reason) });
      }
    },
    [workspaceId, onFinished],
  );

  return { state, grant, running: state.kind === 'running' };
}
