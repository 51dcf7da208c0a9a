import { ProgressBar, Text, makeStyles, tokens } from '@fluentui/react-components';
import { formatDuration, t, type MessageKey } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { latestOperation, useOperations } from '../../data/operations';
import { isGrant, outcomeLook } from './model';
import type { GrantState } from './useGrant';
import { useNow } from '../../components/useNow';
import { Notice } from '../../components/Notice';

const useStyles = makeStyles({
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * A grant as it happens: the request, then Azure's delay in applying the role (re-checked until
 * it is in effect), then what came of it. The same operation shows in Activity.
 */
export function GrantProgress({ state }: { state: GrantState }) {
  const styles = useStyles();
  const { list: operations } = useOperations();
  const running = state.kind === 'running';
  const now = useNow(running);
  if (state.kind === 'idle') return null;
  if (state.kind === 'failed') return <ErrorMessage error={state.error} />;
  if (state.kind === 'done') {
    const look = outcomeLook(state.outcome);
    return (
      <Notice intent={look.intent} data-testid="grant-outcome" data-status={state.outcome.status} data-visible={state.outcome.visible} title={t(look.title)} titleOwnLine>
        {state.outcome.message}
      </Notice>
    );
  }
  const snapshot = latestOperation(operations, state.since, isGrant);
  const stage = snapshot ? t(`rt.stage.${snapshot.stage}` as MessageKey) : t('rt.stage.requested');
  return (
    <div className={styles.progress} aria-live="polite" data-testid="grant-progress" data-stage={snapshot?.stage ?? 'requested'}>
      <ProgressBar aria-label={stage} />
      <div className={styles.row}>
        <Text weight="semibold" data-testid="grant-stage">
          {stage}
        </Text>
        <Text className={styles.muted}>{t('duration.elapsed', { time: formatDuration(now - state.since) })}</Text>
      </div>
      <Text className={styles.muted}>{t('perm.grant.patience')}</Text>
    </div>
  );
}
