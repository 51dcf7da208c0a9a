// The fake backend's answers for the Permissions page (page tests only, built with `--mode pages`).
// contoso-ml: you may grant; locked-ml: you may grant but lack the role yourself (the Runtimes
// checklist offers "Grant to me"); research-ml: you may not grant (Copy request). People: Bob
// (no role yet), Carol (a Reader); anyone else is unknown. Endpoints of contoso-ml: scoring-ep
// with a managed identity, legacy-ep without one.
import { pause, recordGrantToMe } from './changes';
import type {
  GrantableRole,
  AppError,
  EndpointIdentity,
  GrantAbility,
  GrantOutcome,
  GrantRequest,
  OperationSnapshot,
  PrincipalSummary,
  RevokeOutcome,
  RevokeRequest,
  WorkspaceRoleAssignment,
} from '../backend/bindings';

type Publish = (snapshot: OperationSnapshot) => void;

const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';
const ROLE_NAMES: Record<GrantableRole, string> = {
  dataScientist: 'AzureML Data Scientist',
  storageBlobDataContributor: 'Storage Blob Data Contributor',
  storageFileDataPrivilegedContributor: 'Storage File Data Privileged Contributor',
  acrPull: 'AcrPull',
};
const ROLES: Record<string, string> = {
  [DATA_SCIENTIST]: 'AzureML Data Scientist',
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
};

const person = (objectId: string, displayName: string, upn: string): PrincipalSummary => ({
  objectId,
  kind: 'User',
  displayName,
  userPrincipalName: upn,
  mail: upn,
});
const ME = person('alex-oid', 'Alex Doe', 'alex@contoso.example');
const PEOPLE: PrincipalSummary[] = [
  ME,
  person('bob-oid', 'Bob Example', 'bob@contoso.example'),
  person('carol-oid', 'Carol Example', 'carol@contoso.example'),
  person('dana-oid', 'Dana Owner', 'dana@contoso.example'),
];
const ENDPOINT_PRINCIPAL: PrincipalSummary = {
  objectId: 'scoring-ep-oid',
  kind: 'ServicePrincipal',
  displayName: 'Endpoint scoring-ep',
  endpointName: 'scoring-ep',
};
const ENDPOINTS: EndpointIdentity[] = [
  {
    endpointName: 'legacy-ep',
    identityType: 'None',
    explanation:
      "The endpoint 'legacy-ep' has no system-assigned managed identity, so there is no identity to give the role to. Its deployments use no managed identity. To let them use the workspace, recreate the endpoint with a system-assigned identity (identity type SystemAssigned), or grant the role to its user-assigned identity in the Azure portal.",
  },
  { endpointName: 'scoring-ep', identityType: 'SystemAssigned', principalId: ENDPOINT_PRINCIPAL.objectId },
];

const UNKNOWN_USER = (who: string): AppError => ({
  code: 'not_found',
  message: `No one with the user name or email '${who}' was found in your organization's directory.`,
  remedy:
    'Check the spelling, or ask the person for the user name they sign in to Azure with. People from other organizations must first be invited to your directory as guests.',
});

interface Held {
  name: string;
  principal: PrincipalSummary;
  role: string;
  /** Where the assignment was made: 'workspace' or 'resourceGroup'. */
  at: 'workspace' | 'resourceGroup';
}

const workspaceName = (id: unknown) => String(id).split('/').pop() ?? '';
const groupOf = (id: string) => id.split('/providers/')[0] ?? id;

let counter = 0;
const held = (principal: PrincipalSummary, role: string, at: Held['at']): Held => {
  counter += 1;
  return { name: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, principal, role, at };
};

