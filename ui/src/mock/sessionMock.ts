// The session's commands for the page tests, answered with what the core's session answered
// (fixtures/session.json, see `SessionFixture`). The mock keeps only which answer is current
// and what the scripted user does: the page URL's `?scenario=` picks the start —
// `memory-only` (no keychain), `sign-in-required` (a saved sign-in is gone), `sandbox` (the
// app launched with --sandbox: the sandbox is up a moment after the window) — and in
// `azure-cli` the user has run `az login` and completes the browser sign-in of an added
// account. Elsewhere the browser and device-code sign-ins wait until cancelled.
import type { DeviceCodePrompt, SessionStatus } from '../backend/bindings';
import { SESSION, notGenerated, settle, valueOf, type Answer } from './fixtures';

type Channel<T> = { onmessage: (message: T) => void };

/** How long after launch the sandbox of `--sandbox` is up. */
const SANDBOX_START_MS = 1000;

function startingStatus(scenario: string | null): Answer<SessionStatus> {
  if (scenario === 'memory-only') return SESSION.memoryOnly;
  if (scenario === 'sign-in-required') return SESSION.signInRequired;
  return SESSION.signedOut;
}

/** The answer recorded for `key`, or the fixtures' "not generated" error. */
function recorded<T>(answers: Record<string, Answer<T>>, key: string, what: string): Answer<T> {
  return answers[key] ?? { error: notGenerated(what) };
}

/**
 * The session's command handler: the answer for `command`, or `undefined` when it is not one
 * of the session's.
 */
export function sessionMock(scenario: string | null) {
  let session = valueOf(startingStatus(scenario));
  const launchedAt = Date.now();
  let statusAnswers = 0;
  let cancelSignIn: (() => void) | undefined;
  const journey = SESSION.azureCli;

  /** Makes `answer` current when it is a status, and settles with it. */
  const become = (answer: Answer<SessionStatus>): Promise<SessionStatus> => {
    if ('ok' in answer) session = structuredClone(answer.ok);
    return settle(answer);
  };
  /** A sign-in the user leaves open until Cancel: it ends as the core ended it then. */
  const waitForCancel = (cancelled: Answer<SessionStatus>) =>
    new Promise<SessionStatus>((resolve, reject) => {
      cancelSignIn = () => settle(cancelled).then(resolve, reject);
    });

  return (command: string, args: Record<string, unknown>): unknown => {
    const accountId = String(args.accountId);
    switch (command) {
      case 'session_status':
        // The first answer is always the launch's, however late it is asked for, so a test
        // sees the window before the sandbox is up.
        statusAnswers += 1;
        if (scenario === 'sandbox' && session.mode === 'signedOut' && statusAnswers > 1 && Date.now() - launchedAt > SANDBOX_START_MS) {
          session = valueOf(SESSION.sandbox.start);
        }
        return structuredClone(session);
      case 'start_sandbox':
        return become(SESSION.sandbox.start);
      case 'leave_sandbox':
        return become(SESSION.sandbox.leave);
      case 'sign_in_browser':
        if (scenario === 'azure-cli' && session.mode === 'signedIn') return become(journey.addAccount);
        return waitForCancel(SESSION.browser.cancelled);
      case 'sign_in_device_code': {
        const prompt = structuredClone(SESSION.deviceCode.prompt);
        setTimeout(() => (args.onPrompt as Channel<DeviceCodePrompt>).onmessage(prompt), 200);
        return waitForCancel(SESSION.deviceCode.cancelled);
      }
      case 'sign_in_azure_cli':
        return become(scenario === 'azure-cli' ? journey.signedIn : journey.notSignedIn);
      case 'cancel_sign_in':
        cancelSignIn?.();
        cancelSignIn = undefined;
        // A promise, as every answer is: a bare `null` would read as "not a session command".
        return Promise.resolve(null);
      case 'sign_out':
        return become(recorded(journey.signOut, accountId, `signing out ${accountId}`));
      case 'switch_account':
        return become(recorded(journey.switchAccount, accountId, `switching to ${accountId}`));
      case 'list_tenants':
        return settle(recorded(journey.listTenants, accountId, `the directories of ${accountId}`));
      case 'switch_tenant': {
        const key = `${accountId}/${String(args.tenantId)}`;
        return become(recorded(journey.switchTenant, key, `switching ${key}`));
      }
      default:
        return undefined;
    }
  };
}
