import { describe, expect, it } from 'vitest';
import { filterItems, itemDetail } from './Inventory';
import { inventoryOf } from '../mock/inventoryMock';

describe('inventory filters', () => {
  const items = inventoryOf(true).items;

  it('keeps one kind, words from any column, or only what costs money now', () => {
    expect(filterItems(items, { kind: 'flow', text: '', costsOnly: false }).map((i) => i.name)).toEqual(['web-classification', 'support-router']);
    expect(filterItems(items, { kind: 'all', text: 'AOAI', costsOnly: false }).map((i) => i.name)).toEqual(['support-router', 'aoai_connection']);
    const costly = filterItems(items, { kind: 'all', text: '', costsOnly: true });
    expect(costly.length).toBe(5);
    expect(costly.every((i) => i.cost === 'running')).toBe(true);
    expect(filterItems(items, { kind: 'all', text: 'research-ml', costsOnly: false }).map((i) => i.name)).toEqual(['rt-preview']);
  });

  it('details say node counts and connections of a flow, and an unused connection', () => {
    const flow = items.find((i) => i.name === 'web-classification')!;
    expect(itemDetail(flow)).toBe('Default · nodes: 2 llm, 3 python · connections: open_ai_connection');
    const unused = items.find((i) => i.name === 'legacy_bing_connection')!;
    expect(itemDetail(unused)).toBe('BingLLMSearch · used by no flow');
  });
});