const state: Record<string, Held[]> = {
  'contoso-ml': [
    held(ME, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'resourceGroup'),
    held(PEOPLE[2] as PrincipalSummary, 'acdd72a7-3385-48ef-bd42-f606fba81ae7', 'workspace'),
  ],
  'locked-ml': [held(ME, '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'resourceGroup')],
  'research-ml': [
    held(ME, DATA_SCIENTIST, 'workspace'),
    held(PEOPLE[3] as PrincipalSummary, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'resourceGroup'),
  ],
};

const mayGrant = (name: string) => name !== 'research-ml';

function listed(workspaceId: string, item: Held): WorkspaceRoleAssignment {
  const scope = item.at === 'workspace' ? workspaceId : groupOf(workspaceId);
  const roleDefinitionId = `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${item.role}`;
  return {
    assignment: {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${item.name}`,
      name: item.name,
      scope,
      roleDefinitionId,
      roleName: ROLES[item.role] ?? null,
      principalId: item.principal.objectId,
      principalType: item.principal.kind,
      createdOn: null,
    },
    roleName: ROLES[item.role] ?? item.role,
    principal: item.principal,
    inherited: item.at !== 'workspace',
    removable: item.at === 'workspace',
  };
}

function findPerson(query: string): PrincipalSummary | undefined {
  const wanted = query.trim().toLowerCase();
  return PEOPLE.find((p) => p.userPrincipalName === wanted || p.mail === wanted || p.objectId === wanted);
}

let operations = 0;

async function grant(request: GrantRequest, publish: Publish): Promise<GrantOutcome> {
  const name = workspaceName(request.workspaceId);
  if (!mayGrant(name)) {
    throw {
      code: 'permission_denied',
      message: `You cannot grant roles on the workspace '${name}'.`,
      remedy: 'Ask an Owner of the workspace or its resource group.',
    } satisfies AppError;
  }
  const target = request.target;
  let principal: PrincipalSummary | undefined;
  if (target.kind === 'me') principal = ME;
  if (target.kind === 'user') {
    principal = findPerson(target.user);
    if (!principal) throw UNKNOWN_USER(target.user);
  }
  if (target.kind === 'endpoint') {
    const endpoint = ENDPOINTS.find((e) => e.endpointName === target.name);
    if (!endpoint?.principalId) {
      return { status: 'endpointHasNoIdentity', visible: false, message: endpoint?.explanation ?? '' };
    }
    principal = ENDPOINT_PRINCIPAL;
  }
  if (target.kind === 'workspaceIdentity') {
    principal = { objectId: `${name}-identity`, kind: 'ServicePrincipal', displayName: `Workspace ${name}` };
  }
  const role = request.role ?? 'dataScientist';
  const roleName = ROLE_NAMES[role];
  // The storage and registry roles are granted on those resources, not on the workspace: they
  // do not join the workspace's list.
  if (role !== 'dataScientist') {
    if (!principal) throw { code: 'invalid_input', message: 'Nobody to grant to.' } satisfies AppError;
    await pause(800);
    const place = role === 'acrPull' ? `the container registry of ${name}` : `the storage account of ${name}`;
    const label = target.kind === 'me' ? 'You' : (principal.displayName ?? principal.objectId);
    return {
      status: 'granted',
      principal,
      visible: true,
      message: `${label} now ${target.kind === 'me' ? 'have' : 'has'} the ${roleName} role on ${place}. It is in effect.`,
    };
  }
  if (!principal) throw { code: 'invalid_input', message: 'Nobody to grant to.' } satisfies AppError;
  const who = target.kind === 'me' ? 'you' : (principal.endpointName ?? principal.displayName ?? principal.objectId);
  const label = target.kind === 'me' ? 'You' : who;
  const items = (state[name] ??= []);
  const existing = items.find((h) => h.principal.objectId === principal.objectId && h.role === DATA_SCIENTIST);
  operations += 1;
  const started = Date.now();
  const base = {
    id: `op-grant-${operations}`,
    kind: 'grantRole' as const,
    title: `Grant AzureML Data Scientist to ${who} on ${name}`,
    target: request.workspaceId,
    startedAt: new Date(started).toISOString(),
    resumed: false,
  };
  const stages: OperationSnapshot['stage'][] = ['requested', 'waitingForPropagation', 'verifying'];
  for (const stage of stages) {
    publish({ ...base, state: 'running', stage, elapsedMs: Date.now() - started });
    // The wait for Azure to apply the role is the long part, long enough to see.
    await pause(stage === 'waitingForPropagation' ? 1500 : 300);
  }
  const made = existing ?? held(principal, DATA_SCIENTIST, 'workspace');
  if (!existing) items.push(made);
  if (target.kind === 'me') recordGrantToMe(request.workspaceId);
  publish({ ...base, state: 'succeeded', stage: 'done', elapsedMs: Date.now() - started });
  const verb = target.kind === 'me' ? 'have' : 'has';
  return {
    status: existing ? 'alreadyAssigned' : 'granted',
    principal,
    assignment: listed(request.workspaceId, made).assignment,
    visible: true,
    message: existing
      ? `${label} already had the AzureML Data Scientist role on ${name}. It is in effect.`
      : `${label} now ${verb} the AzureML Data Scientist role on ${name}. It is in effect.`,
    operationId: base.id,
  };
}

function revoke(request: RevokeRequest): RevokeOutcome {
  const name = workspaceName(request.workspaceId);
  const items = state[name] ?? [];
  const found = items.find((h) => h.name === request.assignmentName);
  if (!found) throw { code: 'not_found', message: `There is no role assignment '${request.assignmentName}'.` } satisfies AppError;
  const removed = listed(request.workspaceId, found);
  const label = found.principal.endpointName ?? found.principal.displayName ?? found.principal.objectId;
  if (request.confirm.trim().toLowerCase() !== label.toLowerCase()) {
    throw { code: 'invalid_input', message: `To remove ${label}'s ${removed.roleName} role, confirm with '${label}'.` } satisfies AppError;
  }
  state[name] = items.filter((h) => h !== found);
  return {
    removed,
    alreadyGone: false,
    message: `${label} no longer has the ${removed.roleName} role on ${name}. Azure can take a few minutes to apply the change.`,
  };
}

/** Answers a Permissions page command, or `undefined` when the command is not one of them. */
export function permissionsCommand(command: string, args: Record<string, unknown>, publish: Publish): Promise<unknown> | undefined {
  switch (command) {
    case 'grant_ability': {
      const name = workspaceName(args.workspaceId);
      const ability: GrantAbility = {
        workspaceId: String(args.workspaceId),
        workspaceName: name,
        allowed: mayGrant(name),
        whoCanGrant: `An Owner or User Access Administrator of the workspace '${name}', of its resource group or of its subscription can grant the AzureML Data Scientist role.`,
        administrators: mayGrant(name) ? [] : [PEOPLE[3] as PrincipalSummary],
        requestText: `Hello,\n\nCould you please assign the AzureML Data Scientist role on the Azure Machine Learning workspace '${name}' to Alex Doe (alex@contoso.example) (object id alex-oid)?\n\nScope: ${String(args.workspaceId)}`,
      };
      return pause(100).then(() => ability);
    }
    case 'find_user': {
      const query = String(args.emailOrUpn);
      const found = findPerson(query);
      return pause(100).then(() => (found ? found : Promise.reject(UNKNOWN_USER(query.trim()))));
    }
    case 'list_role_assignments': {
      const items = (state[workspaceName(args.workspaceId)] ?? [])
        .filter((h) => args.principalId === undefined || args.principalId === null || h.principal.objectId === args.principalId)
        .map((h) => listed(String(args.workspaceId), h));
      return pause(100).then(() => items);
    }
    case 'list_endpoint_identities':
      return pause(100).then(() => (workspaceName(args.workspaceId) === 'contoso-ml' ? ENDPOINTS : []));
    case 'grant_data_scientist':
      return grant(args.request as GrantRequest, publish);
    case 'revoke_role_assignment':
      return pause(200).then(() => revoke(args.request as RevokeRequest));
    default:
      return undefined;
  }
}
