import { useEffect, useRef, useState } from 'react';
import { Button, Dropdown, Field, Input, Option, Text } from '@fluentui/react-components';
import { Card } from '../../components/Card';
import { backend, type AppError, type InstanceChoice, type RuntimeSummary, type WorkspaceSummary } from '../../backend';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadStatus } from '../../components/LoadStatus';
import { CreateRetirementNote } from '../../components/RetirementNotice';
import { useNow } from '../../components/useNow';
import { latestOperation, useOperations } from '../../data/operations';
import { settle, useQuery } from '../../data/query';
import { useSession } from '../../session/SessionProvider';
import { EMPTY_CHOICES, clockNow, createRequest, isCreateOf, preselectInstance, type WizardChoices } from './model';
import { OperationProgress } from './wizard/OperationProgress';
import { useWizardStyles } from './wizard/styles';
import { CopyableText } from './CopyableText';
import { Notice } from '../../components/Notice';

type NameCheck = { name: string; state: 'checking' | 'ok' } | { name: string; state: 'bad'; error: AppError };

/**
 * The common way to add a runtime, on one panel: a suggested name (already validated), the one
 * running instance assigned to the user, the default environment, the instance sign-in inline
 * when it is due, and the restart stated above the button that does it. Anything else (an
 * existing application, a custom environment, another instance) is in the full wizard, which
 * "More options" opens with the choices made so far.
 */
