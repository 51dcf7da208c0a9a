// The Decommission page's answers: the core's plan for a workspace of the page world
// (fixtures.ts). Removing is a change of state the fixtures cannot hold, so `decommissionApply`
// stays written here: a wrong typed name removes nothing, with the core's own refusal (its
// `check_confirmation`, generated with a stand-in for the typed name), and what was selected is
// reported removed.
import type { DecommissionPlan, DecommissionReport, DecommissionRequest } from '../backend';
import { PAGES, settle, TYPED, workspaceAnswers, type WorldFixture } from './fixtures';

export function decommissionPlanOf(workspaceId: string, world: WorldFixture = PAGES): Promise<DecommissionPlan> {
  return settle(workspaceAnswers(world, workspaceId)?.decommissionPlan);
}

export async function decommissionApply(request: DecommissionRequest, world: WorldFixture = PAGES): Promise<DecommissionReport> {
  const plan = await decommissionPlanOf(request.workspaceId, world);
  if (request.confirmWorkspace.trim() !== plan.workspaceName) {
    const refusal = workspaceAnswers(world, request.workspaceId)?.decommissionRefusal;
    if (refusal && 'error' in refusal) {
      throw { ...refusal.error, message: refusal.error.message.replace(TYPED, request.confirmWorkspace.trim()) };
    }
  }
  const outcomes = plan.items
    .filter((item) => request.selected.includes(item.id))
    .map((item) => ({ id: item.id, kind: item.kind, name: item.name, state: 'removed' as const }));
  return { operationId: 'op-decommission-1', workspaceName: plan.workspaceName, outcomes, cancelled: false };
}
