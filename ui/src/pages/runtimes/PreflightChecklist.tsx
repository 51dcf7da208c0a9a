import { Badge, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { CheckResult, CheckStatus } from '../../backend';
import { t, type MessageKey } from '../../i18n';
import { ExternalLink } from '../../components/ExternalLink';
import { OneClickGrant } from '../permissions/OneClickGrant';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: {
    display: 'grid',
    gridTemplateColumns: '28px 1fr',
    columnGap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
  },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: 0 },
  titleRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  evidence: { margin: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground3 },
  term: { fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

const STATUS: Record<CheckStatus, { symbol: string; color: 'success' | 'danger' | 'warning' | 'informative'; label: MessageKey }> = {
  passed: { symbol: '✓', color: 'success', label: 'rt.checks.passed' },
  failed: { symbol: '✕', color: 'danger', label: 'rt.checks.failed' },
  unknown: { symbol: '?', color: 'informative', label: 'rt.checks.unknown' },
};

// A notice is no requirement: what it found is worth knowing (network isolation, say) and is
// neither passed nor "not met".
const NOTICE = { symbol: 'i', color: 'informative' as const, label: 'rt.checks.notice' as MessageKey };

function statusLook(check: CheckResult) {
  const look = STATUS[check.status];
  if (check.status === 'failed' && check.severity === 'info') return NOTICE;
  // A failed warning does not block anything: show it in amber, not red.
  if (check.status === 'failed' && check.severity !== 'blocker') return { ...look, color: 'warning' as const };
  return look;
}

/** The title as the list shows it, worded by the check's outcome and severity. */
export function checkTitle(check: CheckResult): string {
  if (check.status === 'unknown') return t('rt.checks.unknownTitle', { title: check.title });
  if (check.status === 'failed' && check.severity !== 'info') return t('rt.checks.notMetTitle', { title: check.title });
  return check.title;
}

/**
 * Every preflight check with what it saw and, when it did not pass, what to do. With a
 * `workspaceId`, a missing role the user may grant themself comes with "Grant to me", and
 * `onGranted` runs once the role is in effect (to check again).
 */
export function PreflightChecklist({
  checks,
  workspaceId,
  onGranted,
}: {
  checks: CheckResult[];
  workspaceId?: string;
  onGranted?: () => void;
}) {
  const styles = useStyles();
  return (
    <ul className={styles.list} data-testid="preflight-checklist">
      {checks.map((check) => {
        const look = statusLook(check);
        return (
          <li key={check.id} className={styles.item} data-testid={`check-${check.id}`} data-status={check.status} data-severity={check.severity}>
            <Badge shape="circular" color={look.color} aria-label={t(look.label)} title={t(look.label)}>
              {look.symbol}
            </Badge>
            <div className={styles.body}>
              <div className={styles.titleRow}>
                {/* A title states what should hold; one that did not is said to be not met, so a
                    red mark never sits beside a sentence that reads as true. A notice's title says
                    what was found. */}
                <Text weight="semibold" data-testid="check-title">
                  {checkTitle(check)}
                </Text>
                {check.status !== 'passed' && (
                  <Badge appearance="tint" color={look.color} size="small">
                    {t(`rt.checks.severity.${check.severity}` as MessageKey)}
                  </Badge>
                )}
              </div>
              {check.evidence.length > 0 && (
                <dl className={styles.evidence}>
                  {check.evidence.map((item) => (
                    <div key={item.label} style={{ display: 'contents' }}>
                      <dt className={styles.term}>{item.label}</dt>
                      <dd className={styles.value}>{item.value}</dd>
                    </div>
                  ))}
                </dl>
              )}
              {check.status !== 'passed' && check.remedy && (
                <Text data-testid="check-remedy">{t('rt.checks.remedy', { remedy: check.remedy })}</Text>
              )}
              {check.status !== 'passed' && check.fix?.type === 'grantDataScientistToMe' && workspaceId && (
                <OneClickGrant to="me" workspaceId={workspaceId} onFinished={(outcome) => outcome.visible && onGranted?.()} />
              )}
              {check.status !== 'passed' && check.fix?.type === 'startComputeInstance' && (
                <Text size={200}>{t('rt.checks.startInWizard')}</Text>
              )}
              {check.link && (
                <Text size={200}>
                  {t('rt.checks.link')}{' '}
                  <ExternalLink href={check.link} testId={`check-link-${check.id}`}>
                    {check.link}
                  </ExternalLink>
                </Text>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
