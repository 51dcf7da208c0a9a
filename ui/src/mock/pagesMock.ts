// A deterministic fake backend for page tests in a plain browser (built with `--mode pages`
// only). Answers are fixed so tests can assert exact text; the app's answers about itself are in
// appMock.ts (`?scenario=startup-warnings` in the page URL: the start-up warnings the real app
// shows for a bad settings file and an unwritable log folder).
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  DecommissionRequest,
  ExportFormat,
  Inventory,
  OperationSnapshot,
  RetirementStatus,
} from '../backend/bindings';
import { cancelMockOperation, pause, runtimesCommand } from './runtimesMock';
import { permissionsCommand } from './permissionsMock';
import { auditedFlow, exportedProject, inventoryOf, savedInventoryPath } from './inventoryMock';
import { decommissionApply, decommissionPlanOf } from './decommissionMock';
import { PAGES, notGenerated, settle } from './fixtures';
import { sessionMock } from './sessionMock';
import { appCommand } from './appMock';

type Channel<T> = { onmessage: (message: T) => void };

/**
 * The retirement as the core reports it on the page world's day, or after it in the `retired`
 * scenario. Other scenarios start with the notice dismissed for the week, so their screens are
 * pictured as they were.
 */
function retirement(scenario: string | null, dismissed: boolean): RetirementStatus {
  const retired = scenario === 'retired';
  const generated = PAGES.retirement[retired ? 'retired' : 'current'];
  return structuredClone(dismissed || (scenario !== 'retirement' && !retired) ? generated.dismissed : generated.notice);
}

/** A folder of the user's that holds files already. */
const PROJECTS_FOLDER = '/home/alex/projects';

export function installPagesMock(): void {
  const scenario = new URLSearchParams(window.location.search).get('scenario');
  const sessionCommand = sessionMock(scenario);
  let retirementDismissed = false;
  const watchers: Channel<OperationSnapshot>[] = [];
  // The Activity page's operations as the core listed them (`?scenario=activity`).
  const activity = scenario === 'activity' ? PAGES.activity : null;
  const operations = new Map((activity?.listOperations ?? []).map((op) => [op.id, structuredClone(op)]));
  mockIPC((command, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    switch (command) {
      case 'list_operations':
        return [...operations.values()];
      case 'watch_operations': {
        const channel = args.onUpdate as Channel<OperationSnapshot>;
        watchers.push(channel);
        for (const op of operations.values()) channel.onmessage(op);
        return null;
      }
      case 'cancel_operation': {
        // A replayed operation ends at its next stage; a listed one as the core ended it.
        cancelMockOperation(String(args.operationId));
        const cancelled = activity?.cancelled;
        if (cancelled && cancelled.id === args.operationId && operations.get(cancelled.id)?.state === 'running') {
          operations.set(cancelled.id, cancelled);
          setTimeout(() => watchers.forEach((watcher) => watcher.onmessage(structuredClone(cancelled))), 100);
        }
        return null;
      }
      case 'clear_finished_operations':
        for (const [id, op] of operations) if (op.state !== 'running') operations.delete(id);
        return null;
      case 'app_info':
        return appCommand(command, args, scenario);
      case 'retirement_status':
        return retirement(scenario, retirementDismissed);
      case 'dismiss_retirement_notice':
        retirementDismissed = true;
        return retirement(scenario, retirementDismissed);
      case 'open_migration_guide':
        return null;
      case 'open_link': {
        // What the page asked the browser to open, for the tests to read.
        const opened = ((window as unknown as { pfrmOpenedLinks?: string[] }).pfrmOpenedLinks ??= []);
        opened.push((payload as { url: string }).url);
        return null;
      }
      case 'take_inventory': {
        const { workspaceIds, allWorkspaces } = payload as { workspaceIds?: string[]; allWorkspaces?: boolean };
        return pause(300).then(() => inventoryOf(workspaceIds ?? [], allWorkspaces === true));
      }
      case 'decommission_plan':
        return pause(200).then(() => decommissionPlanOf((payload as { workspaceId: string }).workspaceId));
      case 'decommission_apply':
        return pause(200).then(() => decommissionApply((payload as { request: DecommissionRequest }).request));
      case 'save_inventory': {
        const { inventory, format } = payload as { inventory: Inventory; format: ExportFormat };
        return savedInventoryPath(inventory, format);
      }
      case 'audit_flow': {
        const args = payload as { workspaceId: string; flowId: string };
        return pause(200).then(() => auditedFlow(args.workspaceId, args.flowId));
      }
      case 'plugin:dialog|open':
        // The system's folder chooser: the user picks a new folder for the project.
        return '/home/alex/projects/support-router';
      case 'plugin:dialog|save': {
        const suggested = (payload as { options?: { defaultPath?: string } }).options?.defaultPath ?? 'file';
        return suggested.startsWith('/') ? suggested : `/home/alex/Downloads/${suggested}`;
      }
      case 'export_flow_project': {
        const args = payload as { workspaceId: string; flowId: string; outDir: string };
        // A folder typed as a relative path: the core's refusal, before Azure is asked.
        if (!args.outDir.trim().startsWith('/')) return settle(PAGES.exportFlowProjectRelative);
        // The user's projects folder holds their other projects already.
        const notEmpty = args.outDir.replace(/\/+$/, '') === PROJECTS_FOLDER;
        return pause(300).then(() => exportedProject(args.workspaceId, args.flowId, args.outDir, notEmpty));
      }
      case 'validate_runtime_name': {
        const name = String(args.name);
        return settle(PAGES.validateRuntimeName[name] ?? { error: notGenerated(`the check of the runtime name "${name}"`) });
      }
      case 'check_app_update':
      case 'last_place':
      case 'remember_place':
      case 'prepare_diagnostics':
      case 'save_diagnostics':
        return appCommand(command, args, scenario);
      case 'show_saved_diagnostics':
      case 'open_logs_folder':
      case 'frontend_ready':
      case 'install_app_update':
      case 'watch_menu':
        return null;
      case 'notify_when_unfocused':
        return false;
      default: {
        const publish = (snapshot: OperationSnapshot) => {
          operations.set(snapshot.id, snapshot);
          for (const watcher of watchers) watcher.onmessage(snapshot);
        };
        const answer =
          sessionCommand(command, args) ?? runtimesCommand(command, args, publish) ?? permissionsCommand(command, args, publish);
        if (answer) return answer;
        throw `unknown command ${command}`;
      }
    }
  });
}
