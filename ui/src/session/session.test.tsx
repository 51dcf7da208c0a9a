import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { AppError, DeviceCodePrompt, OperationSnapshot, SessionStatus } from '../backend';
import { SessionProvider, useSession, whoAmI } from './SessionProvider';
import { OperationsProvider, useOperations } from '../data/operations';
import { SessionBanner } from '../components/SessionBanner';
import { SignInPanel } from '../components/SignInPanel';
import { AccountMenu } from '../components/AccountMenu';
import { Activity } from '../pages/Activity';
import { Welcome } from '../pages/Welcome';

const SIGNED_OUT: SessionStatus = {
  mode: 'signedOut',
  cloud: 'AzureCloud',
  signIn: { state: 'signedOut', accounts: [], memoryOnly: false },
};
const SANDBOX: SessionStatus = {
  mode: 'sandbox',
  cloud: 'Sandbox',
  me: { objectId: 'o', tenantId: 't', userName: 'alice@sandbox.example', displayName: 'Alice Sandbox' },
};
const ALICE = {
  id: 'alice',
  username: 'alice@contoso.example',
  displayName: 'Alice Example',
  tenantId: 'contoso',
  method: 'browser' as const,
  cloud: 'AzureCloud',
  isActive: true,
  signedIn: true,
};
const SIGNED_IN: SessionStatus = {
  mode: 'signedIn',
  cloud: 'AzureCloud',
  me: { objectId: 'o', tenantId: 'contoso', userName: ALICE.username, displayName: ALICE.displayName },
  signIn: { state: 'signedIn', activeAccount: ALICE, accounts: [ALICE], memoryOnly: false },
};

type Handler = (payload: Record<string, unknown>) => unknown;

function backend(handlers: Record<string, Handler>) {
  const calls: string[] = [];
  mockIPC((command, payload) => {
    calls.push(command);
    const handler = handlers[command];
    if (handler) return handler((payload ?? {}) as Record<string, unknown>);
    return null;
  });
  return calls;
}

function wrap(children: ReactNode) {
  return (
    <FluentProvider theme={webLightTheme}>
      <OperationsProvider>
        <SessionProvider>{children}</SessionProvider>
      </OperationsProvider>
    </FluentProvider>
  );
}

function Probe() {
  const session = useSession();
  const { runningCount } = useOperations();
  return (
    <div>
      <span data-testid="mode">{session.status?.mode ?? 'loading'}</span>
      <span data-testid="pending">{session.pending?.method ?? 'none'}</span>
      <span data-testid="error">{session.error?.message ?? ''}</span>
      <span data-testid="running">{runningCount}</span>
    </div>
  );
}

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

