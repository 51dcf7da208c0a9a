import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { Runtimes } from '../Runtimes';
import { StrictMode } from 'react';
import { SessionProvider } from '../../session/SessionProvider';
import { OperationsProvider } from '../../data/operations';
import { UpdatesProvider } from '../../updates/UpdatesProvider';
import type { CheckResult } from '../../backend';
import { LISTING, WS_ID, instanceChoice } from '../../testing/fixtures';

const ROLE: CheckResult = { id: 'dataScientistRole', severity: 'blocker', status: 'passed', title: 'You have the role', evidence: [] };
const INSTANCE = instanceChoice('ci');

afterEach(() => {
  clearMocks();
  window.localStorage.clear();
});

/** The report as the core sends it: `blocking` says why Add runtime is off. */
function report(roleStatus: CheckResult['status']) {
  const checks = [{ ...ROLE, status: roleStatus }];
  if (roleStatus === 'passed') return { checks, blocked: false };
  const kind = roleStatus === 'failed' ? ('notMet' as const) : ('couldNotTell' as const);
  const reason = kind === 'notMet' ? ROLE.title : 'Your permissions could not be read: timed out';
  return { checks, blocked: true, blocking: { check: ROLE.id, kind, title: ROLE.title, reason } };
}

function backend(
  roleStatus: CheckResult['status'],
  versions: { runtimes: unknown[]; latestIsFinal: boolean } = { runtimes: [], latestIsFinal: false },
  overrides: Record<string, (args: unknown) => unknown> = {},
) {
  const calls: string[] = [];
  // The core names each workspace it was asked about, and keys its runtimes by it.
  const asked = (args: unknown) =>
    (args as { workspaceIds: string[] }).workspaceIds.map((id) => ({ id, key: id.toLowerCase(), name: 'ws' }));
  mockIPC((command, args) => {
    calls.push(command);
    const override = overrides[command];
    if (override) return override(args);
    switch (command) {
      case 'list_workspaces':
        return LISTING;
      case 'check_workspace':
        return { workspace: LISTING.workspaces[0], report: report(roleStatus) };
      case 'list_runtimes':
        return [];
      case 'check_workspace_versions':
        return { ...versions, outdatedCount: 0, problems: [], workspaces: asked(args) };
      case 'list_compute_instances':
        return [INSTANCE];
      case 'suggest_runtime_name':
        return 'rt-ci';
      case 'validate_runtime_name':
        throw { code: 'invalid_input', message: 'Not that name.', remedy: 'Pick another.' };
      default:
        return null;
    }
  });
  return calls;
}

function renderPage() {
  // The last workspace chosen is picked again when the page opens.
  window.localStorage.setItem('pfrm.runtimes.workspace', WS_ID);
  // Strict mode mounts every component twice, as development builds do: a store that opened a
  // channel per mount would show it here.
  render(
    <StrictMode>
      <FluentProvider theme={webLightTheme}>
        <OperationsProvider>
          <SessionProvider>
            <UpdatesProvider>
              <Runtimes />
            </UpdatesProvider>
          </SessionProvider>
        </OperationsProvider>
      </FluentProvider>
    </StrictMode>,
  );
}

/** The full wizard: Add runtime opens the quick panel, whose More options opens the wizard. */
function openWizard() {
  fireEvent.click(screen.getByTestId('add-runtime'));
  fireEvent.click(screen.getByTestId('quick-more-options'));
}

