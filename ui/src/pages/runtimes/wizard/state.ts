// The add-runtime wizard's state and every change to it, as a pure reducer: the component sends
// what the user did and what the backend answered; this decides which step shows, what it says
// and whether Next is on.
import type { AppError, CustomAppAvailability, InstanceSignInStatus, PreflightReport } from '../../../backend';
import type { Loaded, Settled } from '../../../data/query';
import { EMPTY_CHOICES, stepAfter, stepBefore, stepComplete, type WizardChoices, type WizardStep } from '../model';

export type WizardState = {
  step: WizardStep;
  choices: WizardChoices;
  /** "A custom environment" is chosen for a new application (the environment itself may not be yet). */
  customEnv: boolean;
  /** Where the user stands with the instance region's sign-in, asked when leaving the first step. */
  signIn: InstanceSignInStatus | null;
  /** Whether the sign-in step is part of this run: decided when leaving the first step. */
  signInDue: boolean;
  /** A Next on its way: the name and sign-in check, or remembering the sign-in. */
  pending: 'checkingName' | 'recordingSignIn' | null;
  /** Why the last step action failed; shown under the step. */
  stepError: AppError | null;
  /** The compute instance being started from the first step. */
  starting: { name: string; since: number } | null;
  /** Whether an existing custom application can host the runtime, for the app the user picked. */
  appCheck: { app: string; state: Loaded<CustomAppAvailability> } | null;
  creating: { since: number } | null;
  createError: AppError | null;
  /** The runtime's name once it is created. */
  created: string | null;
};

export const INITIAL_STATE: WizardState = {
  step: 'instance',
  choices: EMPTY_CHOICES,
  customEnv: false,
  signIn: null,
  signInDue: true,
  pending: null,
  stepError: null,
  starting: null,
  appCheck: null,
  creating: null,
  createError: null,
  created: null,
};

export type WizardAction =
  | { type: 'edit'; change: Partial<WizardChoices> }
  | { type: 'chooseInstance'; instance: string }
  | { type: 'chooseAppKind'; appKind: WizardChoices['appKind'] }
  | { type: 'chooseCustomEnv'; custom: boolean }
  | { type: 'next' }
  /** The restart step's one button: the restart is accepted, and the create begins. */
  | { type: 'confirmRestart' }
  | { type: 'back' }
  | { type: 'checkingName' }
  /** The name was accepted or not; with it, the sign-in status of the instance's region. */
  | { type: 'nameChecked'; result: Settled<InstanceSignInStatus | null> }
  | { type: 'recordingSignIn' }
  | { type: 'signInRecorded'; result: Settled<InstanceSignInStatus> }
  | { type: 'stepActionFailed'; error: AppError }
  | { type: 'clearStepError' }
  | { type: 'startingInstance'; name: string; since: number }
  | { type: 'instanceStartEnded'; error?: AppError }
  | { type: 'checkingApp'; app: string }
  | { type: 'appChecked'; app: string; result: Settled<CustomAppAvailability> }
  | { type: 'creating'; since: number }
  | { type: 'createEnded'; result: Settled<string> };

function moveOn(state: WizardState, signInDue = state.signInDue): WizardState {
  return { ...state, signInDue, step: stepAfter(state.step, state.choices.appKind, signInDue) };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'edit':
      return { ...state, choices: { ...state.choices, ...action.change } };
    case 'chooseInstance':
      // An existing application belongs to an instance: another instance needs another choice.
      return { ...state, choices: { ...state.choices, instance: action.instance, existingApp: null } };
    case 'chooseAppKind':
      // The restart is confirmed for one kind of application, not carried to the other.
      return { ...state, choices: { ...state.choices, appKind: action.appKind, restartConfirmed: false } };
    case 'chooseCustomEnv':
      return {
        ...state,
        customEnv: action.custom,
        choices: action.custom ? state.choices : { ...state.choices, environment: null },
      };
    case 'next':
      return moveOn({ ...state, stepError: null });
    case 'confirmRestart':
      return moveOn({ ...state, stepError: null, choices: { ...state.choices, restartConfirmed: true } });
    case 'back':
      return { ...state, step: stepBefore(state.step, state.choices.appKind, state.signInDue) };
    case 'checkingName':
      return { ...state, pending: 'checkingName', stepError: null };
    case 'nameChecked':
      if (!action.result.ok) return { ...state, pending: null, stepError: action.result.error };
      return moveOn(
        { ...state, pending: null, signIn: action.result.value },
        action.result.value === null ? true : action.result.value.needed,
      );
    case 'recordingSignIn':
      return { ...state, pending: 'recordingSignIn', stepError: null };
    case 'signInRecorded':
      // Not remembering the sign-in only means the step shows again next time: say so, go on.
      return moveOn(
        action.result.ok
          ? { ...state, pending: null, signIn: action.result.value }
          : { ...state, pending: null, stepError: action.result.error },
      );
    case 'stepActionFailed':
      return { ...state, stepError: action.error };
    case 'clearStepError':
      return { ...state, stepError: null };
    case 'startingInstance':
      return { ...state, starting: { name: action.name, since: action.since }, stepError: null };
    case 'instanceStartEnded':
      return { ...state, starting: null, stepError: action.error ?? state.stepError };
    case 'checkingApp':
      return {
        ...state,
        choices: { ...state.choices, existingApp: action.app },
        appCheck: { app: action.app, state: { kind: 'loading' } },
      };
    case 'appChecked': {
      // An answer about an application the user has since moved away from is dropped.
      if (state.appCheck?.app !== action.app) return state;
      const answer: Loaded<CustomAppAvailability> = action.result.ok
        ? { kind: 'loaded', value: action.result.value }
        : { kind: 'error', error: action.result.error };
      return { ...state, appCheck: { app: action.app, state: answer } };
    }
    case 'creating':
      return { ...state, creating: { since: action.since }, createError: null };
    case 'createEnded':
      return action.result.ok
        ? { ...state, creating: null, created: action.result.value, step: 'done' }
        : { ...state, creating: null, createError: action.result.error };
  }
}

/**
 * Whether Next is on: the step's choices are made and nothing it needs is still on its way. A
 * custom environment goes on only once its image checks have answered and nothing in them blocks
 * (a check that could not tell blocks too, as the core decides in `blocked`).
 */
export function canGoOn(state: WizardState, chosenInstanceRunning: boolean, imageCheck?: Loaded<PreflightReport>): boolean {
  const { step, choices, appCheck } = state;
  if (!stepComplete(step, choices) || state.pending !== null) return false;
  if (step === 'instance') return chosenInstanceRunning;
  if (step !== 'app') return true;
  if (choices.appKind === 'new') {
    if (!state.customEnv) return true;
    return choices.environment !== null && imageCheck?.kind === 'loaded' && !imageCheck.value.blocked;
  }
  return appCheck?.app === choices.existingApp && appCheck.state.kind === 'loaded' && appCheck.state.value.available;
}
