// A deterministic fake backend for page tests in a plain browser (built with `--mode pages`
// only). Answers are fixed so tests can assert exact text; `?scenario=startup-warnings` in the
// page URL adds the start-up warnings the real app shows for a bad settings file and an
// unwritable log folder.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AccountSummary,
  AppError,
  AppInfo,
  AppUpdateCheck,
  BundleSummary,
  DecommissionRequest,
  DeviceCodePrompt,
  ExportFormat,
  Inventory,
  LastPlace,
  OperationSnapshot,
  RetirementStatus,
  SessionStatus,
  Tenant,
} from '../backend/bindings';
import { cancelMockOperation, pause, runtimesCommand } from './runtimesMock';
import { permissionsCommand } from './permissionsMock';
import { auditedFlow, exportedProject, inventoryOf, savedInventoryPath } from './inventoryMock';
import { decommissionApply, decommissionPlanOf } from './decommissionMock';
import { PAGES, notGenerated, settle } from './fixtures';

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

// Session. Scenarios: `azure-cli` (the Azure CLI sign-in succeeds), `memory-only` (no keychain),
// `sign-in-required` (a saved sign-in expired), `sandbox` (the app was started with --sandbox:
// the sandbox is up a moment after launch), `activity` (operations in every state).
const ALICE: AccountSummary = {
  id: 'alice-oid.contoso-tid',
  username: 'alice@contoso.example',
  displayName: 'Alice Example',
  homeTenantId: 'contoso-tid',
  tenantId: 'contoso-tid',
  method: 'azureCli',
  cloud: 'AzureCloud',
  isActive: true,
  signedIn: true,
};
const BOB: AccountSummary = {
  ...ALICE,
  id: 'bob-oid.contoso-tid',
  username: 'bob@contoso.example',
  displayName: 'Bob Example',
  isActive: false,
};
const TENANTS: Tenant[] = [
  { tenantId: 'contoso-tid', displayName: 'Contoso', defaultDomain: 'contoso.example' },
  { tenantId: 'fabrikam-tid', displayName: 'Fabrikam', defaultDomain: 'fabrikam.example' },
];
const DEVICE_PROMPT: DeviceCodePrompt = {
  userCode: 'FKX-4QPT',
  verificationUri: 'https://microsoft.com/devicelogin',
  expiresInSeconds: 900 as unknown as bigint,
};
const CANCELLED: AppError = { code: 'cancelled', message: 'Sign-in was cancelled.' };
const NO_AZURE_CLI: AppError = {
  code: 'sign_in_required',
  message: 'The Azure CLI is not signed in on this computer.',
  remedy: 'Run `az login` in a terminal, then choose "Use my Azure CLI sign-in" again.',
};

function signedOut(scenario: string | null): SessionStatus {
  const expired = scenario === 'sign-in-required';
  return {
    mode: 'signedOut',
    cloud: 'AzureCloud',
    signIn: {
      state: expired ? 'signInRequired' : 'signedOut',
      accounts: expired ? [{ ...ALICE, signedIn: false }] : [],
      memoryOnly: scenario === 'memory-only',
      keychainProblem: scenario === 'memory-only' ? 'No Secret Service is running, so sign-ins cannot be saved.' : undefined,
    },
  };
}

function signedIn(active: AccountSummary, tenantId: string): SessionStatus {
  const accounts = [ALICE, BOB].map((account) => ({
    ...account,
    isActive: account.id === active.id,
    tenantId: account.id === active.id ? tenantId : account.tenantId,
  }));
  const current = accounts.find((account) => account.isActive) ?? ALICE;
  return {
    mode: 'signedIn',
    me: { objectId: 'oid', tenantId, userName: current.username, displayName: current.displayName },
    cloud: 'AzureCloud',
    signIn: { state: 'signedIn', activeAccount: current, accounts, memoryOnly: false },
  };
}

const SANDBOX: SessionStatus = {
  mode: 'sandbox',
  me: { objectId: 'sandbox-oid', tenantId: 'sandbox-tid', userName: 'alice@sandbox.example', displayName: 'Alice Sandbox' },
  cloud: 'Sandbox',
};

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
  let session: SessionStatus = signedOut(scenario);
  const launchedAt = Date.now();
  let statusAnswers = 0;
  let retirementDismissed = false;
  let cancelSignIn: (() => void) | undefined;
  const watchers: Channel<OperationSnapshot>[] = [];
  // The Activity page's operations as the core listed them (`?scenario=activity`).
  const activity = scenario === 'activity' ? PAGES.activity : null;
  const operations = new Map((activity?.listOperations ?? []).map((op) => [op.id, structuredClone(op)]));
  const waitForCancel = () =>
    new Promise<never>((_, reject) => {
      cancelSignIn = () => reject(CANCELLED);
    });
  mockIPC((command, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    switch (command) {
      case 'session_status':
        // Like `--sandbox`: the sandbox comes up in the background shortly after the window.
        // The first answer is always "signed out", however late it is asked for, so a test sees
        // the window before the sandbox is up.
        statusAnswers += 1;
        if (scenario === 'sandbox' && session.mode === 'signedOut' && statusAnswers > 1 && Date.now() - launchedAt > 1000) session = SANDBOX;
        return session;
      case 'start_sandbox':
        session = SANDBOX;
        return session;
      case 'leave_sandbox':
        session = signedOut(scenario);
        return session;
      case 'sign_in_browser':
        return waitForCancel();
      case 'sign_in_device_code':
        setTimeout(() => (args.onPrompt as Channel<DeviceCodePrompt>).onmessage(DEVICE_PROMPT), 200);
        return waitForCancel();
      case 'sign_in_azure_cli':
        if (scenario !== 'azure-cli') throw NO_AZURE_CLI;
        session = signedIn(ALICE, 'contoso-tid');
        return session;
      case 'cancel_sign_in':
        cancelSignIn?.();
        cancelSignIn = undefined;
        return null;
      case 'sign_out':
        session = signedOut(scenario);
        return session;
      case 'switch_account': {
        const account = [ALICE, BOB].find((candidate) => candidate.id === args.accountId) ?? ALICE;
        session = signedIn(account, account.tenantId);
        return session;
      }
      case 'list_tenants':
        return TENANTS;
      case 'switch_tenant': {
        const account = [ALICE, BOB].find((candidate) => candidate.id === args.accountId) ?? ALICE;
        session = signedIn(account, String(args.tenantId));
        return session;
      }
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
        const answer = runtimesCommand(command, args, publish) ?? permissionsCommand(command, args, publish);
        if (answer) return answer;
        throw `unknown command ${command}`;
      }
    }
  });
}
