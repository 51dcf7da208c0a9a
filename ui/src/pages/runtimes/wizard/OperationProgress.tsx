import { ProgressBar, Text } from '@fluentui/react-components';
import type { OperationSnapshot } from '../../../backend';
import { formatDuration, t, type MessageKey } from '../../../i18n';
import { useWizardStyles } from './styles';
import { useFocusOnMount } from '../../../components/focus';

/** An operation the wizard started (an instance start, the create): its stage and time so far. */
export function OperationProgress({ snapshot, startedAt, now }: { snapshot: OperationSnapshot | null; startedAt: number; now: number }) {
  const styles = useWizardStyles();
  const stage = snapshot ? t(`rt.stage.${snapshot.stage}` as MessageKey) : t('rt.stage.requested');
  // An operation that starts takes focus: the button that started it is off while it runs.
  const focusRef = useFocusOnMount<HTMLDivElement>();
  return (
    <div ref={focusRef} tabIndex={-1} aria-live="polite" data-testid="operation-progress" className={styles.progress}>
      <ProgressBar aria-label={stage} />
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
