import { useEffect, useState } from 'react';
import {
  Body1,
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  backend,
  toAppError,
  type AppError,
  type CostState,
  type Countdown,
  type DecommissionPlan,
  type DecommissionReport,
  type PlanItem,
} from '../backend';
import { ErrorMessage } from '../components/ErrorMessage';
import { latestOperation, useOperations } from '../data/operations';
import { t, type MessageKey } from '../i18n';
import { ListTable, type Column } from '../components/FittedTable';
import { kindLabel } from './Inventory';


/** The plan's opening line: the days left, or that prompt flow has retired (the core's countdown decides). */
export function introText(countdown: Countdown): string {
  return countdown.kind === 'daysLeft' ? t('dec.intro', { days: countdown.days }) : t('dec.introRetired');
}

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, paddingTop: tokens.spacingVerticalL },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** "Running (billed) · Standard_DS3_v2 × 2 · idle shutdown 60 min". */
export function planCost(item: PlanItem): string {
  const parts = [t(`dec.cost.${item.cost}` as MessageKey)];
  if (item.size) parts.push(item.size);
  if (item.idleShutdownMinutes !== undefined) parts.push(t('dec.idle', { minutes: item.idleShutdownMinutes }));
  return parts.join(' · ');
}

/** The suggested items, ticked when the plan opens. */
export function suggested(plan: DecommissionPlan): Set<string> {
  return new Set(plan.items.filter((item) => item.suggested).map((item) => item.id));
}

type Step =
  | { kind: 'loading' }
  | { kind: 'error'; error: AppError }
  | { kind: 'plan'; plan: DecommissionPlan }
  | { kind: 'applying'; plan: DecommissionPlan; since: number }
  | { kind: 'done'; plan: DecommissionPlan; report: DecommissionReport };

const costIntent = (cost: CostState) => (cost === 'running' ? 'warning' : 'info');

/**
 * Once flows have moved: what prompt flow left in the workspace that can go, what each costs
 * while running, ticked by the user; the removal is confirmed by typing the workspace's name and
 * shows its progress (cancel here or in Activity). What something that stays uses is listed apart.
 */
