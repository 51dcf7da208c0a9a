// The fake backend's Runtimes page (page tests only, built with `--mode pages`): the core's
// answers about the page world (fixtures.ts: contoso-ml, where Alex has a running and a stopped
// instance and no runtime yet; locked-ml, where he lacks the role but may grant it; research-ml,
// with Rita's and Sam's runtimes), and the changes the user makes (changes.ts).
import type { DeleteRuntimeRequest } from '../backend/bindings';
import { PAGES, notGenerated, settle, workspaceAnswers } from './fixtures';
import { checkNow, createRuntime, deleteRuntime, detailsNow, instancesNow, pause, recordSignIn, runtimesNow, signInNow, startInstance, type Publish } from './changes';
import { updatesCommand } from './updatesMock';

export { cancelMockOperation, longOperation, pause, type Publish } from './changes';

/** `?scenario=…` of the page test, for answers only some tests want. */
const scenario = () => new URLSearchParams(window.location.search).get('scenario');

// With `?scenario=permissions-unreadable` the first check of contoso-ml is the one the
// generator made while Azure could not answer for the user's permissions; with
// `?scenario=instance-deleting` the instances are those it listed while one more of the user's
// was being deleted.
let permissionReads = 0;

/** Answers a Runtimes page command, or `undefined` when the command is not one of them. */
export function runtimesCommand(command: string, args: Record<string, unknown>, publish: Publish): Promise<unknown> | undefined {
  const workspaceId = String(args.workspaceId);
  switch (command) {
    case 'list_workspaces':
      return pause(150).then(() => settle(PAGES.listWorkspaces));
    case 'check_workspace': {
      const answers = workspaceAnswers(PAGES, workspaceId);
      if (workspaceId.endsWith('/contoso-ml') && scenario() === 'permissions-unreadable' && permissionReads++ === 0) {
        return pause(100).then(() => settle(answers?.checkWorkspacePermissionsUnreachable));
      }
      return pause(100).then(() => settle(checkNow(workspaceId)));
    }
    case 'list_runtimes':
      return pause(100).then(() => runtimesNow(workspaceId));
    case 'runtime_details': {
      const name = String(args.runtimeName);
      return settle(detailsNow(workspaceId, name) ?? { error: notGenerated(`the details of ${name}`) });
    }
    case 'list_compute_instances': {
      const deleting = workspaceAnswers(PAGES, workspaceId)?.listComputeInstancesWhileOneIsDeleting;
      return pause(100).then(() => (scenario() === 'instance-deleting' && deleting ? settle(deleting) : instancesNow(workspaceId)));
    }
    case 'list_others_compute_instances':
      return pause(100).then(() => settle(workspaceAnswers(PAGES, workspaceId)?.listOthersComputeInstances));
    case 'suggest_runtime_name': {
      // The core's suggestion for the instance, made against the runtimes the world was
      // generated with; the command names no workspace, so the first that has the instance.
      const instance = typeof args.instanceName === 'string' ? args.instanceName : '';
      const suggested = Object.values(PAGES.workspaces)
        .map((answers) => answers.suggestRuntimeName[instance])
        .find((name) => name !== undefined);
      return pause(50).then(() => settle(suggested === undefined ? { error: notGenerated(`a runtime name for ${instance}`) } : { ok: suggested }));
    }
    case 'list_environments':
      return pause(100).then(() => settle(workspaceAnswers(PAGES, workspaceId)?.listEnvironments));
    case 'check_environment_image': {
      const environment = String(args.environment);
      const answer = workspaceAnswers(PAGES, workspaceId)?.checkEnvironmentImage[environment];
      return pause(150).then(() => settle(answer ?? { error: notGenerated(`the environment ${environment}`) }));
    }
    case 'instance_sign_in_status':
      return pause(50).then(() => settle(signInNow(String(args.instanceName), String(args.region))));
    case 'record_instance_sign_in':
      recordSignIn(String(args.region));
      return pause(50).then(() => settle(signInNow(String(args.instanceName), String(args.region))));
    case 'open_instance_sign_in':
      return pause(50).then(() => null);
    case 'check_custom_app': {
      const app = `${String(args.instanceName)}/${String(args.appName)}`;
      return pause(50).then(() => settle(workspaceAnswers(PAGES, workspaceId)?.checkCustomApp[app] ?? { error: notGenerated(`the application ${app}`) }));
    }
    case 'start_compute_instance':
      return startInstance(publish, workspaceId, String(args.instanceName));
    case 'create_runtime':
      return createRuntime(publish, args.request as { workspaceId: string; runtimeName: string; computeInstance: string });
    case 'delete_runtime':
      return deleteRuntime(publish, args.request as DeleteRuntimeRequest);
    default:
      return updatesCommand(command, args, publish);
  }
}
