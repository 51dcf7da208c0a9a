import { describe, expect, it } from 'vitest';
import { filterItems, itemDetail, summaryText } from './Inventory';
import { PAGES, valueOf } from '../mock/fixtures';

describe('inventory filters', () => {
  // The core's inventory of every workspace of the page world (contoso-ml holds the flows).
  const inventory = valueOf(PAGES.takeInventoryAll);
  const items = inventory.items;

  it('keeps one kind, words from any column, or only what costs money now', () => {
    expect(filterItems(items, { kind: 'flow', text: '', costsOnly: false }).map((i) => i.name)).toEqual([
      'chat-with-docs',
      'custom-tools',
      'eval-groundedness',
      'research-fanout',
      'support-router',
      'web-classification',
    ]);
    // A connection's name, or a flow that uses it.
    expect(filterItems(items, { kind: 'all', text: 'AOAI', costsOnly: false }).map((i) => i.name)).toEqual([
      'chat-with-docs',
      'research-fanout',
      'support-router',
      'aoai',
      'aoai_connection',
    ]);
    const costly = filterItems(items, { kind: 'all', text: '', costsOnly: true });
    expect(costly.length).toBe(inventory.running);
    expect(costly.length).toBeLessThan(items.length);
    expect(costly.every((i) => i.cost === 'running')).toBe(true);
    const research = filterItems(items, { kind: 'runtime', text: 'research-ml', costsOnly: false }).map((i) => i.name);
    expect(research).toEqual(['rt-custom', 'rt-default', 'rt-fresh', 'rt-old', 'rt-preview']);
  });

  it('details say node counts and connections of a flow, and an unused connection', () => {
    const flow = items.find((i) => i.name === 'web-classification')!;
    expect(itemDetail(flow)).toBe('Default · nodes: 2 llm, 3 python · connections: open_ai_connection');
    const unused = items.find((i) => i.name === 'legacy_bing_connection')!;
    expect(itemDetail(unused)).toBe('BingLLMSearch · used by no flow');
  });

  it('says how many days are left, and after the date that prompt flow has retired, never negative days', () => {
    expect(summaryText({ ...inventory, countdown: { kind: 'daysLeft', days: 135 } })).toContain('135 days until prompt flow retires');
    for (const countdown of [{ kind: 'retirementDay' }, { kind: 'retired', days: 1 }] as const) {
      const after = summaryText({ ...inventory, countdown });
      expect(after).toContain('prompt flow has retired');
      expect(after).not.toMatch(/-?\d+ days/);
    }
  });
});