export function DecommissionPanel({ workspaceId, onClose }: { workspaceId: string; onClose: () => void }) {
  const styles = useStyles();
  const operations = useOperations();
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [typed, setTyped] = useState('');
  const [applyError, setApplyError] = useState<AppError | null>(null);

  useEffect(() => {
    let live = true;
    backend
      .decommissionPlan(workspaceId, undefined)
      .then((plan) => {
        if (!live) return;
        setTicked(suggested(plan));
        setStep({ kind: 'plan', plan });
      })
      .catch((reason: unknown) => {
        if (live) setStep({ kind: 'error', error: toAppError(reason) });
      });
    return () => {
      live = false;
    };
  }, [workspaceId]);

  const apply = async (plan: DecommissionPlan) => {
    setApplyError(null);
    setStep({ kind: 'applying', plan, since: Date.now() });
    try {
      const report = await backend.decommissionApply({
        workspaceId,
        confirmWorkspace: typed,
        selected: plan.items.filter((item) => ticked.has(item.id)).map((item) => item.id),
      });
      setStep({ kind: 'done', plan, report });
    } catch (reason) {
      setApplyError(toAppError(reason));
      setStep({ kind: 'plan', plan });
    }
  };

  const toggle = (id: string, on: boolean) => {
    const next = new Set(ticked);
    if (on) next.add(id);
    else next.delete(id);
    setTicked(next);
  };

  if (step.kind === 'loading') return <Spinner size="small" label={t('dec.loading')} data-testid="decommission-loading" />;
  if (step.kind === 'error') return <ErrorMessage error={step.error} />;
  const plan = step.plan;
  const snapshot =
    step.kind === 'applying' ? latestOperation(operations.list, step.since, (s) => s.kind === 'decommission') : null;
  const outcomeOf = (item: PlanItem) => (step.kind === 'done' ? step.report.outcomes.find((o) => o.id === item.id) : undefined);
  const planColumns: Column<PlanItem>[] = [
    {
      heading: 'dec.col.remove',
      cell: (item) => (
        <Checkbox
          checked={ticked.has(item.id)}
          disabled={step.kind !== 'plan'}
          onChange={(_, data) => toggle(item.id, data.checked === true)}
          aria-label={t('dec.tick', { name: item.name })}
          data-testid={`decommission-tick-${item.id}`}
        />
      ),
    },
    { heading: 'dec.col.item', cell: (item) => t('dec.itemName', { kind: kindLabel(item.kind), name: item.name }) },
    { heading: 'dec.col.cost', cell: planCost },
    {
      heading: 'dec.col.why',
      cell: (item) => {
        const outcome = outcomeOf(item);
        return outcome ? (
          <Text weight="semibold" data-testid={`decommission-outcome-${item.id}`} data-state={outcome.state}>
            {t(`dec.outcome.${outcome.state}` as MessageKey)}
            {outcome.error ? `: ${outcome.error.message}` : outcome.message ? `: ${outcome.message}` : ''}
          </Text>
        ) : (
          <Text className={styles.muted}>{item.reason}</Text>
        );
      },
    },
  ];
  return (
    <section className={styles.panel} data-testid="decommission">
      <Text weight="semibold" size={500}>
        {t('dec.heading', { workspace: plan.workspaceName })}
      </Text>
      <Body1 data-testid="decommission-intro">{introText(plan.countdown)}</Body1>
      <MessageBar intent={plan.running > 0 ? 'warning' : 'info'} data-testid="decommission-running">
        <MessageBarBody>{t('dec.running', { running: plan.running })}</MessageBarBody>
      </MessageBar>
      {plan.items.length === 0 && <Text data-testid="decommission-empty">{t('dec.empty')}</Text>}
      {plan.items.length > 0 && (
        <ListTable
          size="small"
          aria-label={t('dec.heading', { workspace: plan.workspaceName })}
          columns={planColumns}
          rows={plan.items}
          rowKey={(item) => item.id}
          rowProps={(item) => ({ 'data-testid': `decommission-item-${item.id}`, 'data-cost': costIntent(item.cost) })}
        />
      )}
      {plan.kept.length > 0 && (
        <div data-testid="decommission-kept">
          <Text weight="semibold">{t('dec.kept')}</Text>
          {plan.kept.map((kept) => (
            <Body1 key={`${kept.kind}:${kept.name}`} as="p">
              {t('dec.keptItem', { kind: kindLabel(kept.kind), name: kept.name, reason: kept.reason })}
            </Body1>
          ))}
        </div>
      )}
      {step.kind === 'plan' && plan.items.length > 0 && (
        <div className={styles.row}>
          <Field label={t('dec.confirm', { workspace: plan.workspaceName })}>
            <Input value={typed} onChange={(_, data) => setTyped(data.value)} data-testid="decommission-confirm" />
          </Field>
          <Button
            appearance="primary"
            disabled={typed.trim() !== plan.workspaceName || ticked.size === 0}
            onClick={() => void apply(plan)}
            data-testid="decommission-apply"
          >
            {t('dec.apply', { count: ticked.size })}
          </Button>
          <Button onClick={onClose} data-testid="decommission-close">
            {t('dec.close')}
          </Button>
        </div>
      )}
      {applyError && <ErrorMessage error={applyError} />}
      {step.kind === 'applying' && (
        <div aria-live="polite" data-testid="decommission-progress">
          <ProgressBar />
          <Text>{snapshot?.message ?? t('dec.applying')}</Text>
          {snapshot && (
            <Button onClick={() => void operations.cancel(snapshot.id)} data-testid="decommission-cancel">
              {t('dec.cancel')}
            </Button>
          )}
        </div>
      )}
      {step.kind === 'done' && (
        <>
          <MessageBar
            intent={step.report.outcomes.some((o) => o.state === 'failed') ? 'error' : 'success'}
            data-testid="decommission-done"
          >
            <MessageBarBody>
              {t('dec.done', {
                workspace: step.report.workspaceName,
                removed: step.report.outcomes.filter((o) => o.state === 'removed' || o.state === 'alreadyGone').length,
                kept: step.report.outcomes.filter((o) => o.state === 'kept').length,
                failed: step.report.outcomes.filter((o) => o.state === 'failed').length,
              })}
            </MessageBarBody>
          </MessageBar>
          <Button onClick={onClose} data-testid="decommission-close">
            {t('dec.close')}
          </Button>
        </>
      )}
    </section>
  );
}
