import { Badge, Text, makeStyles, tokens, type BadgeProps } from '@fluentui/react-components';
import type { OperationSnapshot } from '../../backend';
import { formatDuration, t, type MessageKey } from '../../i18n';
import { useOperations } from '../../data/operations';
import { UPDATE_STEPS, isUpdateOf, updateStepStates, type StepState } from '../../updates/model';
import { useNow } from '../../components/useNow';
import { useFocusOnMount } from '../../components/focus';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  step: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const STEP_BADGE: Record<StepState, { color: BadgeProps['color']; label: MessageKey }> = {
  done: { color: 'success', label: 'upd.step.done' },
  current: { color: 'brand', label: 'upd.step.current' },
  waiting: { color: 'subtle', label: 'upd.step.waiting' },
};

/**
 * The newest update operation of a runtime, by the core's key of the runtime (started at or
 * after `since`, when given).
 */
export function useUpdateOperation(runtimeKey: string, since?: number): OperationSnapshot | null {
  const { list: operations } = useOperations();
  // The store lists the newest first.
  const found = operations.find(
    ({ snapshot }) =>
      isUpdateOf(snapshot, runtimeKey) &&
      (since === undefined || Date.parse(snapshot.startedAt) >= since - 5000),
  );
  return found?.snapshot ?? null;
}

/** Where an update is: request sent → application restarting → runtime starting → running on the new version. */
export function UpdateProgress({ snapshot, since, takeFocus = false }: { snapshot: OperationSnapshot | null; since: number; takeFocus?: boolean }) {
  const styles = useStyles();
  // Where the update was started, its progress takes focus, so the keyboard is not left on a
  // button that went away.
  const focusRef = useFocusOnMount<HTMLDivElement>(takeFocus);
  const finished = snapshot !== null && snapshot.state === 'succeeded';
  const running = snapshot === null || snapshot.state === 'running';
  const now = useNow(running);
  const states = updateStepStates(snapshot?.stage ?? null, finished);
  const elapsed = snapshot && !running ? snapshot.elapsedMs : now - since;
  return (
    <div ref={focusRef} tabIndex={takeFocus ? -1 : undefined} className={styles.box} aria-live="polite" data-testid="update-progress" data-stage={snapshot?.stage ?? 'requested'}>
      <ol className={styles.steps}>
        {UPDATE_STEPS.map((step) => (
          <li key={step} data-testid={`update-step-${step}`} data-state={states[step]}>
            <span className={styles.step}>
              <Text weight={states[step] === 'current' ? 'semibold' : 'regular'}>{t(`upd.step.${step}`)}</Text>
              <Badge appearance="tint" size="small" color={STEP_BADGE[states[step]].color}>
                {t(STEP_BADGE[states[step]].label)}
              </Badge>
            </span>
          </li>
        ))}
      </ol>
      {snapshot?.message && running && (
        <Text className={styles.muted} data-testid="update-message">
          {t('rt.wizard.serviceMessage', { message: snapshot.message })}
        </Text>
      )}
      <Text size={200} className={styles.muted}>
        {t('duration.elapsed', { time: formatDuration(elapsed) })}
      </Text>
    </div>
  );
}
