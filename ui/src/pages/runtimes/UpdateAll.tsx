import {
  Button,
  Checkbox,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { RuntimeVersionStatus, UpdateAllItem, WorkspaceSummary } from '../../backend';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormDialog } from '../../components/FormDialog';
import { CopyableText } from './CopyableText';
import { useUpdates } from '../../updates/UpdatesProvider';
import { attentionText, environmentName, summaryHeadline, versionWithAge, type UpdateAllPlan } from '../../updates/model';
import { Notice } from '../../components/Notice';

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS },
  block: { display: 'block', margin: `${tokens.spacingVerticalXXS} 0` },
  checks: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start' },
});

/** A runtime's name, with its workspace's when the update spans several workspaces. */
function runtimeLabel(runtime: RuntimeVersionStatus, manyWorkspaces: boolean): string {
  return manyWorkspaces ? `${runtime.workspaceName}/${runtime.runtimeName}` : runtime.runtimeName;
}

function directLine(runtime: RuntimeVersionStatus, manyWorkspaces: boolean): string {
  const name = runtimeLabel(runtime, manyWorkspaces);
  return runtime.current ? `${name}: ${versionWithAge(runtime.current)}` : name;
}

function notNeededLine(runtime: RuntimeVersionStatus, manyWorkspaces: boolean): string {
  return t('upd.all.notNeededItem', { name: runtimeLabel(runtime, manyWorkspaces), version: runtime.latest?.label ?? '' });
}

/** One group of the confirmation's plan: a heading and a line per runtime. */
function PlanList({
  title,
  testId,
  runtimes,
  line,
  footer,
}: {
  title: string;
  testId: string;
  runtimes: RuntimeVersionStatus[];
  line: (runtime: RuntimeVersionStatus) => string;
  footer?: string;
}) {
  const styles = useStyles();
  return (
    <div className={styles.box}>
      <Text weight="semibold">{title}</Text>
      <ul className={styles.list} data-testid={testId}>
        {runtimes.map((runtime) => (
          <li key={runtime.key}>{line(runtime)}</li>
        ))}
      </ul>
      {footer && <Text size={200}>{footer}</Text>}
    </div>
  );
}

/** Which workspaces "Update all" covers: the one on screen, and any others the user ticks. */
export type WorkspaceScope = {
  workspaces: WorkspaceSummary[];
  chosen: string[];
  checking: boolean;
  onToggle: (workspaceId: string, included: boolean) => void;
};

