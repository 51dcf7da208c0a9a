import {
  Badge,
  Body1,
  Button,
  Caption1,
  CardHeader,
  Text,
  makeStyles,
  tokens,
  type BadgeProps,
} from '@fluentui/react-components';
import { Card } from '../components/Card';
import type { OperationState } from '../backend';
import { formatDateTime, formatDuration, t, type MessageKey } from '../i18n';
import { PageHeading } from '../components/PageHeading';
import { ErrorMessage } from '../components/ErrorMessage';
import { useOperations, type TrackedOperation } from '../data/operations';
import { useNow } from '../components/useNow';
import { RawDetails } from '../components/RawDetails';
import { describeTarget, stageSentence } from '../data/plainWords';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  toolbar: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, margin: 0, padding: 0, listStyle: 'none' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  details: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  target: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
  footer: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  grow: { flexGrow: 1 },
});

const STATE_BADGE: Record<OperationState, { color: BadgeProps['color']; label: MessageKey }> = {
  running: { color: 'informative', label: 'activity.state.running' },
  succeeded: { color: 'success', label: 'activity.state.succeeded' },
  failed: { color: 'danger', label: 'activity.state.failed' },
  cancelled: { color: 'subtle', label: 'activity.state.cancelled' },
};

function OperationCard({ operation, now }: { operation: TrackedOperation; now: number }) {
  const styles = useStyles();
  const { cancel } = useOperations();
  const { snapshot, receivedAt } = operation;
  const running = snapshot.state === 'running';
  const elapsed = running ? snapshot.elapsedMs + Math.max(0, now - receivedAt) : snapshot.elapsedMs;
  const badge = STATE_BADGE[snapshot.state];
  return (
    <li>
      <Card className={styles.card} data-testid={`operation-${snapshot.id}`} data-state={snapshot.state}>
        <CardHeader
          header={
            <Text as="h2" weight="semibold" size={400} data-testid="operation-title">
              {snapshot.title}
            </Text>
          }
          action={
            <Badge appearance="tint" color={badge.color} data-testid="operation-state">
              {t(badge.label)}
            </Badge>
          }
        />
        <div className={styles.details}>
          <Caption1 className={styles.target} data-testid="operation-target">
            {describeTarget(snapshot)}
          </Caption1>
          {running && <Body1 data-testid="operation-stage">{stageSentence(snapshot)}</Body1>}
          {snapshot.message && <Body1 data-testid="operation-message">{snapshot.message}</Body1>}
          {snapshot.resumed && <Caption1>{t('activity.resumed')}</Caption1>}
        </div>
        {snapshot.error && <ErrorMessage error={snapshot.error} />}
        <RawDetails testId="operation-raw">{snapshot.target}</RawDetails>
        <div className={styles.footer}>
          <Caption1 className={styles.grow} data-testid="operation-elapsed">
            {t(running ? 'activity.timing.running' : 'activity.timing.finished', {
              start: formatDateTime(snapshot.startedAt),
              time: formatDuration(elapsed),
            })}
          </Caption1>
          {running && (
            <Button onClick={() => void cancel(snapshot.id)} data-testid="operation-cancel">
              {t('activity.cancel')}
            </Button>
          )}
        </div>
      </Card>
    </li>
  );
}

export function Activity() {
  const styles = useStyles();
  const { list: operations, runningCount, error, clearFinished } = useOperations();
  const now = useNow(runningCount > 0);
  const finished = operations.length - runningCount;
  return (
    <section className={styles.page} data-testid="activity">
      <PageHeading>{t('activity.heading')}</PageHeading>
      {error && <ErrorMessage error={error} />}
      {operations.length === 0 ? (
        <Body1>{t('activity.empty')}</Body1>
      ) : (
        <>
          <div className={styles.toolbar}>
            <Body1 className={styles.grow} role="status">
              {t('activity.running', { count: runningCount })}
            </Body1>
            <Button
              disabled={finished === 0}
              onClick={() => void clearFinished()}
              data-testid="activity-clear-finished"
            >
              {t('activity.clearFinished')}
            </Button>
          </div>
          <ul className={styles.list} data-testid="operation-list">
            {operations.map((operation) => (
              <OperationCard key={operation.snapshot.id} operation={operation} now={now} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
