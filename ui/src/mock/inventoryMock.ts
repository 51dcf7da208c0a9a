// The sandbox's inventory: contoso-ml holds flows, sessions, a flow endpoint and connections
// like the emulator's returning workspace; research-ml (with "All my workspaces") a runtime.
import type { Inventory, InventoryItem, ItemKind } from '../backend';

const SUB = '/subscriptions/3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01/resourceGroups';

function item(workspace: string, kind: ItemKind, name: string, extra: Partial<InventoryItem> = {}): InventoryItem {
  const group = workspace === 'contoso-ml' ? 'rg-ml' : 'rg-research';
  return {
    kind,
    workspaceId: `${SUB}/${group}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`,
    workspaceName: workspace,
    name,
    cost: 'noCompute',
    nodeCounts: {},
    connections: [],
    usedBy: [],
    ...extra,
  };
}

const CONTOSO: InventoryItem[] = [
  item('contoso-ml', 'runtime', 'rt-default', { state: 'Running', runsOn: 'ci-alex-gpu / rt-default', owner: 'Alex' }),
  item('contoso-ml', 'computeInstance', 'ci-alex-gpu', {
    state: 'Running',
    cost: 'running',
    idleShutdownMinutes: 60,
    size: 'Standard_NC6s_v3',
    usedBy: ['runtime rt-default', 'flow research-fanout'],
  }),
  item('contoso-ml', 'flow', 'web-classification', {
    id: '1c1d0e8a-6f0e-5a57-9d3e-6b2f0b4f4d21',
    category: 'Default',
    owner: 'alex@contoso.com',
    lastChange: '2026-10-02T09:14:00Z',
    runsOn: 'runtime rt-default',
    nodeCounts: { llm: 2, python: 3 },
    connections: ['open_ai_connection'],
  }),
  item('contoso-ml', 'flow', 'support-router', {
    id: '5b7f6c1e-2a35-5d1c-8f0b-8a1e2f3c4d55',
    category: 'Default',
    owner: 'alex@contoso.com',
    lastChange: '2026-11-20T16:40:00Z',
    runsOn: 'compute session on serverless-alex-7d2e',
    nodeCounts: { llm: 3, python: 3 },
    connections: ['aoai_connection'],
  }),
  item('contoso-ml', 'computeSession', 'support-router session', {
    state: 'Running',
    cost: 'running',
    idleShutdownMinutes: 60,
    size: 'Standard_E4ds_v4',
    runsOn: 'serverless-alex-7d2e',
    usedBy: ['support-router'],
  }),
  item('contoso-ml', 'serverlessInstance', 'serverless-alex-7d2e', {
    state: 'Running',
    cost: 'running',
    idleShutdownMinutes: 60,
    size: 'Standard_E4ds_v4',
    usedBy: ['support-router'],
  }),
  item('contoso-ml', 'onlineEndpoint', 'pf-endpoint', { state: '1 flow deployment(s)', cost: 'running', usedBy: ['blue'] }),
  item('contoso-ml', 'onlineDeployment', 'blue', {
    state: 'Succeeded',
    cost: 'running',
    size: 'Standard_DS3_v2 × 2',
    runsOn: 'pf-endpoint',
    usedBy: ['web-classification'],
  }),
  item('contoso-ml', 'connection', 'aoai_connection', { category: 'AzureOpenAI', runsOn: 'https://contoso-aoai.openai.azure.com/', usedBy: ['support-router'] }),
  item('contoso-ml', 'connection', 'open_ai_connection', { category: 'OpenAI', runsOn: 'https://api.openai.com/v1', usedBy: ['web-classification'] }),
  item('contoso-ml', 'connection', 'legacy_bing_connection', { category: 'BingLLMSearch', runsOn: 'https://api.bing.microsoft.com/' }),
];

const RESEARCH: InventoryItem[] = [
  item('research-ml', 'runtime', 'rt-preview', { state: 'Running', runsOn: 'ci-research / rt-preview', owner: 'Alex' }),
];

export function inventoryOf(all: boolean): Inventory {
  const items = all ? [...CONTOSO, ...RESEARCH] : CONTOSO;
  const counts: Record<string, number> = {};
  for (const kind of ['runtime', 'computeInstance', 'customApp', 'flow', 'computeSession', 'serverlessInstance', 'onlineEndpoint', 'onlineDeployment', 'connection']) {
    counts[kind] = items.filter((i) => i.kind === kind).length;
  }
  return {
    takenOn: '2026-12-06',
    daysLeft: 135,
    workspaces: all ? ['contoso-ml', 'research-ml'] : ['contoso-ml'],
    items,
    counts,
    running: items.filter((i) => i.cost === 'running').length,
    problems: [],
  };
}
