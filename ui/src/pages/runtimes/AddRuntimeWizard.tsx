import { CreateRetirementNote } from '../../components/RetirementNotice';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Button,
  Card,
  Checkbox,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  ProgressBar,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle1,
  Text,
  makeStyles,
  tokens,
  typographyStyles,
} from '@fluentui/react-components';
import {
  backend,
  toAppError,
  type AppError,
  type CustomAppAvailability,
  type EnvironmentChoice,
  type InstanceChoice,
  type InstanceSignInStatus,
  type OperationSnapshot,
  type WorkspaceSummary,
} from '../../backend';
import { formatDuration, t, type MessageKey } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CopyableText } from './CopyableText';
import {
  EMPTY_CHOICES,
  STEP_TITLES,
  createRequest,
  clockNow,
  isCreateOf,
  isStartOf,
  pfazureSnippet,
  stepAfter,
  stepBefore,
  stepComplete,
  wizardSteps,
  type WizardChoices,
  type WizardStep,
} from './model';
import { latestOperation, useOperations } from '../../data/operations';
import { useNow } from '../../components/useNow';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  stepTitle: { ...typographyStyles.subtitle2, margin: 0, outline: 'none' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  nav: { display: 'flex', gap: tokens.spacingHorizontalS, justifyContent: 'flex-end', flexWrap: 'wrap' },
  instance: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  instanceRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, flexGrow: 1 },
  problem: { color: tokens.colorPaletteRedForeground1 },
  indent: { marginLeft: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

type Loaded<T> = { kind: 'loading' } | { kind: 'loaded'; value: T } | { kind: 'error'; error: AppError };

function OperationProgress({ snapshot, startedAt, now }: { snapshot: OperationSnapshot | null; startedAt: number; now: number }) {
  const styles = useStyles();
  const stage = snapshot ? t(`rt.stage.${snapshot.stage}` as MessageKey) : t('rt.stage.requested');
  return (
    <div aria-live="polite" data-testid="operation-progress" className={styles.progress}>
      <ProgressBar />
      <div className={styles.instanceRow}>
        <Text weight="semibold" data-testid="operation-stage">
          {stage}
        </Text>
        <Text className={styles.muted}>{t('duration.elapsed', { time: formatDuration(now - startedAt) })}</Text>
      </div>
      {snapshot?.message && (
        <Text className={styles.muted} data-testid="operation-message">
          {t('rt.wizard.serviceMessage', { message: snapshot.message })}
        </Text>
      )}
    </div>
  );
}

/** The add-runtime wizard, step by step as in the studio, checking before it acts. */
export function AddRuntimeWizard({
  workspace,
  onClose,
  onOpenPermissions,
}: {
  workspace: WorkspaceSummary;
  onClose: (created: string | null) => void;
  /** Leads to the Permissions page, offered on the last step. */
  onOpenPermissions?: () => void;
}) {
  const styles = useStyles();
  const [step, setStep] = useState<WizardStep>('instance');
  const [choices, setChoices] = useState<WizardChoices>(EMPTY_CHOICES);
  const [instances, setInstances] = useState<Loaded<InstanceChoice[]>>({ kind: 'loading' });
  const [environments, setEnvironments] = useState<Loaded<EnvironmentChoice[]> | null>(null);
  const [customEnv, setCustomEnv] = useState(false);
  const [stepError, setStepError] = useState<AppError | null>(null);
  const [checkingName, setCheckingName] = useState(false);
  const [starting, setStarting] = useState<{ name: string; since: number } | null>(null);
  const [creating, setCreating] = useState<{ since: number } | null>(null);
  const [createError, setCreateError] = useState<AppError | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  // Where the user stands with the instance region's sign-in, asked when leaving the first
  // step; whether the step is part of this run is decided then and stays for the run.
  const [signIn, setSignIn] = useState<InstanceSignInStatus | null>(null);
  const [signInStepShown, setSignInStepShown] = useState(true);
  const [recordingSignIn, setRecordingSignIn] = useState(false);
  const [appCheck, setAppCheck] = useState<{ app: string; state: Loaded<CustomAppAvailability> } | null>(null);
  const { list: operations } = useOperations();
  const now = useNow(starting !== null || creating !== null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // A second click while the request is on its way must not send a second create.
  const createInFlight = useRef(false);

  const update = (change: Partial<WizardChoices>) => setChoices((current) => ({ ...current, ...change }));
  const steps = wizardSteps(choices.appKind, signInStepShown);
  const chosen = instances.kind === 'loaded' ? instances.value.find((c) => c.instance.name === choices.instance) : undefined;
  const region = chosen ? (chosen.instance.location ?? workspace.location) : workspace.location;

  const loadInstances = useCallback(async () => {
    setInstances({ kind: 'loading' });
    try {
      setInstances({ kind: 'loaded', value: await backend.listComputeInstances(workspace.id) });
    } catch (reason) {
      setInstances({ kind: 'error', error: toAppError(reason) });
    }
  }, [workspace.id]);

  useEffect(() => {
    void loadInstances();
  }, [loadInstances]);

  useEffect(() => {
    headingRef.current?.focus();
  }, [step]);

  async function loadEnvironments() {
    if (environments?.kind === 'loaded' || environments?.kind === 'loading') return;
    setEnvironments({ kind: 'loading' });
    try {
      setEnvironments({ kind: 'loaded', value: await backend.listEnvironments(workspace.id) });
    } catch (reason) {
      setEnvironments({ kind: 'error', error: toAppError(reason) });
    }
  }

  async function startInstance(name: string) {
    setStarting({ name, since: clockNow() });
    setStepError(null);
    try {
      await backend.startComputeInstance(workspace.id, name);
      await loadInstances();
    } catch (reason) {
      setStepError(toAppError(reason));
    } finally {
      setStarting(null);
    }
  }

  async function next() {
    setStepError(null);
    if (step === 'instance') {
      setCheckingName(true);
      let due = true;
      try {
        await backend.validateRuntimeName(choices.runtimeName.trim());
        if (choices.instance) {
          const status = await backend.instanceSignInStatus(choices.instance, region);
          setSignIn(status);
          due = status.needed;
        }
      } catch (reason) {
        setStepError(toAppError(reason));
        return;
      } finally {
        setCheckingName(false);
      }
      setSignInStepShown(due);
      setStep(stepAfter(step, choices.appKind, due));
      return;
    }
    if (step === 'authenticate' && choices.instance) {
      setRecordingSignIn(true);
      try {
        setSignIn(await backend.recordInstanceSignIn(choices.instance, region));
      } catch (reason) {
        // Not remembering it only means the step shows again next time.
        setStepError(toAppError(reason));
      } finally {
        setRecordingSignIn(false);
      }
    }
    setStep(stepAfter(step, choices.appKind, signInStepShown));
  }

  async function openSignInPage() {
    if (!choices.instance) return;
    setStepError(null);
    try {
      await backend.openInstanceSignIn(choices.instance, region);
    } catch (reason) {
      setStepError(toAppError(reason));
    }
  }

  /** Asks the service whether an existing custom application can host the runtime. */
  async function chooseExistingApp(app: string) {
    update({ existingApp: app });
    if (!choices.instance) return;
    setAppCheck({ app, state: { kind: 'loading' } });
    try {
      const availability = await backend.checkCustomApp(workspace.id, choices.instance, app);
      setAppCheck((current) => (current?.app === app ? { app, state: { kind: 'loaded', value: availability } } : current));
    } catch (reason) {
      setAppCheck((current) => (current?.app === app ? { app, state: { kind: 'error', error: toAppError(reason) } } : current));
    }
  }

  async function create() {
    if (createInFlight.current) return;
    createInFlight.current = true;
    setCreateError(null);
    setCreating({ since: clockNow() });
    try {
      const runtime = await backend.createRuntime(createRequest(workspace.id, choices));
      setCreated(runtime.name);
      setStep('done');
    } catch (reason) {
      setCreateError(toAppError(reason));
    } finally {
      createInFlight.current = false;
      setCreating(null);
    }
  }

  const createSnapshot = latestOperation(operations, creating?.since ?? null, (s) => isCreateOf(s, choices.runtimeName.trim()));
  const startSnapshot = starting ? latestOperation(operations, starting.since, (s) => isStartOf(s, starting.name)) : null;
  const stepIndex = steps.indexOf(step) + 1;
  const canGoOn =
    stepComplete(step, choices) &&
    !checkingName &&
    (step !== 'instance' || chosen?.instance.state === 'Running') &&
    !recordingSignIn &&
    !(step === 'app' && choices.appKind === 'new' && customEnv && !choices.environment) &&
    !(
      step === 'app' &&
      choices.appKind === 'existing' &&
      !(appCheck?.app === choices.existingApp && appCheck.state.kind === 'loaded' && appCheck.state.value.available)
    );

  return (
    <section className={styles.page} data-testid="add-runtime-wizard" data-step={step}>
      <Subtitle1 as="h2">{t('rt.wizard.heading', { workspace: workspace.name })}</Subtitle1>
      <Card className={styles.card}>
        <h3 className={styles.stepTitle} ref={headingRef} tabIndex={-1} data-testid="wizard-step-title">
          {t('rt.wizard.stepOf', { index: stepIndex, count: steps.length, title: t(STEP_TITLES[step]) })}
        </h3>

        {step === 'instance' && (
          <>
            <Field label={t('rt.wizard.name')} hint={t('rt.wizard.nameHint')} required>
              <Input
                value={choices.runtimeName}
                onChange={(_, data) => update({ runtimeName: data.value })}
                data-testid="wizard-name"
                spellCheck={false}
                autoComplete="off"
              />
            </Field>
            {instances.kind === 'loading' && <Spinner size="small" label={t('rt.wizard.instancesLoading')} />}
            {instances.kind === 'error' && <ErrorMessage error={instances.error} />}
            {instances.kind === 'loaded' && instances.value.length === 0 && (
              <MessageBar intent="warning" data-testid="wizard-no-instances">
                <MessageBarBody>{t('rt.wizard.noInstances')}</MessageBarBody>
              </MessageBar>
            )}
            {instances.kind === 'loaded' && instances.value.length > 0 && (
              <Field label={t('rt.wizard.instances')} hint={t('rt.wizard.pickInstance')}>
                <RadioGroup
                  value={choices.instance ?? ''}
                  onChange={(_, data) => update({ instance: data.value, existingApp: null })}
                  data-testid="wizard-instances"
                >
                  {instances.value.map((choice) => (
                    <Radio
                      key={choice.instance.name}
                      value={choice.instance.name}
                      disabled={!choice.usable}
                      data-testid={`instance-${choice.instance.name}`}
                      label={
                        <span className={styles.instance}>
                          <span className={styles.instanceRow}>
                            <Text weight="semibold">{choice.instance.name}</Text>
                            <Text className={styles.muted} data-testid="instance-state">
                              {t('rt.wizard.instanceLine', {
                                state: choice.instance.stateText ?? choice.instance.state,
                                size: choice.instance.vmSize ?? t('rt.none'),
                              })}
                            </Text>
                          </span>
                          {choice.checks
                            .filter((check) => check.status === 'failed')
                            .map((check) => (
                              // A check's title states what should hold ("The compute instance is
                              // running"), so it is shown as not met, with what to do.
                              <Text key={check.id} size={200} className={styles.problem} data-testid="instance-problem">
                                {t('rt.wizard.instanceProblem', { title: check.title })}
                                {check.remedy ? ` ${t('rt.checks.remedy', { remedy: check.remedy })}` : ''}
                              </Text>
                            ))}
                        </span>
                      }
                    />
                  ))}
                </RadioGroup>
              </Field>
            )}
            {instances.kind === 'loaded' &&
              instances.value
                .filter((choice) => choice.checks.some((check) => check.status === 'failed' && check.fix?.type === 'startComputeInstance'))
                .map((choice) => (
                  <div key={choice.instance.name} className={styles.instanceRow}>
                    <Button
                      onClick={() => void startInstance(choice.instance.name)}
                      disabled={starting !== null}
                      data-testid={`start-${choice.instance.name}`}
                    >
                      {t('rt.wizard.start')} {choice.instance.name}
                    </Button>
                    {starting?.name === choice.instance.name && (
                      <>
                        <Text>{t('rt.wizard.starting', { name: choice.instance.name })}</Text>
                        <OperationProgress snapshot={startSnapshot} startedAt={starting.since} now={now} />
                      </>
                    )}
                  </div>
                ))}
            {instances.kind !== 'loading' && (
              <div>
                <Button size="small" onClick={() => void loadInstances()}>
                  {t('rt.wizard.reloadInstances')}
                </Button>
              </div>
            )}
          </>
        )}

        {step === 'authenticate' && chosen && (
          <>
            <Text>{t('rt.wizard.auth.body')}</Text>
            <Text data-testid="wizard-auth-state">
              {signIn?.signedInOn
                ? t('rt.wizard.auth.expired', { region, date: signIn.signedInOn })
                : t('rt.wizard.auth.never', { region })}
            </Text>
            {!signIn?.signInUrl ? (
              <Text data-testid="wizard-auth-sandbox">{t('rt.wizard.auth.sandbox')}</Text>
            ) : (
              <>
                <Text>{t('rt.wizard.auth.how', { name: chosen.instance.name })}</Text>
                <div>
                  <Button onClick={() => void openSignInPage()} data-testid="wizard-open-instance-sign-in">
                    {t('rt.wizard.auth.open')}
                  </Button>
                </div>
                <Text size={200}>{t('rt.wizard.auth.url')}</Text>
                <CopyableText text={signIn.signInUrl} testId="wizard-instance-url" />
              </>
            )}
          </>
        )}

        {step === 'app' && chosen && (
          <>
            {!signInStepShown && signIn?.signedInOn && signIn.validUntil && (
              <Text className={styles.muted} data-testid="wizard-auth-skipped">
                {t('rt.wizard.auth.skipped', { region: signIn.region, date: signIn.signedInOn, until: signIn.validUntil })}
              </Text>
            )}
            <RadioGroup
              value={choices.appKind}
              onChange={(_, data) => update({ appKind: data.value as WizardChoices['appKind'], restartConfirmed: false })}
              data-testid="wizard-app-kind"
            >
              <Radio value="new" label={t('rt.wizard.app.new')} data-testid="app-new" />
              <Radio value="existing" label={t('rt.wizard.app.existing')} disabled={chosen.runtimeApps.length === 0} data-testid="app-existing" />
            </RadioGroup>
            {chosen.runtimeApps.length === 0 && <Text className={styles.muted}>{t('rt.wizard.app.noExisting')}</Text>}
            {choices.appKind === 'new' && (
              <div className={styles.indent}>
                <RadioGroup
                  value={customEnv ? 'custom' : 'default'}
                  onChange={(_, data) => {
                    const custom = data.value === 'custom';
                    setCustomEnv(custom);
                    if (custom) void loadEnvironments();
                    else update({ environment: null });
                  }}
                >
                  <Radio value="default" label={t('rt.wizard.env.default')} data-testid="env-default" />
                  <Radio value="custom" label={t('rt.wizard.env.custom')} data-testid="env-custom" />
                </RadioGroup>
                {customEnv && environments?.kind === 'loading' && <Spinner size="small" label={t('rt.wizard.env.loading')} />}
                {customEnv && environments?.kind === 'error' && <ErrorMessage error={environments.error} />}
                {customEnv && environments?.kind === 'loaded' && environments.value.length === 0 && (
                  <Text>{t('rt.wizard.env.none')}</Text>
                )}
                {customEnv && environments?.kind === 'loaded' && environments.value.length > 0 && (
                  <EnvironmentPicker
                    environments={environments.value}
                    selected={choices.environment}
                    onSelect={(assetId) => update({ environment: assetId })}
                  />
                )}
              </div>
            )}
            {choices.appKind === 'existing' && (
              <RadioGroup
                className={styles.indent}
                value={choices.existingApp ?? ''}
                onChange={(_, data) => void chooseExistingApp(data.value)}
                data-testid="wizard-existing-apps"
              >
                {chosen.runtimeApps.map((app) => (
                  <Radio key={app.name} value={app.name} label={t('rt.wizard.appWithImage', { name: app.name, image: app.image ?? t('rt.none') })} />
                ))}
              </RadioGroup>
            )}
            {choices.appKind === 'existing' && appCheck && appCheck.app === choices.existingApp && (
              <div className={styles.indent} aria-live="polite" data-testid="wizard-app-check">
                {appCheck.state.kind === 'loading' && <Spinner size="small" label={t('rt.wizard.app.checking', { name: appCheck.app })} />}
                {appCheck.state.kind === 'error' && <ErrorMessage error={appCheck.state.error} />}
                {appCheck.state.kind === 'loaded' && appCheck.state.value.available && (
                  <Text>{t('rt.wizard.app.available', { name: appCheck.app })}</Text>
                )}
                {appCheck.state.kind === 'loaded' && !appCheck.state.value.available && (
                  <MessageBar intent="error" layout="multiline">
                    <MessageBarBody>
                      {t('rt.wizard.app.unavailable', { name: appCheck.app, reason: appCheck.state.value.reason ?? '' })}
                    </MessageBarBody>
                  </MessageBar>
                )}
              </div>
            )}
          </>
        )}

        {step === 'restart' && chosen && (
          <>
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>{t('rt.wizard.restart.body', { name: chosen.instance.name })}</MessageBarBody>
            </MessageBar>
            {chosen.instance.customApps.length > 0 && (
              <>
                <Text>{t('rt.wizard.restart.apps')}</Text>
                <ul>
                  {chosen.instance.customApps.map((app) => (
                    <li key={app.name}>
                      {t('rt.wizard.appWithImage', { name: app.name, image: app.image ?? t('rt.none') })}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <Checkbox
              checked={choices.restartConfirmed}
              onChange={(_, data) => update({ restartConfirmed: data.checked === true })}
              label={t('rt.wizard.restart.confirm', { name: chosen.instance.name })}
              data-testid="wizard-confirm-restart"
            />
          </>
        )}

        {step === 'create' && (
          <>
            <Text data-testid="wizard-summary">
              {t('rt.wizard.summary', {
                name: choices.runtimeName.trim(),
                instance: choices.instance ?? '',
                app:
                  choices.appKind === 'existing'
                    ? t('rt.wizard.summary.existing', { app: choices.existingApp ?? '' })
                    : choices.environment
                      ? t('rt.wizard.summary.newCustom', { environment: choices.environment })
                      : t('rt.wizard.summary.new'),
              })}
            </Text>
            <CreateRetirementNote />
            {creating && <OperationProgress snapshot={createSnapshot} startedAt={creating.since} now={now} />}
            {createError && <ErrorMessage error={createError} />}
            <div className={styles.nav}>
              {creating && createSnapshot && (
                <Button onClick={() => void backend.cancelOperation(createSnapshot.id)} data-testid="wizard-cancel-create">
                  {t('rt.wizard.cancelCreate')}
                </Button>
              )}
              <Button appearance="primary" onClick={() => void create()} disabled={creating !== null} data-testid="wizard-create">
                {creating ? t('rt.wizard.creating') : createError ? t('rt.wizard.retry') : t('rt.wizard.create')}
              </Button>
            </div>
          </>
        )}

        {step === 'done' && created && (
          <>
            <MessageBar intent="success" data-testid="wizard-done">
              <MessageBarBody>{t('rt.wizard.done.body', { name: created })}</MessageBarBody>
            </MessageBar>
            <div className={styles.instanceRow}>
              <Text>{t('rt.wizard.done.permissions')}</Text>
              {onOpenPermissions && (
                <Button onClick={onOpenPermissions} data-testid="wizard-open-permissions">
                  {t('rt.wizard.done.openPermissions')}
                </Button>
              )}
            </div>
            <Text>{t('rt.wizard.done.authoring', { name: created })}</Text>
            <Text>{t('rt.wizard.done.snippet')}</Text>
            <CopyableText text={pfazureSnippet(created)} testId="wizard-snippet" />
          </>
        )}

        {stepError && <ErrorMessage error={stepError} />}

        <div className={styles.nav}>
          {step === 'done' ? (
            <Button appearance="primary" onClick={() => onClose(created)} data-testid="wizard-finish">
              {t('rt.wizard.done.close')}
            </Button>
          ) : (
            <>
              <Button onClick={() => onClose(null)} disabled={creating !== null} data-testid="wizard-cancel">
                {t('rt.wizard.cancel')}
              </Button>
              {step !== 'instance' && (
                <Button onClick={() => setStep(stepBefore(step, choices.appKind, signInStepShown))} disabled={creating !== null} data-testid="wizard-back">
                  {t('rt.wizard.back')}
                </Button>
              )}
              {step !== 'create' && (
                <Button appearance="primary" onClick={() => void next()} disabled={!canGoOn} data-testid="wizard-next">
                  {step === 'authenticate' ? t('rt.wizard.auth.done') : t('rt.wizard.next')}
                </Button>
              )}
            </>
          )}
        </div>
      </Card>
    </section>
  );
}

function EnvironmentPicker({
  environments,
  selected,
  onSelect,
}: {
  environments: EnvironmentChoice[];
  selected: string | null;
  onSelect: (assetId: string) => void;
}) {
  const current = environments.find((environment) => environment.assetId === selected);
  const label = (environment: EnvironmentChoice) => t('rt.wizard.env.option', { name: environment.name, version: environment.version });
  return (
    <>
      <Field label={t('rt.wizard.env.label')}>
        <Dropdown
          value={current ? label(current) : ''}
          selectedOptions={selected ? [selected] : []}
          onOptionSelect={(_, data) => data.optionValue && onSelect(data.optionValue)}
          data-testid="env-picker"
          inlinePopup
        >
          {environments.map((environment) => (
            <Option key={environment.assetId} value={environment.assetId} text={label(environment)}>
              {label(environment)}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {current && current.derivesFromRuntimeImage !== true && (
        <MessageBar intent="warning" layout="multiline" data-testid="env-warning">
          <MessageBarBody>
            {current.derivesFromRuntimeImage === false ? t('rt.wizard.env.other') : t('rt.wizard.env.notDerived')}
          </MessageBarBody>
        </MessageBar>
      )}
    </>
  );
}
