import { useEffect, useReducer, useRef, type KeyboardEvent } from 'react';
import { Button, Subtitle1 } from '@fluentui/react-components';
import { Card } from '../../components/Card';
import { backend, type WorkspaceSummary } from '../../backend';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useNow } from '../../components/useNow';
import { latestOperation, useOperations } from '../../data/operations';
import { settle, useQuery } from '../../data/query';
import { STEP_TITLES, clockNow, createRequest, isCreateOf, isStartOf, stepNumber, type WizardChoices } from './model';
import { INITIAL_STATE, canGoOn, wizardReducer } from './wizard/state';
import { useWizardStyles } from './wizard/styles';
import { InstanceStep } from './wizard/InstanceStep';
import { AuthenticateStep } from './wizard/AuthenticateStep';
import { AppStep } from './wizard/AppStep';
import { RestartStep } from './wizard/RestartStep';
import { CreateStep } from './wizard/CreateStep';
import { DoneStep } from './wizard/DoneStep';

/**
 * The add-runtime wizard, step by step as in the studio, checking before it acts. What shows is
 * decided by the reducer in ./wizard/state.ts; this component asks the backend and reports each
 * answer to it.
 */
export function AddRuntimeWizard({
  workspace,
  initialChoices,
  onClose,
  onOpenPermissions,
}: {
  workspace: WorkspaceSummary;
  /** What the quick create panel had chosen when "More options" opened the wizard. */
  initialChoices?: WizardChoices;
  onClose: (created: string | null) => void;
  /** Leads to the Permissions page, offered on the last step. */
  onOpenPermissions?: () => void;
}) {
  const styles = useWizardStyles();
  const [state, dispatch] = useReducer(wizardReducer, initialChoices ? { ...INITIAL_STATE, choices: initialChoices } : INITIAL_STATE);
  const { step, choices, starting, creating } = state;
  const instances = useQuery(workspace.id, () => backend.listComputeInstances(workspace.id));
  // Asked for once a custom environment is chosen.
  const environments = useQuery(state.customEnv ? workspace.id : null, () => backend.listEnvironments(workspace.id));
  // The chosen custom environment's image checks, asked as soon as it is chosen and again when
  // the choice changes; an answer about an earlier choice is dropped (the key names the choice).
  const checkedEnvironment = choices.appKind === 'new' && state.customEnv ? choices.environment : null;
  const imageCheck = useQuery(checkedEnvironment && `${workspace.id}\n${checkedEnvironment}`, () =>
    backend.checkEnvironmentImage(workspace.id, checkedEnvironment ?? ''),
  );
  const { list: operations, cancel } = useOperations();
  const now = useNow(starting !== null || creating !== null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // A second click while the request is on its way must not send a second create.
  const createInFlight = useRef(false);

  const chosen = instances.data?.find((c) => c.instance.name === choices.instance);
  const region = chosen ? (chosen.instance.location ?? workspace.location) : workspace.location;

  useEffect(() => {
    headingRef.current?.focus();
  }, [step]);

  async function startInstance(name: string) {
    dispatch({ type: 'startingInstance', name, since: clockNow() });
    const started = await settle(backend.startComputeInstance(workspace.id, name));
    if (started.ok) await instances.refresh();
    dispatch({ type: 'instanceStartEnded', error: started.ok ? undefined : started.error });
  }

  async function next() {
    const instance = choices.instance;
    if (step === 'instance') {
      dispatch({ type: 'checkingName' });
      const checked = settle(
        backend.validateRuntimeName(choices.runtimeName.trim()).then(() => (instance ? backend.instanceSignInStatus(instance, region) : null)),
      );
      dispatch({ type: 'nameChecked', result: await checked });
    } else if (step === 'authenticate' && instance && !state.signIn?.signInUrl) {
      // No sign-in page (the sandbox): nothing was signed in, so nothing is recorded.
      dispatch({ type: 'next' });
    } else if (step === 'authenticate' && instance) {
      dispatch({ type: 'recordingSignIn' });
      dispatch({ type: 'signInRecorded', result: await settle(backend.recordInstanceSignIn(instance, region)) });
    } else {
      dispatch({ type: 'next' });
    }
  }

  async function openSignInPage() {
    if (!choices.instance) return;
    dispatch({ type: 'clearStepError' });
    const opened = await settle(backend.openInstanceSignIn(choices.instance, region));
    if (!opened.ok) dispatch({ type: 'stepActionFailed', error: opened.error });
  }

  /** Asks the service whether an existing custom application can host the runtime. */
  async function chooseExistingApp(app: string) {
    if (!choices.instance) return dispatch({ type: 'edit', change: { existingApp: app } });
    dispatch({ type: 'checkingApp', app });
    dispatch({ type: 'appChecked', app, result: await settle(backend.checkCustomApp(workspace.id, choices.instance, app)) });
  }

  /** `restartConfirmed`: given by the restart step's button, whose click this render has not seen yet. */
  async function create(restartConfirmed = choices.restartConfirmed) {
    if (createInFlight.current) return;
    createInFlight.current = true;
    dispatch({ type: 'creating', since: clockNow() });
    const request = createRequest(workspace.id, { ...choices, restartConfirmed });
    const result = await settle(backend.createRuntime(request).then((runtime) => runtime.name));
    createInFlight.current = false;
    dispatch({ type: 'createEnded', result });
  }

  /** The restart step's button: the restart is accepted and the create starts, in one click. */
  function restartAndCreate() {
    dispatch({ type: 'confirmRestart' });
    void create(true);
  }

  const createSnapshot = latestOperation(operations, creating?.since ?? null, (s) => isCreateOf(s, choices.runtimeName.trim()));
  const startSnapshot = starting ? latestOperation(operations, starting.since, (s) => isStartOf(s, starting.name)) : null;
  const number = stepNumber(step);
  const canGoOnNow = canGoOn(state, chosen?.instance.state === 'Running', imageCheck.state);

  // Enter in a field of a step goes on, as Next does (Next comes last in Tab order, after Cancel
  // and Back). A list that is open takes Enter for itself. The restart step has no field: its
  // button comes first after the heading instead.
  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    const target = event.target;
    if (event.key !== 'Enter' || !(target instanceof HTMLInputElement) || target.getAttribute('role') === 'combobox') return;
    if (step === 'create' || step === 'done' || !canGoOnNow) return;
    event.preventDefault();
    void next();
  }

  return (
    <section className={styles.page} data-testid="add-runtime-wizard" data-step={step}>
      <Subtitle1 as="h2">{t('rt.wizard.heading', { workspace: workspace.name })}</Subtitle1>
      <Card className={styles.card} onKeyDown={onKeyDown}>
        <h3 className={styles.stepTitle} ref={headingRef} tabIndex={-1} data-testid="wizard-step-title">
          {number ? t('rt.wizard.stepOf', { ...number, title: t(STEP_TITLES[step]) }) : t(STEP_TITLES[step])}
        </h3>

        {step === 'instance' && (
          <InstanceStep
            workspaceId={workspace.id}
            state={state}
            instances={instances}
            startSnapshot={startSnapshot}
            now={now}
            dispatch={dispatch}
            onStart={(name) => void startInstance(name)}
          />
        )}
        {step === 'authenticate' && chosen && (
          <AuthenticateStep chosen={chosen} signIn={state.signIn} region={region} onOpenSignIn={() => void openSignInPage()} />
        )}
        {step === 'app' && chosen && (
          <AppStep
            chosen={chosen}
            state={state}
            environments={environments.state}
            imageCheck={imageCheck.state}
            dispatch={dispatch}
            onChooseExistingApp={(app) => void chooseExistingApp(app)}
          />
        )}
        {step === 'restart' && chosen && <RestartStep chosen={chosen} onRestartAndCreate={restartAndCreate} />}
        {step === 'create' && (
          <CreateStep
            state={state}
            snapshot={createSnapshot}
            now={now}
            onCreate={() => void create()}
            onCancel={(operationId) => void cancel(operationId)}
          />
        )}
        {step === 'done' && state.created && <DoneStep created={state.created} onOpenPermissions={onOpenPermissions} />}

        {state.stepError && <ErrorMessage error={state.stepError} />}

        <div className={styles.nav}>
          {step === 'done' ? (
            <Button appearance="primary" onClick={() => onClose(state.created)} data-testid="wizard-finish">
              {t('rt.wizard.done.close')}
            </Button>
          ) : (
            <>
              <Button onClick={() => onClose(null)} disabled={creating !== null} data-testid="wizard-cancel">
                {t('rt.wizard.cancel')}
              </Button>
              {step !== 'instance' && (
                <Button onClick={() => dispatch({ type: 'back' })} disabled={creating !== null} data-testid="wizard-back">
                  {t('rt.wizard.back')}
                </Button>
              )}
              {step !== 'create' && step !== 'restart' && (
                <Button
                  appearance="primary"
                  onClick={() => void next()}
                  disabled={!canGoOnNow}
                  data-testid="wizard-next"
                >
                  {step === 'authenticate' && state.signIn?.signInUrl ? t('rt.wizard.auth.done') : t('rt.wizard.next')}
                </Button>
              )}
            </>
          )}
        </div>
      </Card>
    </section>
  );
}
