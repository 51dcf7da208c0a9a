import { describe, expect, it } from 'vitest';
import type { AppError, CheckResult, InstanceSignInStatus, PreflightReport } from '../../../backend';
import { stepNumber } from '../model';
import { INITIAL_STATE, canGoOn, wizardReducer, type WizardAction, type WizardState } from './state';

const REJECTED: AppError = { code: 'invalid_input', message: 'Not that name.', remedy: 'Pick another.' };
const SIGNED_IN_RECENTLY: InstanceSignInStatus = { region: 'eastus', signedInOn: '2026-01-01', validUntil: '2026-06-30', needed: false };
const NEVER_SIGNED_IN: InstanceSignInStatus = { region: 'eastus', needed: true, signInUrl: 'https://ci.eastus.instances.example/' };

const IN_ACR: CheckResult = { id: 'imageInAcr', severity: 'blocker', status: 'passed', title: 'The image is in ACR', evidence: [] };
const PULLABLE: PreflightReport = { checks: [IN_ACR], blocked: false };
const NOT_IN_ACR: PreflightReport = {
  checks: [{ ...IN_ACR, status: 'failed' }],
  blocked: true,
  blocking: { check: 'imageInAcr', kind: 'notMet', title: IN_ACR.title, reason: IN_ACR.title },
};
const COULD_NOT_TELL: PreflightReport = {
  checks: [{ ...IN_ACR, id: 'imagePullable', status: 'unknown' }],
  blocked: true,
  blocking: { check: 'imagePullable', kind: 'couldNotTell', title: IN_ACR.title, reason: 'the roles on cr: you lack roleAssignments/read' },
};

const run = (actions: WizardAction[], from: WizardState = INITIAL_STATE) => actions.reduce(wizardReducer, from);

/** The first step filled in: a name and a running instance. */
const FILLED = run([
  { type: 'edit', change: { runtimeName: 'rt-1' } },
  { type: 'chooseInstance', instance: 'ci' },
]);

