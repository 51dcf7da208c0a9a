// The fake backend's Permissions page (page tests only, built with `--mode pages`): the core's
// answers about the page world (fixtures.ts: contoso-ml, where Alex may grant and has an endpoint
// without an identity and one with; locked-ml, where he may grant but lacks the role himself;
// research-ml, where he may not and Dana can), and the grants and removals he makes (changes.ts).
import type { GrantRequest, RevokeRequest } from '../backend/bindings';
import { assignmentsNow, grantRole, pause, revokeRole, type Publish } from './changes';
import { PAGES, notGenerated, settle, workspaceAnswers } from './fixtures';

/** Answers a Permissions page command, or `undefined` when the command is not one of them. */
export function permissionsCommand(command: string, args: Record<string, unknown>, publish: Publish): Promise<unknown> | undefined {
  const answers = () => workspaceAnswers(PAGES, args.workspaceId);
  switch (command) {
    case 'grant_ability':
      return pause(100).then(() => settle(answers()?.grantAbility));
    case 'find_user': {
      const query = String(args.emailOrUpn).trim();
      return pause(100).then(() => (query in PAGES.findUser ? settle(PAGES.findUser[query]) : Promise.reject(notGenerated(`looking up '${query}'`))));
    }
    case 'list_role_assignments':
      return pause(100).then(() => settle(assignmentsNow(String(args.workspaceId), args.principalId as string | null | undefined)));
    case 'list_endpoint_identities':
      return pause(100).then(() => settle(answers()?.listEndpointIdentities));
    case 'grant_data_scientist':
      return grantRole(publish, args.request as GrantRequest);
    case 'revoke_role_assignment':
      return revokeRole(args.request as RevokeRequest);
    default:
      return undefined;
  }
}
