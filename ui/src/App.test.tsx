import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { App } from './App';
import type { AppInfo, FleetVersionReport, RuntimeVersionStatus, SessionStatus } from './backend';
import { resolveTheme } from './theme';

const INFO: AppInfo = {
  name: 'Prompt Flow Runtime Manager',
  version: '9.8.7',
  logDir: '/logs',
  configPath: '/config/settings.json',
  warnings: [],
};

const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ml-workspace';
const SANDBOX: SessionStatus = {
  mode: 'sandbox',
  me: { objectId: 'oid', tenantId: 'tid', userName: 'alice@contoso.com', displayName: 'Alice' },
  cloud: 'Sandbox',
};
function runtimeStatus(name: string, updateAvailable: boolean): RuntimeVersionStatus {
  return {
    key: `${WS}/flowruntimes/${name}`.toLowerCase(),
    workspaceId: WS,
    workspaceKey: WS.toLowerCase(),
    workspaceName: 'ml-workspace',
    runtimeName: name,
    notes: [],
    status: 'Running',
    updateAvailable,
    latestIsFinal: false,
    sourcesAgree: true,
    problems: [],
  };
}
const REPORT: FleetVersionReport = {
  runtimes: [runtimeStatus('a', true), runtimeStatus('b', true), runtimeStatus('c', false)],
  outdatedCount: 2,
  latestIsFinal: false,
  problems: [],
  workspaces: [{ id: WS, key: WS.toLowerCase(), name: 'ml-workspace' }],
};

afterEach(() => {
  clearMocks();
  window.localStorage.clear();
});

function backendAnswering(overrides: Partial<Record<string, (payload: unknown) => unknown>> = {}) {
  mockIPC((command, payload) => {
    const handler = overrides[command];
    if (handler) return handler(payload);
    if (command === 'app_info') return INFO;
    if (command === 'update_preferences') return { checkAtStartup: false };
    return null;
  });
}

