import { useCallback, useState } from 'react';
import { backend, type AppError, type GrantOutcome, type GrantTarget, type GrantableRole } from '../../backend';
import { useMutation } from '../../data/query';
import { clockNow } from '../runtimes/model';

export type GrantState =
  | { kind: 'idle' }
  | { kind: 'running'; target: GrantTarget; since: number }
  | { kind: 'done'; target: GrantTarget; outcome: GrantOutcome }
  | { kind: 'failed'; target: GrantTarget; error: AppError };

/** The last grant started: to whom, when, and the page's count of removals at the time. */
type Started = { target: GrantTarget; since: number; revision: number };

/**
 * Runs one grant of `role` at a time on `workspaceId` (or its storage account or registry): the call resolves when Azure has applied the role
 * (or the wait's limit passed), and `onFinished` then lets the page read the new state. A
 * finished grant's outcome is shown until `revision` changes (the page counts removals, after
 * which "now has the role" may no longer be true).
 */
export function useGrant(
  workspaceId: string,
  onFinished?: (outcome: GrantOutcome) => void,
  revision = 0,
  role: GrantableRole = 'dataScientist',
) {
  const [started, setStarted] = useState<Started | null>(null);
  const call = useMutation((target: GrantTarget) => backend.grantDataScientist({ workspaceId, target, role }));
  const { run } = call;

  const grant = useCallback(
    async (target: GrantTarget) => {
      setStarted({ target, since: clockNow(), revision });
      const outcome = await run(target);
      if (outcome) onFinished?.(outcome);
    },
    [run, onFinished, revision],
  );

  let state: GrantState = { kind: 'idle' };
  if (started && call.pending) state = { kind: 'running', target: started.target, since: started.since };
  else if (started && started.revision === revision) {
    if (call.data) state = { kind: 'done', target: started.target, outcome: call.data };
    else if (call.error) state = { kind: 'failed', target: started.target, error: call.error };
  }
  return { state, grant, running: state.kind === 'running' };
}