describe('session provider', () => {
  it('asks again after launch until the background sandbox is up', async () => {
    let asked = 0;
    backend({ session_status: () => (++asked >= 3 ? SANDBOX : SIGNED_OUT) });
    render(wrap(<Probe />));
    await waitFor(() => expect(screen.getByTestId('mode').textContent).toBe('signedOut'));
    await waitFor(() => expect(screen.getByTestId('mode').textContent).toBe('sandbox'), { timeout: 5000 });
    const seen = asked;
    await new Promise((done) => setTimeout(done, 1000));
    expect(asked, 'no more polling once the session is up').toBe(seen);
  });

  it('shows a failed sign-in with its remedy and keeps a cancel quiet', async () => {
    const failure: AppError = { code: 'sign_in_required', message: 'The Azure CLI is not signed in.', remedy: 'Run az login.' };
    let rejectBrowser: ((reason: unknown) => void) | undefined;
    backend({
      session_status: () => SIGNED_OUT,
      sign_in_azure_cli: () => Promise.reject(failure),
      sign_in_browser: () => new Promise((_, reject) => (rejectBrowser = reject)),
      cancel_sign_in: () => {
        rejectBrowser?.({ code: 'cancelled', message: 'cancelled' });
        return null;
      },
    });
    render(wrap(<><Probe /><SignInPanel /></>));
    fireEvent.click(await screen.findByTestId('sign-in-azureCli'));
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('The Azure CLI is not signed in.'));

    fireEvent.click(screen.getByTestId('sign-in-browser'));
    await screen.findByText('Finish signing in in your browser');
    expect(screen.getByTestId('error').textContent, 'a new attempt clears the old error').toBe('');
    fireEvent.click(screen.getByTestId('sign-in-cancel'));
    await waitFor(() => expect(screen.getByTestId('pending').textContent).toBe('none'));
    expect(screen.getByTestId('error').textContent, 'cancelling is not an error').toBe('');
    expect(screen.getByTestId('sign-in-browser')).toBeTruthy();
  });

  it('shows the device code from the backend and cancels it', async () => {
    const prompt: DeviceCodePrompt = { userCode: 'ABCD-1234', verificationUri: 'https://login.example/device', expiresInSeconds: 900 as unknown as bigint };
    let rejectDevice: ((reason: unknown) => void) | undefined;
    const calls = backend({
      session_status: () => SIGNED_OUT,
      sign_in_device_code: (payload) => {
        (payload.onPrompt as { onmessage: (p: DeviceCodePrompt) => void }).onmessage(prompt);
        return new Promise((_, reject) => (rejectDevice = reject));
      },
      cancel_sign_in: () => {
        rejectDevice?.({ code: 'cancelled', message: 'cancelled' });
        return null;
      },
    });
    render(wrap(<SignInPanel />));
    fireEvent.click(await screen.findByTestId('sign-in-deviceCode'));
    expect((await screen.findByTestId('device-code-code')).textContent).toBe('ABCD-1234');
    expect(screen.getByTestId('device-code-url').textContent).toBe('https://login.example/device');
    expect(screen.getByText('The code works for about 15 minutes.')).toBeTruthy();
    fireEvent.click(screen.getByTestId('device-code-cancel'));
    await waitFor(() => expect(screen.queryByTestId('device-code-dialog')).toBeNull());
    expect(calls).toContain('cancel_sign_in');
  });

  it('gives a short device code lifetime in seconds, not as 0 minutes', async () => {
    const prompt: DeviceCodePrompt = { userCode: 'WXYZ-9876', verificationUri: 'https://login.example/device', expiresInSeconds: 15 as unknown as bigint };
    backend({
      session_status: () => SIGNED_OUT,
      sign_in_device_code: (payload) => {
        (payload.onPrompt as { onmessage: (p: DeviceCodePrompt) => void }).onmessage(prompt);
        return new Promise(() => undefined);
      },
    });
    render(wrap(<SignInPanel />));
    fireEvent.click(await screen.findByTestId('sign-in-deviceCode'));
    expect((await screen.findByTestId('device-code-code')).textContent).toBe('WXYZ-9876');
    expect(screen.getByText('The code works for 15 seconds.')).toBeTruthy();
  });

  it('shows the sandbox banner and leaves the sandbox', async () => {
    let status = SIGNED_OUT;
    backend({
      session_status: () => status,
      start_sandbox: () => (status = SANDBOX),
      leave_sandbox: () => (status = SIGNED_OUT),
    });
    render(wrap(<><SessionBanner onSignInAgain={() => undefined} /><SignInPanel /><AccountMenu onAddAccount={() => undefined} /></>));
    expect(screen.queryByTestId('sandbox-banner')).toBeNull();
    fireEvent.click(await screen.findByTestId('sign-in-sandbox'));
    expect((await screen.findByTestId('sandbox-banner')).textContent).toContain('Sandbox — nothing here touches Azure');
    expect(screen.getByTestId('account-menu-name').textContent).toBe('Alice Sandbox');
    fireEvent.click(screen.getByTestId('leave-sandbox'));
    await waitFor(() => expect(screen.queryByTestId('sandbox-banner')).toBeNull());
    expect(screen.getByTestId('account-sign-in')).toBeTruthy();
  });

  it('warns when sign-ins live in memory only and when a sign-in expired', async () => {
    const onSignInAgain = vi.fn();
    backend({
      session_status: () => ({
        ...SIGNED_OUT,
        signIn: { state: 'signInRequired', accounts: [{ ...ALICE, signedIn: false }], memoryOnly: true },
      }),
    });
    render(wrap(<SessionBanner onSignInAgain={onSignInAgain} />));
    expect((await screen.findByTestId('memory-only-banner')).textContent).toContain('Sign-ins last until you close the app');
    expect(screen.getByTestId('sign-in-required-banner').textContent).toContain('Alice Example');
    fireEvent.click(screen.getByTestId('sign-in-again'));
    expect(onSignInAgain).toHaveBeenCalledOnce();
  });

  it('asks again when the window regains focus, and says "Sign in again" once the sign-in is gone', async () => {
    let current: SessionStatus = SIGNED_IN;
    backend({ session_status: () => current });
    render(
      wrap(
        <>
          <Probe />
          <SessionBanner onSignInAgain={() => undefined} />
          <AccountMenu onAddAccount={() => undefined} />
          <Welcome onNavigate={() => undefined} focusHeading={false} />
        </>,
      ),
    );
    await waitFor(() => expect(screen.getByTestId('mode').textContent).toBe('signedIn'));
    expect(screen.queryByTestId('sign-in-required-banner')).toBeNull();
    // The keychain entry is removed behind the app's back; the user comes back to the window.
    current = {
      ...SIGNED_IN,
      signIn: { state: 'signInRequired', activeAccount: { ...ALICE, signedIn: false }, accounts: [{ ...ALICE, signedIn: false }], memoryOnly: false },
    };
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    expect((await screen.findByTestId('sign-in-required-banner')).textContent).toContain('Alice Example');
    // Nothing else still claims the sign-in works.
    expect(screen.getByTestId('welcome-who-name').textContent).toBe('Last signed in as Alice Example');
    expect(screen.queryByTestId('welcome-go-to-runtimes')).toBeNull();
    expect(screen.getByTestId('sign-in-browser')).toBeTruthy();
    expect(screen.getByTestId('account-menu-sign-in-required').textContent).toBe('Sign in again');
  });

  it('tracks operations from the watch and counts the running ones', async () => {
    const running: OperationSnapshot = {
      id: 'op1',
      kind: 'createRuntime',
      title: 'Create runtime rt-1',
      target: 'rt-1',
      state: 'running',
      stage: 'instanceRestarting',
      startedAt: '2026-01-01T00:00:00Z',
      elapsedMs: 5000,
      resumed: false,
    };
    let watcher: { onmessage: (s: OperationSnapshot) => void } | undefined;
    const calls = backend({
      session_status: () => SIGNED_IN,
      watch_operations: (payload) => {
        watcher = payload.onUpdate as typeof watcher;
        watcher?.onmessage(running);
        return null;
      },
    });
    render(wrap(<><Probe /><Activity /></>));
    await waitFor(() => expect(screen.getByTestId('running').textContent).toBe('1'));
    expect(screen.getByTestId('operation-stage').textContent).toBe('Restarting the compute instance so the new custom application starts; notebooks, terminals and jobs on it stop.');
    expect(screen.getByTestId('operation-elapsed').textContent).toMatch(/^Started .*2026.* · running for [5-9] s$/);
    fireEvent.click(screen.getByTestId('operation-cancel'));
    await waitFor(() => expect(calls).toContain('cancel_operation'));
    act(() =>
      watcher?.onmessage({
        ...running,
        state: 'failed',
        elapsedMs: 9000,
        error: { code: 'service', message: 'The runtime failed to start.', remedy: 'Look at the compute instance logs.' },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('running').textContent).toBe('0'));
    expect(screen.getByTestId('operation-state').textContent).toBe('Failed');
    expect(screen.getByTestId('error-remedy').textContent).toBe('Look at the compute instance logs.');
    expect(screen.queryByTestId('operation-cancel')).toBeNull();
    fireEvent.click(screen.getByTestId('activity-clear-finished'));
    await screen.findByText('Nothing has run yet. Operations you start will show here with their progress.');
    expect(calls.filter((c) => c === 'watch_operations').length, 'one watch for the window').toBe(1);
  });
});

describe('who am I', () => {
  it('names the signed-in person and hides a repeated user name', () => {
    expect(whoAmI(SIGNED_IN)).toEqual({ name: 'Alice Example', userName: 'alice@contoso.example' });
    expect(whoAmI({ ...SANDBOX, me: { objectId: 'o', tenantId: 't', userName: 'a@b' } })).toEqual({ name: 'a@b', userName: undefined });
    expect(whoAmI(SIGNED_OUT)).toBeUndefined();
  });
});