/** The confirmation of "Update all": what will be updated, what needs the user, what is left alone. */
export function UpdateAllDialog({
  open,
  workspaceName,
  plan,
  scope,
  onConfirm,
  onClose,
}: {
  open: boolean;
  workspaceName: string;
  plan: UpdateAllPlan;
  scope?: WorkspaceScope;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const styles = useStyles();
  const many = (scope?.chosen.length ?? 1) > 1;
  return (
    <FormDialog
      open={open}
      title={many ? t('upd.all.titleMany', { count: scope?.chosen.length ?? 1 }) : t('upd.all.title', { workspace: workspaceName })}
      onClose={onClose}
      testId="update-all-dialog"
      cancel={{ testId: 'update-all-cancel' }}
      actions={
        <Button appearance="primary" disabled={plan.direct.length === 0 || scope?.checking === true} onClick={onConfirm} data-testid="update-all-confirm">
          {t('upd.all.confirm', { count: plan.direct.length })}
        </Button>
      }
    >
      {scope && scope.workspaces.length > 1 && (
        <div className={styles.box} data-testid="update-all-workspaces">
          <Text weight="semibold">{t('upd.all.workspaces')}</Text>
          <div className={styles.checks}>
            {scope.workspaces.map((workspace) => (
              <Checkbox
                key={workspace.id}
                checked={scope.chosen.includes(workspace.id)}
                onChange={(_, data) => scope.onToggle(workspace.id, data.checked === true)}
                label={workspace.name}
                data-testid={`update-all-workspace-${workspace.name}`}
              />
            ))}
          </div>
          {scope.checking && <Spinner size="extra-tiny" labelPosition="after" label={t('upd.all.checking')} />}
        </div>
      )}
      {plan.direct.length > 0 ? (
        <PlanList
          title={t(plan.latestIsFinal ? 'upd.all.directFinal' : 'upd.all.direct', { count: plan.direct.length })}
          testId="update-all-direct"
          runtimes={plan.direct}
          line={(runtime) => directLine(runtime, many)}
          footer={t('upd.all.restarts')}
        />
      ) : (
        <Text>{t('upd.all.directNone')}</Text>
      )}
      {plan.attention.length > 0 && (
        <PlanList
          title={t('upd.all.attention', { count: plan.attention.length })}
          testId="update-all-attention"
          runtimes={plan.attention}
          line={(runtime) =>
            runtime.customEnvironment
              ? t('upd.all.attentionItem', { name: runtimeLabel(runtime, many), environment: environmentName(runtime.customEnvironment) })
              : t('upd.all.attentionOther', { name: runtimeLabel(runtime, many) })
          }
        />
      )}
      {plan.alreadyUpdating.length > 0 && (
        <PlanList
          title={t('upd.all.already', { count: plan.alreadyUpdating.length })}
          testId="update-all-already"
          runtimes={plan.alreadyUpdating}
          line={(runtime) => runtimeLabel(runtime, many)}
        />
      )}
      {plan.notNeeded.length > 0 && (
        <PlanList
          title={t('upd.all.notNeeded', { count: plan.notNeeded.length })}
          testId="update-all-not-needed"
          runtimes={plan.notNeeded}
          line={(runtime) => notNeededLine(runtime, many)}
        />
      )}
    </FormDialog>
  );
}

function itemLine(item: UpdateAllItem): string {
  const name = item.runtimeName;
  switch (item.outcome) {
    case 'updated':
      return item.to ? t('upd.all.item.updated', { name, version: item.to.label }) : t('upd.all.item.updatedPlain', { name });
    case 'failed':
      return t('upd.all.item.failed', { name, message: item.error ? `${item.error.message} ${item.error.remedy ?? ''}`.trim() : '' });
    case 'needsAttention':
      return t('upd.all.item.needsAttention', { name, attention: attentionText(item) });
    case 'alreadyUpdating':
      return t('upd.all.item.alreadyUpdating', { name });
  }
}

/** "Update all" while it runs, then its one summary (kept until dismissed). */
export function UpdateAllStatus() {
  const styles = useStyles();
  const updates = useUpdates();
  const run = updates.updateAll;
  if (!run) return null;
  if (run.kind === 'running') {
    return (
      <Notice layout="auto" intent="info" data-testid="update-all-running" tabIndex={-1}>
        <Spinner size="extra-tiny" labelPosition="after" label={t('upd.all.running', { count: run.plan.direct.length })} />
      </Notice>
    );
  }
  if (run.kind === 'failed') {
    return (
      <div className={styles.box} data-testid="update-all-summary" data-failed="true">
        <ErrorMessage error={run.error} />
        <div className={styles.actions}>
          <Button size="small" onClick={updates.clearUpdateAll}>
            {t('upd.result.dismiss')}
          </Button>
        </div>
      </div>
    );
  }
  const { summary } = run;
  const intent = summary.failed > 0 ? 'error' : summary.needsAttention > 0 ? 'warning' : 'success';
  return (
    <MessageBar intent={intent} layout="multiline" data-testid="update-all-summary" data-failed={summary.failed > 0}>
      <MessageBarBody>
        <MessageBarTitle className={styles.block}>{t('upd.all.summaryTitle')}</MessageBarTitle>
        <Text as="p" className={styles.block} data-testid="update-all-headline">
          {summaryHeadline(summary)}
        </Text>
        <ul className={styles.list}>
          {summary.items.map((item) => (
            <li key={`${item.workspaceId}/${item.runtimeName}`} data-testid={`update-all-item-${item.runtimeName}`} data-outcome={item.outcome}>
              {itemLine(item)}
            </li>
          ))}
          {run.plan.notNeeded.map((runtime) => (
            <li key={runtime.key} data-testid={`update-all-item-${runtime.runtimeName}`} data-outcome="notNeeded">
              {notNeededLine(runtime, false)}
            </li>
          ))}
          {summary.problems.map((problem) => (
            <li key={problem.workspaceId}>
              {t('upd.all.problem', { workspace: problem.workspaceId, message: problem.error.message })}
            </li>
          ))}
        </ul>
        {summary.dockerfileFromLine && (
          <div className={styles.box}>
            <Text>{t('upd.all.fromLine')}</Text>
            <CopyableText text={summary.dockerfileFromLine} testId="update-all-from-line" />
          </div>
        )}
        <div className={styles.actions}>
          <Button size="small" onClick={updates.clearUpdateAll} data-testid="update-all-dismiss">
            {t('upd.result.dismiss')}
          </Button>
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}