describe('quick create panel', () => {
  function quickBackend(signIn: { needed: boolean; signInUrl?: string }) {
    const calls: { command: string; payload: unknown }[] = [];
    mockIPC((command, payload) => {
      calls.push({ command, payload });
      switch (command) {
        case 'list_workspaces':
          return LISTING;
        case 'check_workspace':
          return { workspace: LISTING.workspaces[0], report: report('passed') };
        case 'list_runtimes':
          return calls.some((call) => call.command === 'create_runtime') ? [{ name: 'rt-ci', status: 'Running' }] : [];
        case 'check_workspace_versions':
          return { runtimes: [], latestIsFinal: false, outdatedCount: 0, problems: [], workspaces: [] };
        case 'list_compute_instances':
          return [INSTANCE];
        // The core's suggestion for the instance.
        case 'suggest_runtime_name':
          return 'rt-ci';
        case 'instance_sign_in_status':
          return { region: 'eastus', ...signIn };
        case 'record_instance_sign_in':
          return { region: 'eastus', needed: false };
        case 'create_runtime':
          return { name: 'rt-ci', status: 'Running' };
        default:
          return null;
      }
    });
    return calls;
  }

  it('offers a validated name and the running instance, says the restart on the button, and creates with the default environment', async () => {
    const calls = quickBackend({ needed: false });
    renderPage();
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('add-runtime'));
    const button = () => screen.getByTestId('quick-create-button') as HTMLButtonElement;
    await waitFor(() => expect(button().disabled).toBe(false));
    expect((screen.getByTestId('quick-name') as HTMLInputElement).value).toBe('rt-ci');
    // The core suggests the name for the preselected instance, against the workspace's runtimes.
    expect(calls.find((call) => call.command === 'suggest_runtime_name')?.payload).toEqual({ instanceName: 'ci', taken: [] });
    expect(calls.find((call) => call.command === 'validate_runtime_name')?.payload).toEqual({ name: 'rt-ci' });
    expect(button().textContent).toBe('Restart ci and create runtime');
    expect(screen.getByTestId('quick-restart').textContent).toContain('restarts the compute instance');
    expect(screen.queryByTestId('quick-sign-in')).toBeNull();
    fireEvent.click(button());
    await waitFor(() => expect(screen.getByTestId('quick-created').textContent).toContain('rt-ci'));
    const create = calls.find((call) => call.command === 'create_runtime')?.payload as { request: unknown };
    expect(create.request).toEqual({
      workspaceId: WS_ID,
      runtimeName: 'rt-ci',
      computeInstance: 'ci',
      app: { kind: 'new' },
      confirmRestart: true,
    });
    expect(calls.some((call) => call.command === 'record_instance_sign_in')).toBe(false);
  });

  it('shows the instance sign-in inline when it is due, and records it before creating', async () => {
    const calls = quickBackend({ needed: true, signInUrl: 'https://ci.eastus.instances.azureml.ms' });
    renderPage();
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('add-runtime'));
    await waitFor(() => expect(screen.getByTestId('quick-sign-in')).toBeTruthy());
    expect(screen.getByTestId('quick-open-sign-in')).toBeTruthy();
    const button = () => screen.getByTestId('quick-create-button') as HTMLButtonElement;
    await waitFor(() => expect(button().disabled).toBe(false));
    fireEvent.click(button());
    await waitFor(() => expect(calls.some((call) => call.command === 'create_runtime')).toBe(true));
    const order = calls.map((call) => call.command);
    expect(order.indexOf('record_instance_sign_in')).toBeGreaterThan(-1);
    expect(order.indexOf('record_instance_sign_in')).toBeLessThan(order.indexOf('create_runtime'));
  });
});

