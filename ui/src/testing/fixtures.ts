// Backend answers that several component tests start from: one subscription with one workspace.
import type { WorkspaceListing } from '../backend';

export const WS_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

export const LISTING: WorkspaceListing = {
  subscriptions: [{ id: '/subscriptions/s', subscriptionId: 's', displayName: 'Sub', tenantId: null, state: 'Enabled', usable: true }],
  workspaces: [
    {
      id: WS_ID,
      name: 'ws',
      subscriptionId: 's',
      resourceGroup: 'rg',
      location: 'eastus',
      kind: 'Default',
      kindText: null,
      workspaceId: null,
      discoveryUrl: null,
      friendlyName: null,
      flags: { dataIsolation: false, hubProject: false, publicNetworkDisabled: false, privateEndpoint: false, managedNetworkIsolated: false },
    },
  ],
  problems: [],
};
