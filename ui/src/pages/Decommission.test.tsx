import { describe, expect, it } from 'vitest';
import { introText, planCost, suggested } from './Decommission';
import type { DecommissionPlan, PlanItem } from '../backend';

function item(id: string, extra: Partial<PlanItem> = {}): PlanItem {
  return { id, kind: 'runtime', name: id.split(':')[1] ?? id, cost: 'noCompute', needs: [], suggested: true, reason: '', ...extra };
}

describe('decommission plan', () => {
  it('says what an item costs while it runs: state, size and idle shutdown, never a price', () => {
    expect(planCost(item('onlineDeployment:ep/blue', { cost: 'running', size: 'Standard_DS3_v2 × 2' }))).toBe('Running (billed) · Standard_DS3_v2 × 2');
    expect(planCost(item('computeSession:1', { cost: 'running', size: 'Standard_E4ds_v4', idleShutdownMinutes: 60 }))).toBe(
      'Running (billed) · Standard_E4ds_v4 · idle shutdown 60 min',
    );
    expect(planCost(item('connection:c'))).toBe('No compute');
  });

  it('ticks only what the plan suggests (never an instance or a connection)', () => {
    const plan: DecommissionPlan = {
      workspaceId: 'ws',
      workspaceName: 'ws',
      takenOn: '2026-12-06',
      countdown: { kind: 'daysLeft', days: 135 },
      movedFlows: [],
      stayingFlows: [],
      items: [item('runtime:rt'), item('computeInstance:ci', { kind: 'computeInstance', suggested: false }), item('connection:c', { kind: 'connection', suggested: false })],
      kept: [],
      running: 0,
      problems: [],
    };
    expect([...suggested(plan)]).toEqual(['runtime:rt']);
  });

  it('opens with the days left, and from the retirement date on says prompt flow has retired, never negative days', () => {
    expect(introText({ kind: 'daysLeft', days: 135 })).toContain('retires in 135 days');
    for (const countdown of [{ kind: 'retirementDay' }, { kind: 'retired', days: 1 }] as const) {
      const text = introText(countdown);
      expect(text).toContain('Prompt flow has retired');
      expect(text).not.toMatch(/-?\d+ days/);
    }
  });
});