describe('Runtimes page', () => {
  it('says a fleet on the last image runs the final image, not the newest of more to come', async () => {
    const current = { workspaceId: WS_ID, workspaceKey: WS_ID.toLowerCase(), workspaceName: 'ws', runtimeName: 'rt', status: 'Running', problems: [] };
    backend('passed', { runtimes: [current], latestIsFinal: true });
    renderPage();
    await waitFor(() => expect(screen.getByTestId('versions-summary').textContent).toContain('final image'));
    expect(screen.getByTestId('versions-summary').textContent).not.toContain('newest version');
  });

  it('reopens the last workspace and turns Add runtime off while a blocker fails', async () => {
    backend('failed');
    renderPage();
    await waitFor(() => expect(screen.getByTestId('add-blocked-reason').textContent).toContain('You have the role'));
    expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps Add runtime off when a blocker could not be told, and says so with a way to check again', async () => {
    const calls = backend('unknown');
    renderPage();
    await waitFor(() =>
      expect(screen.getByTestId('add-blocked-reason').textContent).toBe('Could not tell: Your permissions could not be read: timed out.'),
    );
    expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('preflight-summary').textContent).toContain('could not tell');
    const checks = calls.filter((call) => call === 'check_workspace').length;
    fireEvent.click(screen.getByTestId('add-check-again'));
    await waitFor(() => expect(calls.filter((call) => call === 'check_workspace').length).toBe(checks + 1));
  });

  it('keeps the wizard on its first step when the name is rejected, showing message and remedy', async () => {
    const calls = backend('passed');
    renderPage();
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    openWizard();
    await waitFor(() => expect(screen.getByTestId('instance-ci')).toBeTruthy());
    fireEvent.change(screen.getByTestId('wizard-name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByTestId('instance-ci'));
    await waitFor(() => expect((screen.getByTestId('wizard-next') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(screen.getByTestId('error-text').textContent).toBe('Not that name.'));
    expect(screen.getByTestId('error-remedy').textContent).toBe('Pick another.');
    expect(screen.getByTestId('add-runtime-wizard').getAttribute('data-step')).toBe('instance');
    expect(calls).not.toContain('create_runtime');
  });

  it('opens one operations channel for the window, however often the wizard opens and closes', async () => {
    const calls = backend('passed');
    renderPage();
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    for (let round = 0; round < 3; round += 1) {
      openWizard();
      await waitFor(() => expect(screen.getByTestId('instance-ci')).toBeTruthy());
      fireEvent.click(screen.getByTestId('wizard-cancel'));
      await waitFor(() => expect(screen.queryByTestId('add-runtime-wizard')).toBeNull());
    }
    // Every watch the backend is asked for starts a task that lives until the window closes.
    expect(calls.filter((call) => call === 'watch_operations')).toEqual(['watch_operations']);
  });

  it('states one step count for the whole run, even when the sign-in step is left out, and Done is not a step', async () => {
    const requests: unknown[] = [];
    const calls = backend('passed', undefined, {
      validate_runtime_name: () => null,
      // Signed in on this region's instances recently: the sign-in step is not due.
      instance_sign_in_status: () => ({ region: 'eastus', signedInOn: '2026-01-01', validUntil: '2026-01-31', needed: false }),
      create_runtime: (args) => {
        requests.push(args);
        return { name: 'rt-1' };
      },
    });
    renderPage();
    // Every title the run shows, in order: the count must read the same on each.
    const titles: string[] = [];
    const title = () => {
      const text = screen.getByTestId('wizard-step-title').textContent ?? '';
      if (titles.at(-1) !== text) titles.push(text);
      return text;
    };
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    openWizard();
    await waitFor(() => expect(screen.getByTestId('instance-ci')).toBeTruthy());
    expect(title()).toBe('Step 1 of 5: Name and compute instance');
    fireEvent.change(screen.getByTestId('wizard-name'), { target: { value: 'rt-1' } });
    fireEvent.click(screen.getByTestId('instance-ci'));
    await waitFor(() => expect((screen.getByTestId('wizard-next') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('wizard-next'));
    // The sign-in step keeps its number: the run goes from step 1 to step 3 of the same five.
    await waitFor(() => expect(title()).toBe('Step 3 of 5: Custom application'));
    expect(screen.getByTestId('wizard-auth-skipped')).toBeTruthy();
    fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(title()).toBe('Step 4 of 5: Restart warning'));
    fireEvent.click(screen.getByTestId('wizard-back'));
    await waitFor(() => expect(title()).toBe('Step 3 of 5: Custom application'));
    fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(title()).toBe('Step 4 of 5: Restart warning'));
    // The restart is stated above one button that names it; no checkbox, no Next.
    const restart = screen.getByTestId('wizard-restart-create');
    expect(restart.textContent).toBe('Restart ci and create runtime');
    expect(screen.getByTestId('wizard-restart-warning').textContent).toContain('restarts the compute instance ci');
    expect(
      screen.getByTestId('wizard-restart-warning').compareDocumentPosition(restart) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(screen.queryByTestId('wizard-next')).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    // The primary action is the first stop in Tab order after the step's heading.
    const tabbable = [...screen.getByTestId('add-runtime-wizard').querySelectorAll<HTMLElement>('button, input, a[href], [tabindex="0"]')].filter(
      (element) => !element.hasAttribute('disabled'),
    );
    expect(tabbable[0]).toBe(restart);
    fireEvent.click(restart);
    await waitFor(() => expect(title()).toBe('Done'));
    expect(calls.filter((call) => call === 'create_runtime')).toHaveLength(1);
    expect(JSON.stringify(requests[0])).toContain('"confirmRestart":true');
    // One count from the first step to the last; Done has none.
    expect(titles.filter((text) => text !== 'Done').map((text) => /^Step \d of (\d):/.exec(text)?.[1])).toEqual(
      titles.filter((text) => text !== 'Done').map(() => '5'),
    );
  });
});

describe('wizard without an instance of ones own', () => {
  async function noticeWith(others: unknown[]) {
    backend('passed', undefined, {
      list_compute_instances: () => [],
      list_others_compute_instances: () => others,
    });
    renderPage();
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    openWizard();
    return waitFor(() => screen.getByTestId('wizard-no-instances'));
  }

  it('names the instance that is someone else\'s, whose it is, and says to create ones own', async () => {
    const notice = await noticeWith([{ name: 'ci-not-yours', assignedTo: 'Bob (bob@contoso.com)' }, { name: 'ci-orphan' }]);
    expect(screen.getAllByTestId('wizard-other-instance').map((item) => item.textContent)).toEqual([
      'ci-not-yours is assigned to Bob (bob@contoso.com).',
      'ci-orphan is assigned to someone else.',
    ]);
    expect(notice.textContent).toContain('You have no compute instance of your own in this workspace.');
    expect(notice.textContent).toContain('Create your own in Azure ML studio');
    expect(notice.textContent).not.toContain('You have no compute instance in this workspace.');
  });

  it('says the workspace has no instance when nobody has one', async () => {
    const notice = await noticeWith([]);
    expect(notice.textContent).toContain('You have no compute instance in this workspace.');
    expect(screen.queryByTestId('wizard-other-instance')).toBeNull();
  });
});

describe('wizard environment step', () => {
  const ENV = (name: string) => ({
    name,
    version: '1',
    assetId: `azureml://locations/eastus/workspaces/guid/environments/${name}/versions/1`,
    image: `cr.azurecr.io/${name}:1`,
    derivesFromRuntimeImage: true,
  });
  const TAG: CheckResult = {
    id: 'imageTagExists',
    severity: 'blocker',
    status: 'failed',
    title: "The custom environment's image tag is in its registry",
    evidence: [{ label: 'Tag', value: 'tag 1 not found in registry cr.azurecr.io (repository missing)' }],
    remedy: 'Push the image to cr.azurecr.io.',
  };
  const MISSING = {
    checks: [TAG],
    blocked: true,
    blocking: { check: TAG.id, kind: 'notMet', title: TAG.title, reason: TAG.title },
  };
  const FINE = { checks: [{ ...TAG, status: 'passed', evidence: [], remedy: undefined }], blocked: false };

  it('checks the chosen image at once, ignores an answer about an earlier choice, and blocks with the remedy', async () => {
    // The first answer about "missing" is held back until the user has moved to "fine".
    let releaseFirst: (() => void) | undefined;
    const asked: string[] = [];
    backend('passed', undefined, {
      validate_runtime_name: () => null,
      instance_sign_in_status: () => ({ region: 'eastus', signedInOn: '2026-01-01', validUntil: '2026-01-31', needed: false }),
      list_environments: () => [ENV('missing'), ENV('fine')],
      check_environment_image: (args) => {
        const environment = (args as { environment: string }).environment;
        asked.push(environment);
        const answer = environment.includes('/missing/') ? MISSING : FINE;
        if (asked.length === 1) return new Promise((resolve) => (releaseFirst = () => resolve(answer)));
        return answer;
      },
    });
    renderPage();
    await waitFor(() => expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false));
    openWizard();
    await waitFor(() => expect(screen.getByTestId('instance-ci')).toBeTruthy());
    fireEvent.change(screen.getByTestId('wizard-name'), { target: { value: 'rt-1' } });
    fireEvent.click(screen.getByTestId('instance-ci'));
    await waitFor(() => expect((screen.getByTestId('wizard-next') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(screen.getByTestId('wizard-step-title').textContent).toBe('Step 3 of 5: Custom application'));
    fireEvent.click(screen.getByTestId('env-custom'));
    const pick = async (name: string) => {
      fireEvent.click(await waitFor(() => screen.getByTestId('env-picker')));
      fireEvent.click(await waitFor(() => screen.getByRole('option', { name: `${name} : 1` })));
    };
    const next = () => screen.getByTestId('wizard-next') as HTMLButtonElement;
    await pick('missing');
    await waitFor(() => expect(screen.getByTestId('wizard-image-checking').textContent).toContain('Checking the image…'));
    expect(next().disabled).toBe(true);
    await pick('fine');
    await waitFor(() => expect(screen.getByTestId('wizard-image-checks').getAttribute('data-state')).toBe('loaded'));
    expect(next().disabled).toBe(false);
    // The late answer about "missing" changes nothing: "fine" stays checked and Next stays on.
    releaseFirst?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('wizard-image-blocked')).toBeNull();
    expect(next().disabled).toBe(false);
    // Choosing "missing" again checks it again: its blocker, its remedy, and no going on.
    await pick('missing');
    await waitFor(() => expect(screen.getByTestId('wizard-image-blocked').textContent).toContain('You cannot go on with this environment'));
    expect(screen.getByTestId('check-imageTagExists').getAttribute('data-status')).toBe('failed');
    expect(screen.getByTestId('check-remedy').textContent).toBe('What to do: Push the image to cr.azurecr.io.');
    expect(next().disabled).toBe(true);
    expect(asked).toHaveLength(3);
  });
});

describe('preflight summary', () => {
  it('does not say every prerequisite is met while a warning below is not met', async () => {
    const quota: CheckResult = { id: 'vmQuota', severity: 'warning', status: 'failed', title: 'Your VM quota leaves room', evidence: [], remedy: 'Request quota.' };
    const checkWorkspace = () => ({ workspace: LISTING.workspaces[0], report: { checks: [ROLE, quota], blocked: false } });
    backend('passed', undefined, { check_workspace: checkWorkspace });
    renderPage();
    await waitFor(() =>
      expect(screen.getByTestId('preflight-summary').textContent).toBe('Nothing blocks adding runtimes, but one check below needs your attention.'),
    );
    expect((screen.getByTestId('add-runtime') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('check-vmQuota').textContent).toContain('Not met: Your VM quota leaves room');
  });
});
