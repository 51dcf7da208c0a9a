import { useId, useState } from 'react';
import { Button, Link, Subtitle2, Text, makeStyles, tokens } from '@fluentui/react-components';
import { Card } from '../../components/Card';
import type { WorkspaceCheck, WorkspaceSummary } from '../../backend';
import { t } from '../../i18n';
import { LoadStatus } from '../../components/LoadStatus';
import type { Loaded } from '../../data/query';
import { PreflightChecklist } from './PreflightChecklist';

const useStyles = makeStyles({
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' },
  summary: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
});

/**
 * The workspace's prerequisites. When every check passes, the list folds away behind
 * "Show the checks" so the runtimes come into view; once a check has not passed, the list
 * stays open for this workspace, so the user sees the check they fixed turn green.
 * Render it with `key={workspace.id}` so each workspace starts afresh.
 */
export function PreflightCard({
  workspace,
  check,
  onCheckAgain,
}: {
  workspace: WorkspaceSummary;
  check: Loaded<WorkspaceCheck> | null;
  onCheckAgain: () => void;
}) {
  const styles = useStyles();
  const listId = useId();
  const [open, setOpen] = useState<boolean | null>(null);
  const checks = check?.kind === 'loaded' ? check.value.report.checks : [];
  const notPassed = checks.filter((item) => item.status !== 'passed').length;
  const allPassed = check?.kind === 'loaded' && notPassed === 0;
  // Adjusting state while rendering: a check that has not passed opens the list for good.
  if (open === null && check?.kind === 'loaded' && !allPassed) setOpen(true);
  const expanded = open ?? !allPassed;

  return (
    <Card className={styles.card} data-testid="preflight">
      <div className={styles.header}>
        <Subtitle2 as="h2">{t('rt.checks.heading')}</Subtitle2>
        <Button size="small" onClick={onCheckAgain} disabled={check?.kind === 'loading'}>
          {t('rt.checks.rerun')}
        </Button>
      </div>
      <LoadStatus state={check} label={t('rt.checks.loading')} />
      {check?.kind === 'loaded' && (
        <>
          <div className={styles.summary}>
            <Text data-testid="preflight-summary" data-blocked={check.value.report.blocked}>
              {!check.value.report.blocked
                ? notPassed === 0
                  ? t('rt.checks.allPassed')
                  : // A warning or notice shows as not met below: the summary must not say all is met.
                    notPassed === 1
                    ? t('rt.checks.notBlockedOne')
                    : t('rt.checks.notBlockedMany', { count: notPassed })
                : check.value.report.blocking?.kind === 'couldNotTell'
                  ? t('rt.checks.couldNotTell')
                  : t('rt.checks.blocked')}
            </Text>
            {allPassed && (
              <Link
                as="button"
                aria-expanded={expanded}
                aria-controls={listId}
                onClick={() => setOpen(!expanded)}
                data-testid="preflight-toggle"
              >
                {expanded ? t('rt.checks.hide') : t('rt.checks.show', { count: checks.length })}
              </Link>
            )}
          </div>
          <div id={listId} hidden={!expanded}>
            <PreflightChecklist checks={checks} workspaceId={workspace.id} onGranted={onCheckAgain} />
          </div>
        </>
      )}
    </Card>
  );
}
