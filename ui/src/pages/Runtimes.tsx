import { useEffect, useMemo, useState } from 'react';
import {
  Body1,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { Card } from '../components/Card';
import { backend, type RuntimeSummary, type WorkspaceSummary } from '../backend';
import { useQuery } from '../data/query';
import { t } from '../i18n';
import { LoadStatus } from '../components/LoadStatus';
import { PageHeading } from '../components/PageHeading';
import { SHORT_WINDOW_QUERY } from '../components/useShortWindow';
import { byTestId, focusWhenShown } from '../components/focus';
import { WorkspaceChooser, useWorkspaceChoice } from './runtimes/WorkspaceChooser';
import { PreflightCard } from './runtimes/PreflightCard';
import { RuntimeList } from './runtimes/RuntimeList';
import type { RoleRequest } from '../components/DiagnosisPanel';
import { RuntimeDetailsView } from './runtimes/RuntimeDetailsView';
import { AddRuntimeWizard } from './runtimes/AddRuntimeWizard';
import { QuickCreate } from './runtimes/QuickCreate';
import type { WizardChoices } from './runtimes/model';
import { UpdateAllDialog, UpdateAllStatus } from './runtimes/UpdateAll';
import { UpdateRuntimeDialog } from './runtimes/UpdateRuntimeDialog';
import { useUpdates } from '../updates/UpdatesProvider';
import { useOperations } from '../data/operations';
import { planUpdateAll, runtimesBeingUpdated } from '../updates/model';
import { ProblemNotice } from '../components/Notice';

const useStyles = makeStyles({
  // Tables take the width of a large window; beyond 1600 px rows grow too long to read across.
  page: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    maxWidth: '1600px',
    // A short window keeps its height for the runtime's details.
    [`@media ${SHORT_WINDOW_QUERY}`]: { rowGap: tokens.spacingVerticalS },
  },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  header: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' },
  reason: { color: tokens.colorPaletteRedForeground1 },
  versions: { color: tokens.colorNeutralForeground2 },
});

export type View =
  | { kind: 'list' }
  /** A runtime's details: its name, and the core's key for matching its version and update. */
  | { kind: 'details'; name: string; key: string }
  | { kind: 'quick' }
  | { kind: 'wizard'; choices?: WizardChoices };

/**
 * `onOpenPermissions` leads to the Permissions page (from the wizard's last step, or a
 * diagnosis asking for a role); `initialView` opens the page on the wizard (the menu's
 * "New runtime").
 */
