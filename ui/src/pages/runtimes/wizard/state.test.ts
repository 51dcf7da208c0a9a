import { describe, expect, it } from 'vitest';
import type { AppError, InstanceSignInStatus } from '../../../backend';
import { stepNumber } from '../model';
import { INITIAL_STATE, canGoOn, wizardReducer, type WizardAction, type WizardState } from './state';

const REJECTED: AppError = { code: 'invalid_input', message: 'Not that name.', remedy: 'Pick another.' };
const SIGNED_IN_RECENTLY: InstanceSignInStatus = { region: 'eastus', signedInOn: '2026-01-01', validUntil: '2026-06-30', needed: false };
const NEVER_SIGNED_IN: InstanceSignInStatus = { region: 'eastus', needed: true, signInUrl: 'https://ci.eastus.instances.example/' };

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
    expect(canGoOn(state, true)).toBe(true);
    // Back to the default environment forgets the custom one.
    expect(run([{ type: 'chooseCustomEnv', custom: false }], state).choices.environment).toBeNull();
  });

  it('keeps the choices after a failed create, for a retry, and a new instance forgets the existing app', () => {
    const failed = run([{ type: 'creating', since: 5 }, { type: 'createEnded', result: { ok: false, error: REJECTED } }], FILLED);
    expect(failed).toMatchObject({ creating: null, createError: REJECTED, created: null, choices: FILLED.choices });
    const moved = run([{ type: 'edit', change: { existingApp: 'app-1' } }, { type: 'chooseInstance', instance: 'ci-2' }], FILLED);
    expect(moved.choices.existingApp).toBeNull();
  });
});
