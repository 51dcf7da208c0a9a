// A deterministic fake backend for page tests in a plain browser (built with `--mode pages`
// only). Answers are fixed so tests can assert exact text; `?scenario=startup-warnings` in the
// page URL adds the start-up warnings the real app shows for a bad settings file and an
// unwritable log folder.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AppInfo,
  AppUpdateCheck,
  BundleSummary,
  DecommissionRequest,
  ExportFormat,
  Inventory,
  LastPlace,
  OperationSnapshot,
  RetirementStatus,
} from '../backend/bindings';
import { cancelMockOperation, pause, runtimesCommand } from './runtimesMock';
import { permissionsCommand } from './permissionsMock';
import { auditedFlow, exportedProject, inventoryOf, savedInventoryPath } from './inventoryMock';
import { decommissionApply, decommissionPlanOf } from './decommissionMock';
import { PAGES, notGenerated, settle } from './fixtures';
import { sessionMock } from './sessionMock';

export const MOCK_VERSION = '0.0.0-pages';

/** The bundle the fake backend gathers: the files the core puts in, with what was taken out. */
const diagnosticsBundle: BundleSummary = {
  id: '6f1c2d3e-0000-4000-8000-000000000001',
  files: [
    { name: 'manifest.json', bytes: 412, secretsRedacted: 0, emailsRedacted: 0 },
    { name: 'preflight.json', bytes: 9_830, secretsRedacted: 0, emailsRedacted: 0 },
    { name: 'runtime.json', bytes: 2_214, secretsRedacted: 1, emailsRedacted: 0 },
    { name: 'operations.json', bytes: 1_502, secretsRedacted: 0, emailsRedacted: 2 },
    { name: 'logs/pfrm.2026-12-06.log', bytes: 148_019, secretsRedacted: 3, emailsRedacted: 1 },
  ],
  suggestedPath: '/home/user/Downloads/pfrm-diagnostics-6f1c2d3e.zip',
};

function appInfo(scenario: string | null): AppInfo {
  const warnings: AppInfo['warnings'] =
    scenario === 'startup-warnings'
      ? [
          {
            kind: 'config_unreadable',
            message:
              'The settings file /home/user/.config/pfrm/settings.json could not be used: it is not valid JSON. It was moved to /home/user/.config/pfrm/settings.json.bak and the app is using default settings.',
            remedy: 'Your old settings are kept in /home/user/.config/pfrm/settings.json.bak.',
          },
          {
            kind: 'log_dir_unwritable',
            message: 'The log folder /home/user/.local/state/pfrm/logs cannot be written, so this session is not logged to a file.',
            remedy: 'Make the folder writable and restart the app.',
          },
        ]
      : [];
  return {
    name: 'Prompt Flow Runtime Manager',
    version: MOCK_VERSION,
    logDir: scenario === 'startup-warnings' ? null : '/home/user/.local/state/pfrm/logs',
    configPath: '/home/user/.config/pfrm/settings.json',
    warnings,
  };
}

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

/** Where the mock's settings keep the last place (the page's own storage, like a settings file). */
const PLACE_KEY = 'pfrm.mock.lastPlace';

function readPlace(): LastPlace {
  try {
    return JSON.parse(window.localStorage.getItem(PLACE_KEY) ?? '{}') as LastPlace;
  } catch {
    return {};
  }
}

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
        return appInfo(scenario);
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
        return {
          state: 'available',
          currentVersion: '0.1.0',
          version: '0.2.0',
          notes: 'Faster start-up.',
        } satisfies AppUpdateCheck;
      case 'last_place':
        return readPlace();
      case 'remember_place': {
        const place = { ...readPlace() };
        if (typeof args.page === 'string') place.page = args.page;
        if (typeof args.workspaceId === 'string') place.workspaceId = args.workspaceId;
        window.localStorage.setItem(PLACE_KEY, JSON.stringify(place));
        return place;
      }
      case 'prepare_diagnostics':
        return pause(200).then(() => diagnosticsBundle);
      case 'save_diagnostics': {
        const { bundleId, path } = payload as { bundleId: string; path: string };
        if (!path.startsWith('/')) {
          return Promise.reject({
            code: 'invalid_input',
            message: `"${path}" is not a full path, so it is not clear where the bundle would go.`,
            remedy: 'Give the full path of the file, for example the one suggested in your Downloads folder.',
          });
        }
        return pause(100).then(() => ({ id: bundleId, path }));
      }
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