describe('App', () => {
  it('opens on the welcome screen with the navigation', async () => {
    backendAnswering();
    render(<App />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Welcome to Prompt Flow Runtime Manager');
    for (const label of ['Runtimes', 'Permissions', 'Activity', 'Settings']) {
      expect(screen.getByRole('tab', { name: label })).toBeTruthy();
    }
  });

  it('reopens on the page it was left on: from the settings when the window has forgotten it, and remembers each page chosen', async () => {
    const remembered: unknown[] = [];
    backendAnswering({
      last_place: () => ({ page: 'activity', workspaceId: WS }),
      remember_place: (payload) => {
        remembered.push(payload);
        return {};
      },
    });
    render(<App />);
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Activity' }).getAttribute('aria-selected')).toBe('true'), { timeout: 10_000 });
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    expect(remembered).toEqual([{ page: 'settings' }]);
    // The window remembers too: the next start opens on Settings at once, before any answer.
    clearMocks();
    backendAnswering();
    render(<App />);
    expect(screen.getAllByRole('tab', { name: 'Settings' }).some((tab) => tab.getAttribute('aria-selected') === 'true')).toBe(true);
  });

  it('opens on Welcome the first time, and for a page this version does not have', async () => {
    backendAnswering({ last_place: () => ({ page: 'no-such-page' }) });
    render(<App />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Welcome to Prompt Flow Runtime Manager');
  });

  it('shows the version from the backend in Settings', async () => {
    backendAnswering();
    render(<App />);
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    // Settings is loaded when first opened: on a busy machine that alone can take over a second.
    await waitFor(() => expect(screen.getByTestId('app-version').textContent).toBe('9.8.7'), { timeout: 10_000 });
    expect(screen.getByTestId('log-dir').textContent).toBe('/logs');
    expect(screen.getByRole('button', { name: 'Open logs folder' })).toBeTruthy();
  });

  it('checks for a new version of the app only when asked, and installs only on a click that names it', async () => {
    const calls: string[] = [];
    backendAnswering({
      check_app_update: () => {
        calls.push('check');
        return { state: 'available', currentVersion: '9.8.7', version: '9.9.0', notes: 'Faster start-up.' };
      },
      install_app_update: () => {
        calls.push('install');
        return null;
      },
    });
    render(<App />);
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    const check = await screen.findByRole('button', { name: 'Check for updates' });
    expect(calls).toEqual([]);
    fireEvent.click(check);
    await waitFor(() =>
      expect(screen.getByTestId('app-update-status').textContent).toContain('Version 9.9.0 is available; you have 9.8.7.'),
    );
    expect(screen.getByTestId('app-update-status').textContent).toContain('Faster start-up.');
    expect(calls).toEqual(['check']);
    fireEvent.click(screen.getByRole('button', { name: 'Install version 9.9.0 and restart' }));
    await waitFor(() => expect(calls).toEqual(['check', 'install']));
  });

  it('says who turned app updates off, and offers no install', async () => {
    backendAnswering({
      check_app_update: () => ({ state: 'turned_off_by_administrator', currentVersion: '9.8.7', version: null, notes: null }),
    });
    render(<App />);
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Check for updates' }));
    await waitFor(() => expect(screen.getByTestId('app-update-status').textContent).toContain('by its administrator'));
    expect(screen.queryByTestId('install-app-update')).toBeNull();
  });

  it('follows the native menu: Settings, and Check for updates, which checks at once', async () => {
    let menu: { onmessage: (id: string) => void } | undefined;
    let checks = 0;
    backendAnswering({
      watch_menu: (payload) => {
        menu = (payload as { onItem: typeof menu }).onItem;
        return null;
      },
      check_app_update: () => {
        checks += 1;
        return { state: 'up_to_date', currentVersion: '9.8.7', version: null, notes: null };
      },
    });
    render(<App />);
    await waitFor(() => expect(menu).toBeDefined());
    act(() => menu!.onmessage('settings'));
    await waitFor(() => expect(screen.getByTestId('settings')).toBeTruthy());
    expect(checks).toBe(0);
    act(() => menu!.onmessage('check-for-updates'));
    await waitFor(() =>
      expect(screen.getByTestId('app-update-status').textContent).toContain('You have the newest version (9.8.7).'),
    );
    expect(checks).toBe(1);
  });

  it('shows the start-up check switch, off, while its setting loads, so the page below it does not move', async () => {
    backendAnswering({ update_preferences: () => new Promise(() => undefined) });
    render(<App />);
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    const toggle = (await screen.findByTestId('check-updates-at-startup')) as HTMLInputElement;
    expect(toggle.disabled).toBe(true);
    expect(toggle.checked).toBe(false);
    expect(screen.getByTestId('theme-dark')).toBeTruthy();
  });

  it('shows start-up warnings as banners on every page', async () => {
    backendAnswering({
      app_info: () => ({ ...INFO, logDir: null, warnings: [{ kind: 'log_dir_unwritable', message: 'M.', remedy: 'R.' }] }),
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('startup-warning-log_dir_unwritable')).toBeTruthy());
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    expect(screen.getByTestId('startup-warning-log_dir_unwritable')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('log-dir').textContent).toBe('Not logging to a file in this session'));
    expect(screen.queryByRole('button', { name: 'Open logs folder' })).toBeNull();
  });

  it('checks the remembered workspace at start-up when the user turned it on, and counts what is behind', async () => {
    const calls: unknown[] = [];
    backendAnswering({
      session_status: () => SANDBOX,
      update_preferences: () => ({ checkAtStartup: true, lastWorkspaceId: WS }),
      check_workspace_versions: (payload) => {
        calls.push(payload);
        return REPORT;
      },
    });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByTestId('startup-update-notice').textContent).toContain('2 runtimes in ml-workspace are behind the newest version.'),
    );
    expect(calls).toEqual([{ workspaceIds: [WS] }]);
    expect(screen.getAllByTestId('nav-runtimes-outdated')[0]?.textContent).toBe('2');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('startup-update-notice')).toBeNull();
  });

  it('says the start-up check found runtimes behind the final image when no newer image will come', async () => {
    backendAnswering({
      session_status: () => SANDBOX,
      update_preferences: () => ({ checkAtStartup: true, lastWorkspaceId: WS }),
      check_workspace_versions: () => ({ ...REPORT, latestIsFinal: true }),
    });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByTestId('startup-update-notice').textContent).toContain('2 runtimes in ml-workspace are behind the final image.'),
    );
    expect(screen.getByTestId('startup-update-notice').textContent).not.toContain('newest version');
  });

  it('names the workspace the start-up check could not read as the core named it, and says a check that failed before any workspace', async () => {
    const denied = { code: 'permission_denied', message: 'You cannot read ml-workspace.' };
    backendAnswering({
      session_status: () => SANDBOX,
      update_preferences: () => ({ checkAtStartup: true, lastWorkspaceId: WS }),
      check_workspace_versions: () => ({
        ...REPORT,
        runtimes: [],
        outdatedCount: 0,
        problems: [{ workspaceId: WS, workspaceKey: WS.toLowerCase(), workspaceName: 'ml-workspace', error: denied }],
      }),
    });
    const { unmount } = render(<App />);
    await waitFor(() =>
      expect(screen.getByTestId('startup-update-notice').textContent).toContain(
        'The start-up update check of ml-workspace did not work: You cannot read ml-workspace.',
      ),
    );
    unmount();
    clearMocks();
    backendAnswering({
      session_status: () => SANDBOX,
      update_preferences: () => ({ checkAtStartup: true, lastWorkspaceId: WS }),
      check_workspace_versions: () => {
        throw { code: 'sign_in_required', message: 'Sign in first.' };
      },
    });
    render(<App />);
    await waitFor(() =>
      expect(screen.getByTestId('startup-update-notice').textContent).toContain('The start-up update check did not work: Sign in first.'),
    );
  });

  it('does not check at start-up unless the user turned it on', async () => {
    const commands: string[] = [];
    mockIPC((command) => {
      commands.push(command);
      if (command === 'session_status') return SANDBOX;
      if (command === 'update_preferences') return { checkAtStartup: false, lastWorkspaceId: WS };
      if (command === 'app_info') return INFO;
      return null;
    });
    render(<App />);
    await waitFor(() => expect(commands).toContain('update_preferences'));
    await new Promise((done) => setTimeout(done, 50));
    expect(commands).not.toContain('check_workspace_versions');
    expect(screen.queryByTestId('startup-update-notice')).toBeNull();
  });

  it('remembers an explicit theme choice and otherwise follows the system', () => {
    expect(resolveTheme('system', true).dark).toBe(true);
    expect(resolveTheme('system', false).dark).toBe(false);
    expect(resolveTheme('light', true).dark).toBe(false);
    expect(resolveTheme('dark', false).dark).toBe(true);
  });
});

