import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  backend,
  toAppError,
  type AppError,
  type DeviceCodePrompt,
  type SessionStatus,
  type Tenant,
} from '../backend';

/** The sign-in the app is waiting on, if any. */
export type PendingSignIn =
  | { method: 'browser' }
  | { method: 'deviceCode'; prompt?: DeviceCodePrompt }
  | { method: 'azureCli' }
  | { method: 'sandbox' };

export type SignInChoice = PendingSignIn['method'];

export type Session = {
  /** Undefined until the backend first answers. */
  status?: SessionStatus;
  /** Why the status could not be loaded, or why the last sign-in or account action failed. */
  error?: AppError;
  pending?: PendingSignIn;
  refresh: () => Promise<void>;
  signIn: (choice: SignInChoice) => Promise<boolean>;
  cancelSignIn: () => Promise<void>;
  leaveSandbox: () => Promise<void>;
  signOut: (accountId: string) => Promise<void>;
  switchAccount: (accountId: string) => Promise<void>;
  listTenants: (accountId: string) => Promise<Tenant[]>;
  switchTenant: (accountId: string, tenantId: string) => Promise<void>;
  dismissError: () => void;
};

const SessionContext = createContext<Session | undefined>(undefined);

/** How often, and how many times, the status is asked again after launch while signed out:
 * with `--sandbox` the sandbox starts in the background a moment after the window opens. */
export const LAUNCH_POLL_MS = 700;
export const LAUNCH_POLLS = 12;

function isStatus(value: unknown): value is SessionStatus {
  return typeof value === 'object' && value !== null && 'mode' in value;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus | undefined>();
  const [error, setError] = useState<AppError | undefined>();
  const [pending, setPending] = useState<PendingSignIn | undefined>();
  // Once the user acts, launch polling must not overwrite what their action produced.
  const userActed = useRef(false);

  // How many status answers were taken: a re-check answered after a newer one is dropped.
  const answers = useRef(0);

  const accept = useCallback((next: unknown) => {
    if (!isStatus(next)) return;
    answers.current += 1;
    setStatus(next);
  }, []);

  const refresh = useCallback(async () => {
    try {
      accept(await backend.sessionStatus());
    } catch (reason) {
      setError(toAppError(reason));
    }
  }, [accept]);

  useEffect(() => {
    let live = true;
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      backend.sessionStatus().then(
        (next) => {
          if (!live || userActed.current) return;
          accept(next);
          polls += 1;
          if ((!isStatus(next) || next.mode === 'signedOut') && polls < LAUNCH_POLLS) {
            timer = setTimeout(poll, LAUNCH_POLL_MS);
          }
        },
        (reason: unknown) => {
          if (live && !userActed.current) setError(toAppError(reason));
        },
      );
    };
    poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [accept]);

  // A sign-in can end behind the app's back (its keychain entry removed by the user or another
  // tool, a sign-out from the command line): coming back to the window asks again, so the account
  // state never claims a sign-in the next action cannot use.
  useEffect(() => {
    const recheck = () => {
      if (document.visibilityState === 'hidden') return;
      const asked = answers.current;
      backend.sessionStatus().then(
        (next) => {
          if (answers.current === asked) accept(next);
        },
        // A failed re-check changes nothing: the next action reports its own failure.
        () => undefined,
      );
    };
    window.addEventListener('focus', recheck);
    document.addEventListener('visibilitychange', recheck);
    return () => {
      window.removeEventListener('focus', recheck);
      document.removeEventListener('visibilitychange', recheck);
    };
  }, [accept]);

  /** Runs a session action: its status answer replaces the current one; failures show. */
  const act = useCallback(
    async (action: () => Promise<unknown>): Promise<boolean> => {
      userActed.current = true;
      setError(undefined);
      try {
        accept(await action());
        return true;
      } catch (reason) {
        const appError = toAppError(reason);
        // Cancelling is the user's own choice, not a failure to report.
        if (appError.code !== 'cancelled') setError(appError);
        return false;
      }
    },
    [accept],
  );

  const signIn = useCallback(
    async (choice: SignInChoice) => {
      setPending({ method: choice });
      try {
        return await act(() => {
          switch (choice) {
            case 'browser':
              return backend.signInBrowser();
            case 'deviceCode':
              return backend.signInDeviceCode((prompt) => setPending({ method: 'deviceCode', prompt }));
            case 'azureCli':
              return backend.signInAzureCli();
            case 'sandbox':
              return backend.startSandbox();
          }
        });
      } finally {
        setPending(undefined);
      }
    },
    [act],
  );

  const cancelSignIn = useCallback(async () => {
    try {
      await backend.cancelSignIn();
    } catch (reason) {
      setError(toAppError(reason));
    }
  }, []);

  const session = useMemo<Session>(() => {
    return {
      status,
      error,
      pending,
      refresh,
      signIn,
      cancelSignIn,
      leaveSandbox: async () => {
        await act(() => backend.leaveSandbox());
      },
      signOut: async (accountId) => {
        await act(() => backend.signOut(accountId));
      },
      switchAccount: async (accountId) => {
        await act(() => backend.switchAccount(accountId));
      },
      listTenants: (accountId) => backend.listTenants(accountId),
      switchTenant: async (accountId, tenantId) => {
        await act(() => backend.switchTenant(accountId, tenantId));
      },
      dismissError: () => setError(undefined),
    };
  }, [status, error, pending, refresh, signIn, cancelSignIn, act]);

  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The session (who the app acts as, sign-in and account actions) for any component. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}

/** The name to show for whoever the app acts as. */
export function whoAmI(status: SessionStatus | undefined): { name: string; userName?: string } | undefined {
  if (!status || status.mode === 'signedOut') return undefined;
  const me = status.me;
  const account = status.signIn?.activeAccount;
  const name = me?.displayName ?? account?.displayName ?? me?.userName ?? account?.username;
  if (!name) return undefined;
  const userName = me?.userName ?? account?.username;
  return { name, userName: userName !== name ? userName : undefined };
}