export function QuickCreate({
  workspace,
  existingNames,
  onClose,
  onMoreOptions,
}: {
  workspace: WorkspaceSummary;
  existingNames: readonly string[];
  onClose: (created: RuntimeSummary | null) => void;
  onMoreOptions: (choices: WizardChoices) => void;
}) {
  const styles = useWizardStyles();
  const { status } = useSession();
  const instances = useQuery(workspace.id, () => backend.listComputeInstances(workspace.id));
  const usable = (instances.data ?? []).filter((choice) => choice.usable);
  const preselected = instances.data ? preselectInstance(instances.data, status?.me?.objectId ?? null) : null;
  const [picked, setPicked] = useState<string | null>(null);
  const instanceName = picked ?? preselected?.instance.name ?? null;
  const chosen: InstanceChoice | null = usable.find((choice) => choice.instance.name === instanceName) ?? null;
  const region = chosen?.instance.location ?? workspace.location;

  // The name: the core's suggestion once the instances are known (it follows the instance and
  // avoids the workspace's runtime names), until the user types their own.
  const [typed, setTyped] = useState<string | null>(null);
  const suggestion = useQuery(
    instances.data ? `runtime-name-for:${JSON.stringify([instanceName, existingNames])}` : null,
    () => backend.suggestRuntimeName(instanceName, [...existingNames]),
    // The name in the field stays while the next suggestion is asked for.
    { keepAcrossKeys: true },
  );
  const name = (typed ?? suggestion.data ?? '').trim();
  const taken = existingNames.some((existing) => existing.toLowerCase() === name.toLowerCase());
  // The backend applies the service's rule; a name already used here is refused before asking.
  const validity = useQuery(taken || name === '' ? null : `runtime-name:${name}`, () => backend.validateRuntimeName(name)).state;
  const nameCheck: NameCheck | null = taken
    ? { name, state: 'bad', error: { code: 'conflict', message: t('rt.quick.nameTaken', { name }) } }
    : validity.kind === 'error'
      ? { name, state: 'bad', error: validity.error }
      : validity.kind === 'loaded'
        ? { name, state: 'ok' }
        : validity.kind === 'idle'
          ? null
          : { name, state: 'checking' };
  const nameOk = nameCheck?.name === name && nameCheck.state === 'ok';

  // The instance sign-in, asked for the chosen instance's region.
  const signIn = useQuery(chosen ? `${chosen.instance.name}/${region}` : null, () => backend.instanceSignInStatus(chosen!.instance.name, region));
  const signInDue = signIn.data?.needed === true && signIn.data.signInUrl !== undefined;

  const { list: operations } = useOperations();
  const [creating, setCreating] = useState<{ since: number } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const inFlight = useRef(false);
  const now = useNow(creating !== null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const choices: WizardChoices = { ...EMPTY_CHOICES, runtimeName: name, instance: chosen?.instance.name ?? null };

  async function create() {
    if (inFlight.current || !chosen) return;
    inFlight.current = true;
    setError(null);
    setCreating({ since: clockNow() });
    // Signing in happened in the browser; remembering it only spares the step next time.
    if (signInDue) await settle(backend.recordInstanceSignIn(chosen.instance.name, region));
    const result = await settle(backend.createRuntime(createRequest(workspace.id, { ...choices, restartConfirmed: true })));
    inFlight.current = false;
    setCreating(null);
    if (result.ok) onClose(result.value);
    else setError(result.error);
  }

  const snapshot = latestOperation(operations, creating?.since ?? null, (s) => isCreateOf(s, name));
  const canCreate = chosen !== null && nameOk && creating === null;

  return (
    <section className={styles.page} data-testid="quick-create">
      <h2 className={styles.stepTitle} ref={headingRef} tabIndex={-1}>
        {t('rt.quick.heading', { workspace: workspace.name })}
      </h2>
      <Card className={styles.card}>
        <Field
          label={t('rt.wizard.name')}
          hint={t('rt.wizard.nameHint')}
          validationState={nameCheck?.state === 'bad' ? 'error' : nameOk ? 'success' : 'none'}
          validationMessage={
            nameCheck?.state === 'bad' ? nameCheck.error.message : nameOk ? t('rt.quick.nameOk') : undefined
          }
        >
          <Input
            value={typed ?? name}
            onChange={(_, data) => setTyped(data.value)}
            disabled={creating !== null}
            data-testid="quick-name"
            data-valid={nameOk}
            spellCheck={false}
            autoComplete="off"
          />
        </Field>

        <LoadStatus state={instances.state} label={t('rt.wizard.instancesLoading')} />
        {instances.state.kind === 'loaded' && usable.length === 0 && (
          <Notice intent="warning" data-testid="quick-no-instance">
            {t('rt.quick.noInstance')}
          </Notice>
        )}
        {usable.length > 0 && (
          <Field label={t('rt.quick.instance')}>
            <Dropdown
              value={chosen ? chosen.instance.name : ''}
              placeholder={t('rt.quick.pickInstance')}
              selectedOptions={chosen ? [chosen.instance.name] : []}
              onOptionSelect={(_, data) => data.optionValue && setPicked(data.optionValue)}
              disabled={creating !== null}
              data-testid="quick-instance"
              inlinePopup
            >
              {usable.map((choice) => (
                <Option key={choice.instance.name} value={choice.instance.name} text={choice.instance.name}>
                  {t('rt.quick.instanceOption', {
                    name: choice.instance.name,
                    state: choice.instance.stateText ?? choice.instance.state,
                  })}
                </Option>
              ))}
            </Dropdown>
          </Field>
        )}
        {chosen && chosen.instance.state !== 'Running' && (
          <Text className={styles.problem} data-testid="quick-not-running">
            {t('rt.quick.notRunning', { name: chosen.instance.name })}
          </Text>
        )}

        <Text data-testid="quick-environment">{t('rt.quick.environment')}</Text>

        {chosen && signInDue && signIn.data?.signInUrl && (
          <div className={styles.instance} data-testid="quick-sign-in">
            <Text>{t('rt.quick.signIn', { name: chosen.instance.name, region })}</Text>
            <div className={styles.instanceRow}>
              <Button onClick={() => void backend.openInstanceSignIn(chosen.instance.name, region)} data-testid="quick-open-sign-in">
                {t('rt.wizard.auth.open')}
              </Button>
            </div>
            <Text size={200}>{t('rt.wizard.auth.url')}</Text>
            <CopyableText text={signIn.data.signInUrl} testId="quick-sign-in-url" />
          </div>
        )}

        {chosen && (
          <Notice intent="warning" data-testid="quick-restart">
            {t('rt.quick.restart', { name: chosen.instance.name })}
          </Notice>
        )}
        <CreateRetirementNote />
        {creating && <OperationProgress snapshot={snapshot} startedAt={creating.since} now={now} />}
        {error && <ErrorMessage error={error} />}

        <div className={styles.nav}>
          <Button onClick={() => onClose(null)} disabled={creating !== null} data-testid="quick-cancel">
            {t('rt.wizard.cancel')}
          </Button>
          <Button onClick={() => onMoreOptions(choices)} disabled={creating !== null} data-testid="quick-more-options">
            {t('rt.quick.more')}
          </Button>
          <Button appearance="primary" onClick={() => void create()} disabled={!canCreate || chosen?.instance.state !== 'Running'} data-testid="quick-create-button">
            {creating
              ? t('rt.wizard.creating')
              : t(error ? 'rt.quick.retry' : 'rt.quick.create', { name: chosen?.instance.name ?? t('rt.quick.theInstance') })}
          </Button>
        </div>
      </Card>
    </section>
  );
}