export function Runtimes({
  onOpenPermissions,
  initialView,
}: { onOpenPermissions?: (request?: RoleRequest) => void; initialView?: View } = {}) {
  const styles = useStyles();
  const workspaceChoice = useWorkspaceChoice();
  const { workspace } = workspaceChoice;
  const workspaceId = workspace?.id ?? null;
  // Keyed by the workspace: right after a switch, or when a slow answer for the previous
  // workspace arrives, its report must not stand for the new one.
  const checks = useQuery(workspaceId, () => backend.checkWorkspace(workspaceId!));
  const runtimesQuery = useQuery(workspaceId, () => backend.listRuntimes(workspaceId!));
  const runtimes = runtimesQuery.state;
  const [view, setView] = useState<View>(initialView ?? { kind: 'list' });
  const [confirmingUpdateAll, setConfirmingUpdateAll] = useState(false);
  // The runtime whose row's Update button was chosen: its update dialog opens over the list.
  const [rowUpdate, setRowUpdate] = useState<RuntimeSummary | null>(null);
  // The runtime the quick create panel just made, announced above the list.
  const [justCreated, setJustCreated] = useState<RuntimeSummary | null>(null);
  // The workspaces "Update all" covers: the one on screen first, then any the user adds.
  const [updateAllIds, setUpdateAllIds] = useState<string[]>([]);
  const updates = useUpdates();
  const { checkWorkspaces, startUpdateAll } = updates;
  const { list: operations } = useOperations();
  const updating = useMemo(() => runtimesBeingUpdated(operations.map((op) => op.snapshot)), [operations]);
  // A dialog opened from a control gives focus back to it when it closes.
  const restoreFocusTarget = useRestoreFocusTarget();

  useEffect(() => {
    if (workspaceId !== null) void checkWorkspaces([workspaceId]);
  }, [workspaceId, checkWorkspaces]);

  // When "Update all" ends, the list shows where each runtime is now.
  const updateAllKind = updates.updateAll?.kind;
  const { refresh: reloadRuntimes } = runtimesQuery;
  useEffect(() => {
    if (updateAllKind === 'done' || updateAllKind === 'failed') void reloadRuntimes();
  }, [updateAllKind, reloadRuntimes]);

  function choose(next: WorkspaceSummary) {
    workspaceChoice.choose(next);
    setView({ kind: 'list' });
  }

  const check = workspaceId === null ? null : checks.state;
  // The core decides what holds Add runtime back; the page only says it.
  const blocking = check?.kind === 'loaded' ? (check.value.report.blocking ?? null) : null;
  const checksReady = check?.kind === 'loaded';
  const canAdd = checksReady && !check.value.report.blocked;

  function refresh() {
    if (workspaceId === null) return;
    void reloadRuntimes();
    void checkWorkspaces([workspaceId]);
  }

  const report = workspaceId ? updates.reportOf(workspaceId) : undefined;
  const versionsChecking = workspaceId !== null && updates.checking.has(workspaceId);
  const versionsError = workspaceId ? updates.checkErrors.get(workspaceId) : undefined;
  const scopeIds = confirmingUpdateAll && updateAllIds.length > 0 ? updateAllIds : workspaceId ? [workspaceId] : [];
  const plan = planUpdateAll(
    scopeIds.flatMap((id) => updates.reportOf(id)?.runtimes ?? []),
    updating,
  );
  const allWorkspaces = workspaceChoice.listing.kind === 'loaded' ? workspaceChoice.listing.value.workspaces : [];

  function openUpdateAll() {
    if (workspaceId === null) return;
    setUpdateAllIds([workspaceId]);
    setConfirmingUpdateAll(true);
  }

  function toggleUpdateAllWorkspace(id: string, included: boolean) {
    setUpdateAllIds((current) => (included ? [...current.filter((other) => other !== id), id] : current.filter((other) => other !== id)));
    if (included) void checkWorkspaces([id]);
  }
  const outdated = report?.outdatedCount ?? 0;
  // With no runtimes there is no version to wait for.
  const noRuntimes = runtimes.kind === 'loaded' && runtimes.value.length === 0;

  const addButton = (label: string) => (
    <Button appearance="primary" disabled={!canAdd} onClick={() => setView({ kind: 'quick' })} data-testid="add-runtime">
      {label}
    </Button>
  );

  return (
    <section className={styles.page} data-testid="runtimes">
      <PageHeading>{t('runtimes.heading')}</PageHeading>

      <WorkspaceChooser choice={workspaceChoice} onChoose={choose} chooseHint={t('rt.workspace.choose')} />

      {workspace && view.kind === 'quick' && (
        <QuickCreate
          key={workspace.id}
          workspace={workspace}
          existingNames={runtimes.kind === 'loaded' ? runtimes.value.map((runtime) => runtime.name) : []}
          onMoreOptions={(choices) => setView({ kind: 'wizard', choices })}
          onClose={(created) => {
            setView({ kind: 'list' });
            if (created) {
              setJustCreated(created);
              refresh();
            }
          }}
        />
      )}

      {workspace && view.kind === 'wizard' && (
        <AddRuntimeWizard
          key={workspace.id}
          workspace={workspace}
          initialChoices={view.choices}
          onOpenPermissions={onOpenPermissions && (() => onOpenPermissions())}
          onClose={(created) => {
            setView({ kind: 'list' });
            if (created) refresh();
            // Back in the list, focus is where the wizard was opened.
            focusWhenShown(byTestId('add-runtime'));
          }}
        />
      )}

      {workspace && view.kind === 'details' && (
        <RuntimeDetailsView
          key={`${workspace.id}/${view.name}`}
          workspace={workspace}
          runtimeName={view.name}
          runtimeKey={view.key}
          onBack={() => {
            setView({ kind: 'list' });
            refresh();
            // Back in the list, focus is on the runtime that was opened.
            focusWhenShown(byTestId('runtime-open', `runtime-row-${view.name}`));
          }}
          onDeleted={() => {
            setView({ kind: 'list' });
            refresh();
            // The runtime is gone: focus goes to the list it was in.
            focusWhenShown(byTestId('runtime-list-heading'));
          }}
          onOpenPermissions={onOpenPermissions}
        />
      )}

      {workspace && view.kind === 'list' && (
        <>
          <PreflightCard key={workspace.id} workspace={workspace} check={check} onCheckAgain={() => void checks.refresh()} />

          <Card className={styles.card}>
            <div className={styles.header}>
              <Subtitle2 as="h2" tabIndex={-1} data-testid="runtime-list-heading">
                {t('rt.list.heading', { workspace: workspace.name })}
              </Subtitle2>
              <div className={styles.row}>
                <Button onClick={refresh} disabled={runtimes.kind === 'loading'} data-testid="runtimes-refresh">
                  {t('rt.list.refresh')}
                </Button>
                <Button
                  onClick={openUpdateAll}
                  disabled={outdated === 0 || updates.updateAll?.kind === 'running'}
                  data-testid="update-all"
                  {...restoreFocusTarget}
                >
                  {t('upd.all.button')}
                </Button>
                {addButton(t('rt.list.add'))}
              </div>
            </div>
            {blocking?.kind === 'notMet' && (
              <Text className={styles.reason} data-testid="add-blocked-reason" data-kind={blocking.kind}>
                {t('rt.list.addBlocked', { reason: blocking.reason })}
              </Text>
            )}
            {blocking?.kind === 'couldNotTell' && (
              <div className={styles.row}>
                <Text className={styles.reason} data-testid="add-blocked-reason" data-kind={blocking.kind}>
                  {t('rt.list.couldNotTell', { reason: blocking.reason })}
                </Text>
                <Button size="small" onClick={() => void checks.refresh()} data-testid="add-check-again">
                  {t('rt.checks.rerun')}
                </Button>
              </div>
            )}
            {versionsChecking && !noRuntimes && (
              <Spinner size="extra-tiny" labelPosition="after" label={t('upd.all.checking')} data-testid="versions-checking" />
            )}
            {!versionsChecking && report && report.runtimes.length > 0 && (
              <Text className={styles.versions} data-testid="versions-summary" data-outdated={outdated}>
                {outdated > 0
                  ? t('upd.all.outdated', { count: outdated })
                  : t(report.latestIsFinal ? 'upd.all.noneFinal' : 'upd.all.none')}
              </Text>
            )}
            {!versionsChecking && versionsError && (
              <ProblemNotice title={t('upd.checkFailed')} error={versionsError} testId="versions-error" />
            )}
            {justCreated && (
              <MessageBar intent="success" layout="multiline" data-testid="quick-created">
                <MessageBarBody>{t('rt.quick.created', { name: justCreated.name })}</MessageBarBody>
                <MessageBarActions>
                  <Button size="small" onClick={() => setView({ kind: 'details', name: justCreated.name, key: justCreated.key })} data-testid="quick-created-open">
                    {t('rt.quick.createdOpen', { name: justCreated.name })}
                  </Button>
                  <Button size="small" onClick={() => setJustCreated(null)}>
                    {t('upd.result.dismiss')}
                  </Button>
                </MessageBarActions>
              </MessageBar>
            )}
            <UpdateAllStatus />
            <LoadStatus state={runtimes} label={t('rt.list.loading')} />
            {noRuntimes && (
              <div className={styles.row} data-testid="runtimes-empty">
                <Body1>{t('rt.list.empty')}</Body1>
                {canAdd && (
                  <Button onClick={() => setView({ kind: 'quick' })} data-testid="add-first-runtime">
                    {t('rt.list.emptyAction')}
                  </Button>
                )}
              </div>
            )}
            {runtimes.kind === 'loaded' && runtimes.value.length > 0 && (
              <RuntimeList
                runtimes={runtimes.value}
                onOpen={(runtime) => setView({ kind: 'details', name: runtime.name, key: runtime.key })}
                onUpdate={setRowUpdate}
                versionOf={updates.statusOf}
                isUpdating={(key) => updating.has(key)}
              />
            )}
            {rowUpdate && runtimes.kind === 'loaded' && (
              <UpdateRuntimeDialog
                key={rowUpdate.key}
                open
                workspaceId={workspace.id}
                runtimeName={rowUpdate.name}
                runtimeKey={rowUpdate.key}
                instanceName={rowUpdate.computeInstanceName}
                status={updates.statusOf(rowUpdate.key) ?? null}
                onClose={() => {
                  setRowUpdate(null);
                  void reloadRuntimes();
                }}
              />
            )}
            <UpdateAllDialog
              open={confirmingUpdateAll}
              workspaceName={workspace.name}
              plan={plan}
              scope={{
                workspaces: allWorkspaces,
                chosen: scopeIds,
                checking: scopeIds.some((id) => updates.checking.has(id)),
                onToggle: toggleUpdateAllWorkspace,
              }}
              onClose={() => setConfirmingUpdateAll(false)}
              onConfirm={() => {
                setConfirmingUpdateAll(false);
                void startUpdateAll(scopeIds, plan);
                // Its progress takes focus: the button that opened it is off while it runs.
                focusWhenShown(byTestId('update-all-running'));
              }}
            />
          </Card>
        </>
      )}
    </section>
  );
}