describe('add-runtime wizard state', () => {
  it('keeps the step count for the whole run, whichever steps it leaves out, and Done has no number', () => {
    const counts = new Set<number>();
    const seen: string[] = [];
    let state = run([{ type: 'checkingName' }, { type: 'nameChecked', result: { ok: true, value: SIGNED_IN_RECENTLY } }], FILLED);
    const note = () => {
      const number = stepNumber(state.step);
      if (number) counts.add(number.count);
      seen.push(number ? `${number.index}/${number.count} ${state.step}` : state.step);
    };
    note();
    for (const action of [
      { type: 'chooseAppKind', appKind: 'existing' },
      { type: 'chooseAppKind', appKind: 'new' },
      { type: 'next' },
      { type: 'back' },
      { type: 'next' },
      { type: 'confirmRestart' },
      { type: 'creating', since: 1 },
      { type: 'createEnded', result: { ok: true, value: 'rt-1' } },
    ] as WizardAction[]) {
      state = wizardReducer(state, action);
      note();
    }
    expect([...counts]).toEqual([5]);
    expect(seen).toEqual(['3/5 app', '3/5 app', '3/5 app', '4/5 restart', '3/5 app', '4/5 restart', '5/5 create', '5/5 create', 'done']);
    // The restart step's one button both accepts the restart and goes on to the create.
    expect(state.choices.restartConfirmed).toBe(true);
    expect(stepNumber('instance')).toEqual({ index: 1, count: 5 });
    expect(stepNumber('authenticate')).toEqual({ index: 2, count: 5 });
  });

  it('stays on the first step with the error when the name is rejected', () => {
    const state = run([{ type: 'checkingName' }, { type: 'nameChecked', result: { ok: false, error: REJECTED } }], FILLED);
    expect(state.step).toBe('instance');
    expect(state.stepError).toEqual(REJECTED);
    expect(state.pending).toBeNull();
  });

  it('shows the sign-in step when it is due, and goes on even when the sign-in could not be remembered', () => {
    let state = run([{ type: 'checkingName' }, { type: 'nameChecked', result: { ok: true, value: NEVER_SIGNED_IN } }], FILLED);
    expect(state.step).toBe('authenticate');
    expect(canGoOn(state, true)).toBe(true);
    state = run([{ type: 'recordingSignIn' }], state);
    expect(canGoOn(state, true)).toBe(false);
    state = run([{ type: 'signInRecorded', result: { ok: false, error: REJECTED } }], state);
    expect(state.step).toBe('app');
    expect(state.stepError).toEqual(REJECTED);
    // Back returns to the sign-in step of this run.
    expect(run([{ type: 'back' }], state).step).toBe('authenticate');
  });

  it('skips the restart warning for an existing application, whose availability must be confirmed first', () => {
    let state = run(
      [{ type: 'checkingName' }, { type: 'nameChecked', result: { ok: true, value: SIGNED_IN_RECENTLY } }, { type: 'chooseAppKind', appKind: 'existing' }],
      FILLED,
    );
    expect(canGoOn(state, true)).toBe(false);
    state = run([{ type: 'checkingApp', app: 'old-app' }, { type: 'checkingApp', app: 'app-2' }], state);
    // A late answer about the app the user moved away from changes nothing.
    state = run([{ type: 'appChecked', app: 'old-app', result: { ok: true, value: { available: true } } }], state);
    expect(state.appCheck).toEqual({ app: 'app-2', state: { kind: 'loading' } });
    expect(canGoOn(state, true)).toBe(false);
    state = run([{ type: 'appChecked', app: 'app-2', result: { ok: true, value: { available: true } } }], state);
    expect(canGoOn(state, true)).toBe(true);
    expect(run([{ type: 'next' }], state).step).toBe('create');
  });

  it('needs a running instance to leave the first step and an environment once custom is chosen', () => {
    expect(canGoOn(FILLED, false)).toBe(false);
    expect(canGoOn(FILLED, true)).toBe(true);
    let state = run([{ type: 'checkingName' }, { type: 'nameChecked', result: { ok: true, value: null } }], FILLED);
    expect(state.step).toBe('authenticate');
    state = run([{ type: 'next' }, { type: 'chooseCustomEnv', custom: true }], state);
    expect(canGoOn(state, true)).toBe(false);
    state = run([{ type: 'edit', change: { environment: 'azureml:env:1' } }], state);
    expect(canGoOn(state, true, { kind: 'loaded', value: PULLABLE })).toBe(true);
    // Back to the default environment forgets the custom one.
    const back = run([{ type: 'chooseCustomEnv', custom: false }], state);
    expect(back.choices.environment).toBeNull();
    expect(canGoOn(back, true, { kind: 'idle' })).toBe(true);
  });

  it('goes on with a custom environment only once its image checks answered and nothing in them blocks', () => {
    const state = run([{ type: 'chooseCustomEnv', custom: true }, { type: 'edit', change: { environment: 'azureml:env:1' } }], {
      ...FILLED,
      step: 'app',
    });
    expect(canGoOn(state, true, { kind: 'loading' })).toBe(false);
    expect(canGoOn(state, true, { kind: 'error', error: REJECTED })).toBe(false);
    expect(canGoOn(state, true, { kind: 'loaded', value: NOT_IN_ACR })).toBe(false);
    // A blocker that could not be told stops the user as one that failed does.
    expect(canGoOn(state, true, { kind: 'loaded', value: COULD_NOT_TELL })).toBe(false);
    expect(canGoOn(state, true, { kind: 'loaded', value: PULLABLE })).toBe(true);
    // The default environment needs no image check.
    expect(canGoOn(run([{ type: 'chooseCustomEnv', custom: false }], state), true, { kind: 'loaded', value: NOT_IN_ACR })).toBe(true);
  });

  it('keeps the choices after a failed create, for a retry, and a new instance forgets the existing app', () => {
    const failed = run([{ type: 'creating', since: 5 }, { type: 'createEnded', result: { ok: false, error: REJECTED } }], FILLED);
    expect(failed).toMatchObject({ creating: null, createError: REJECTED, created: null, choices: FILLED.choices });
    const moved = run([{ type: 'edit', change: { existingApp: 'app-1' } }, { type: 'chooseInstance', instance: 'ci-2' }], FILLED);
    expect(moved.choices.existingApp).toBeNull();
  });
});
