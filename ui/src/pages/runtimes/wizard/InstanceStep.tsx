import { Button, Field, Input, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { backend, type InstanceChoice, type OperationSnapshot } from '../../../backend';
import { t } from '../../../i18n';
import { LoadStatus } from '../../../components/LoadStatus';
import { useQuery, type Query } from '../../../data/query';
import { OperationProgress } from './OperationProgress';
import type { WizardAction, WizardState } from './state';
import { useWizardStyles } from './styles';
import { Notice } from '../../../components/Notice';

/** Step 1: the runtime's name and the compute instance it runs on, with a Start for a stopped one. */
export function InstanceStep({
  workspaceId,
  state,
  instances,
  startSnapshot,
  now,
  dispatch,
  onStart,
}: {
  workspaceId: string;
  state: WizardState;
  instances: Query<InstanceChoice[]>;
  startSnapshot: OperationSnapshot | null;
  now: number;
  dispatch: (action: WizardAction) => void;
  onStart: (instanceName: string) => void;
}) {
  const styles = useWizardStyles();
  const { choices, starting } = state;
  const list = instances.state;
  return (
    <>
      <Field label={t('rt.wizard.name')} hint={t('rt.wizard.nameHint')} required>
        <Input
          value={choices.runtimeName}
          onChange={(_, data) => dispatch({ type: 'edit', change: { runtimeName: data.value } })}
          data-testid="wizard-name"
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      <LoadStatus state={list} label={t('rt.wizard.instancesLoading')} />
      {list.kind === 'loaded' && list.value.length === 0 && <NoInstanceOfYours workspaceId={workspaceId} />}
      {list.kind === 'loaded' && list.value.length > 0 && (
        <Field label={t('rt.wizard.instances')} hint={t('rt.wizard.pickInstance')}>
          <RadioGroup
            value={choices.instance ?? ''}
            onChange={(_, data) => dispatch({ type: 'chooseInstance', instance: data.value })}
            data-testid="wizard-instances"
          >
            {list.value.map((choice) => (
              <Radio
                key={choice.instance.name}
                value={choice.instance.name}
                disabled={!choice.usable}
                data-testid={`instance-${choice.instance.name}`}
                label={<InstanceLabel choice={choice} />}
              />
            ))}
          </RadioGroup>
        </Field>
      )}
      {list.kind === 'loaded' &&
        list.value
          .filter((choice) => choice.checks.some((check) => check.status === 'failed' && check.fix?.type === 'startComputeInstance'))
          .map((choice) => (
            <div key={choice.instance.name} className={styles.instanceRow}>
              <Button
                onClick={() => onStart(choice.instance.name)}
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
      {list.kind !== 'loading' && (
        <div>
          <Button size="small" onClick={() => void instances.refresh()}>
            {t('rt.wizard.reloadInstances')}
          </Button>
        </div>
      )}
    </>
  );
}

function InstanceLabel({ choice }: { choice: InstanceChoice }) {
  const styles = useWizardStyles();
  return (
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
          // A check's title states what should hold ("The compute instance is running"), so it
          // is shown as not met, with what to do.
          <Text
            key={check.id}
            size={200}
            className={check.severity === 'blocker' ? styles.problem : styles.caution}
            data-severity={check.severity}
            data-testid="instance-problem"
          >
            {t('rt.wizard.instanceProblem', { title: check.title })}
            {check.remedy ? ` ${t('rt.checks.remedy', { remedy: check.remedy })}` : ''}
          </Text>
        ))}
    </span>
  );
}

/**
 * The user has no instance of their own. When the workspace has someone else's, the core says
 * whose each is, and this says so (instead of "no compute instance", which reads as none at all),
 * with what to do: create one's own.
 */
function NoInstanceOfYours({ workspaceId }: { workspaceId: string }) {
  const others = useQuery(workspaceId, () => backend.listOthersComputeInstances(workspaceId));
  const theirs = others.data ?? [];
  if (others.state.kind === 'loading') return <LoadStatus state={others.state} label={t('rt.wizard.instancesLoading')} />;
  return (
    <Notice layout="auto" intent="warning" data-testid="wizard-no-instances" data-others={theirs.length}>
      {theirs.length === 0 ? (
        t('rt.wizard.noInstances')
      ) : (
        <>
          {t('rt.wizard.othersOnly')}
          <ul>
            {theirs.map((instance) => (
              <li key={instance.name} data-testid="wizard-other-instance">
                {instance.assignedTo
                  ? t('rt.wizard.otherInstance', { name: instance.name, who: instance.assignedTo })
                  : t('rt.wizard.otherInstanceUnnamed', { name: instance.name })}
              </li>
            ))}
          </ul>
          {t('rt.wizard.createOwn')}
        </>
      )}
    </Notice>
  );
}
