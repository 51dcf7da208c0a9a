// The page tests' decommission answers, shaped like the core's plan for the returning
// workspace: what a moved flow leaves behind, what stays for a flow that stays, and a removal
// that refuses a wrong typed name as the core does.
import type { DecommissionPlan, DecommissionReport, DecommissionRequest } from '../backend';

function workspaceNameOf(workspaceId: string): string {
  return workspaceId.split('/').pop() ?? workspaceId;
}

export function decommissionPlanOf(workspaceId: string): DecommissionPlan {
  return {
    workspaceId,
    workspaceName: workspaceNameOf(workspaceId),
    takenOn: '2026-12-06',
    daysLeft: 135,
    movedFlows: ['web-classification'],
    stayingFlows: ['chat-with-docs'],
    items: [
      {
        id: 'computeSession:flow-web',
        kind: 'computeSession',
        name: 'web-classification session',
        state: 'Running',
        cost: 'running',
        size: 'Standard_E4s_v3',
        needs: [],
        suggested: true,
        reason: 'Only web-classification, which has moved, uses it.',
      },
      {
        id: 'runtime:rt-default',
        kind: 'runtime',
        name: 'rt-default',
        state: 'Running',
        cost: 'running',
        size: 'Standard_DS3_v2',
        runsOn: 'ci-alice',
        needs: [],
        suggested: true,
        reason: 'No flow that stays runs on it.',
      },
    ],
    kept: [{ kind: 'connection', name: 'aoai_connection', reason: 'chat-with-docs, which stays, uses it.' }],
    running: 2,
    problems: [],
  };
}

export function decommissionApply(request: DecommissionRequest): Promise<DecommissionReport> {
  const plan = decommissionPlanOf(request.workspaceId);
  if (request.confirmWorkspace !== plan.workspaceName) {
    return Promise.reject({
      code: 'invalid_input',
      message: `"${request.confirmWorkspace}" is not the workspace's name, so nothing was removed.`,
      remedy: `Type ${plan.workspaceName} exactly to confirm.`,
    });
  }
  const outcomes = plan.items
    .filter((item) => request.selected.includes(item.id))
    .map((item) => ({ id: item.id, kind: item.kind, name: item.name, state: 'removed' as const }));
  return Promise.resolve({ operationId: 'op-decommission-1', workspaceName: plan.workspaceName, outcomes, cancelled: false });
}
