import { expect, it } from 'vitest';
import type { OperationSnapshot } from '../backend/bindings';
import { assignmentsNow, fleetNow, grantRole, revokeRole, updateAll, updateRuntime } from './changes';

const CONTOSO = '/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/contoso-ml';
const RESEARCH = '/subscriptions/00000000-0000-0000-0000-00000000000b/resourceGroups/rg-research/providers/Microsoft.MachineLearningServices/workspaces/research-ml';

const names = (workspaceId: string) => {
  const answer = assignmentsNow(workspaceId);
  if (!answer || 'error' in answer) throw new Error('no assignments');
  return answer.ok.map((a) => `${a.principal.displayName ?? a.principal.objectId}: ${a.roleName}`);
};

// The page tests' fake backend replays what the core did in the emulator; what it keeps itself
// is only which of those changes the page has made. These pin that bookkeeping.
it('a grant replays the core’s stages and joins the list; removing it asks for the name the core asks for', async () => {
  expect(names(CONTOSO)).not.toContain('Bob Example: AzureML Data Scientist');
  const published: OperationSnapshot[] = [];
  const outcome = await grantRole((s) => published.push(s), { workspaceId: CONTOSO, target: { kind: 'user', user: 'bob@contoso.example' } });
  expect(outcome.status).toBe('granted');
  expect(published.map((s) => s.stage)).toContain('waitingForPropagation');
  expect(published[published.length - 1]?.state).toBe('succeeded');
  expect(names(CONTOSO)).toContain('Bob Example: AzureML Data Scientist');
  const assignmentName = outcome.assignment?.name ?? '';
  await expect(revokeRole({ workspaceId: CONTOSO, assignmentName, confirm: 'Bob' })).rejects.toMatchObject({ code: 'invalid_input' });
  expect(names(CONTOSO)).toContain('Bob Example: AzureML Data Scientist');
  const removed = await revokeRole({ workspaceId: CONTOSO, assignmentName, confirm: ' bob example ' });
  expect(removed.message).toContain('Bob Example no longer has the AzureML Data Scientist role on contoso-ml');
  expect(names(CONTOSO)).not.toContain('Bob Example: AzureML Data Scientist');
}, 20_000);

it('Update all leaves alone a runtime being updated, and counts one updated on the page as up to date', async () => {
  const publish = () => undefined;
  expect(fleetNow([RESEARCH]).outdatedCount).toBe(3);
  const single = updateRuntime(publish, { workspaceId: RESEARCH, runtimeName: 'rt-default', allowOlder: false, moveToDefaultEnvironment: false }, 50);
  await expect(updateRuntime(publish, { workspaceId: RESEARCH, runtimeName: 'rt-default', allowOlder: false, moveToDefaultEnvironment: false }, 1)).rejects.toMatchObject({ code: 'conflict' });
  const all = await updateAll(publish, [RESEARCH], 1);
  const outcomes = Object.fromEntries(all.items.map((item) => [item.runtimeName, item.outcome]));
  expect(outcomes).toEqual({ 'rt-custom': 'needsAttention', 'rt-default': 'alreadyUpdating', 'rt-old': 'updated' });
  expect([all.updated, all.failed, all.needsAttention, all.alreadyUpdating, all.upToDate]).toEqual([1, 0, 1, 1, 2]);
  expect((await single).current?.tag).toBe('20251211.v12');
  expect(fleetNow([RESEARCH]).outdatedCount).toBe(1);
  const again = await updateAll(publish, [RESEARCH], 1);
  expect(again.items.map((item) => item.runtimeName)).toEqual(['rt-custom']);
  expect(again.upToDate).toBe(4);
}, 20_000);
