// Backend answers that several component tests start from: one subscription with one workspace.
import type { InstanceChoice, WorkspaceListing } from '../backend';

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

/**
 * A compute instance of the workspace as the wizard lists it: `name` in eastus, running, nobody
 * assigned, no custom apps, usable; `instance` changes any of that.
 */
export function instanceChoice(name: string, instance: Partial<InstanceChoice['instance']> = {}, usable = true): InstanceChoice {
  return {
    instance: {
      id: `${WS_ID}/computes/${name}`,
      name,
      location: 'eastus',
      state: 'Running',
      stateText: null,
      vmSize: 'Standard_DS11_v2',
      provisioningState: null,
      assignedUser: null,
      createdBy: null,
      createdByName: null,
      customApps: [],
      lastOperation: null,
      ...instance,
    },
    checks: [],
    runtimeApps: [],
    usable,
  };
}
