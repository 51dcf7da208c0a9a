import { Button, Text } from '@fluentui/react-components';
import type { OperationSnapshot } from '../../../backend';
import { t } from '../../../i18n';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { CreateRetirementNote } from '../../../components/RetirementNotice';
import { OperationProgress } from './OperationProgress';
import type { WizardState } from './state';
import { useWizardStyles } from './styles';

/** The last step: what will be created, then the create with its progress and a cancel. */
export function CreateStep({
  state,
  snapshot,
  now,
  onCreate,
  onCancel,
}: {
  state: WizardState;
  /** The create operation the backend reports, once it does. */
  snapshot: OperationSnapshot | null;
  now: number;
  onCreate: () => void;
  onCancel: (operationId: string) => void;
}) {
  const styles = useWizardStyles();
  const { choices, creating, createError } = state;
  const app =
    choices.appKind === 'existing'
      ? t('rt.wizard.summary.existing', { app: choices.existingApp ?? '' })
      : choices.environment
        ? t('rt.wizard.summary.newCustom', { environment: choices.environment })
        : t('rt.wizard.summary.new');
  return (
    <>
      <Text data-testid="wizard-summary">
        {t('rt.wizard.summary', { name: choices.runtimeName.trim(), instance: choices.instance ?? '', app })}
      </Text>
      <CreateRetirementNote />
      {creating && <OperationProgress snapshot={snapshot} startedAt={creating.since} now={now} />}
      {createError && <ErrorMessage error={createError} />}
      <div className={styles.nav}>
        {creating && snapshot && (
          <Button onClick={() => onCancel(snapshot.id)} data-testid="wizard-cancel-create">
            {t('rt.wizard.cancelCreate')}
          </Button>
        )}
        <Button appearance="primary" onClick={onCreate} disabled={creating !== null} data-testid="wizard-create">
          {creating ? t('rt.wizard.creating') : createError ? t('rt.wizard.retry') : t('rt.wizard.create')}
        </Button>
      </div>
    </>
  );
}