describe('retirement notice', () => {
  const STATUS = {
    retirementDate: '2027-04-20',
    today: '2026-12-06',
    daysLeft: 135,
    countdown: { kind: 'daysLeft', days: 135 },
    retired: false,
    imagesFrozen: true,
    guideUrl: 'https://learn.microsoft.com/azure/machine-learning/prompt-flow/migrate-prompt-flow-to-agent-framework',
    weekOf: '2026-11-30',
    dismissedThisWeek: false,
  };

  it('says the date and the days left, opens the guide through the backend and hides for the week', async () => {
    const calls: string[] = [];
    backendAnswering({
      retirement_status: () => STATUS,
      open_migration_guide: () => {
        calls.push('open');
        return null;
      },
      dismiss_retirement_notice: () => {
        calls.push('dismiss');
        return { ...STATUS, dismissedThisWeek: true };
      },
    });
    render(<App />);
    const notice = await screen.findByTestId('retirement-notice');
    expect(notice.textContent).toContain('Prompt flow retires on 2027-04-20: 135 days left');
    expect(notice.textContent).toContain('no more updates, security fixes included');
    fireEvent.click(screen.getByTestId('retirement-guide'));
    await waitFor(() => expect(calls).toEqual(['open']));
    fireEvent.click(screen.getByTestId('retirement-dismiss'));
    await waitFor(() => expect(screen.queryByTestId('retirement-notice')).toBeNull());
    expect(calls).toEqual(['open', 'dismiss']);
  });

  it('after the date says the prompt flow retired and no runtime can be created', async () => {
    backendAnswering({
      retirement_status: () => ({ ...STATUS, today: '2027-05-01', daysLeft: -11, retired: true, countdown: { kind: 'retired', days: 11 }, weekOf: '2027-04-26' }),
    });
    render(<App />);
    const notice = await screen.findByTestId('retirement-notice');
    expect(notice.textContent).toContain('Prompt flow retired on 2027-04-20');
    expect(notice.textContent).toContain('no new runtime can be created');
  });

  it('stays in place while the session status arrives, so the sign-in choices do not move under a click', async () => {
    let signedOut!: (status: SessionStatus) => void;
    const session = new Promise<SessionStatus>((resolve) => {
      signedOut = resolve;
    });
    let asked = 0;
    backendAnswering({
      session_status: () => session,
      // The first answer comes at once; the answer for the known session stays on its way.
      retirement_status: () => (++asked === 1 ? STATUS : new Promise(() => undefined)),
    });
    render(<App />);
    await screen.findByTestId('retirement-notice');
    await act(async () => {
      signedOut({ mode: 'signedOut', cloud: 'AzureCloud', signIn: { state: 'signedOut', accounts: [], memoryOnly: false } });
      await session;
    });
    await screen.findByTestId('sign-in-sandbox');
    expect(asked).toBe(2);
    expect(screen.queryByTestId('retirement-notice')).not.toBeNull();
  });

  it('stays hidden in a week it was dismissed in', async () => {
    backendAnswering({ retirement_status: () => ({ ...STATUS, dismissedThisWeek: true }) });
    render(<App />);
    await screen.findByRole('heading', { level: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('retirement-notice')).toBeNull();
  });
});
