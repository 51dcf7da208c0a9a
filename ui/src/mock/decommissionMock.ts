// The Decommission page's answers: the core's plan for a workspace of the page world, and its
// removal of what the page ticks by default (fixtures.ts). A wrong typed name removes nothing,
// with the core's own refusal (its `check_confirmation`, generated with a stand-in for the typed
// name); a selection the generator did not remove has no answer.
import type { DecommissionPlan, DecommissionReport, DecommissionRequest } from '../backend';
import { PAGES, notGenerated, settle, TYPED, workspaceAnswers, type WorldFixture } from './fixtures';

export function decommissionPlanOf(workspaceId: string, world: WorldFixture = PAGES): Promise<DecommissionPlan> {
  return settle(workspaceAnswers(world, workspaceId)?.decommissionPlan);
}

export async function decommissionApply(request: DecommissionRequest, world: WorldFixture = PAGES): Promise<DecommissionReport> {
  const answers = workspaceAnswers(world, request.workspaceId);
  const plan = await decommissionPlanOf(request.workspaceId, world);
  const refusal = answers?.decommissionRefusal;
  if (request.confirmWorkspace.trim() !== plan.workspaceName && refusal && 'error' in refusal) {
    throw { ...refusal.error, message: refusal.error.message.replace(TYPED, request.confirmWorkspace.trim()) };
  }
  const generated = answers?.decommissionApply;
  const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  if (!generated || !same(generated.selected, request.selected)) throw notGenerated('removing this selection');
  return settle(generated.answer);
}
