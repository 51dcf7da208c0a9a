import { useCallback, useState } from 'react';
import { Body1, Button, Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { backend, type WorkspaceListing, type WorkspaceSummary } from '../../backend';
import { useQuery, type Loaded } from '../../data/query';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { WorkspacePicker } from './WorkspacePicker';
import { loadLastWorkspace, saveLastWorkspace } from './model';
import { ProblemNotice } from '../../components/Notice';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
});

export interface WorkspaceChoice {
  listing: Loaded<WorkspaceListing>;
  selectedId: string | null;
  /** The chosen workspace, once the listing has it. */
  workspace: WorkspaceSummary | null;
  choose: (workspace: WorkspaceSummary) => void;
  reload: () => Promise<void>;
}

/**
 * The user's workspaces and the one they work on. The choice is remembered and shared by every
 * page that works on a workspace (Runtimes, Permissions).
 */
export function useWorkspaceChoice(): WorkspaceChoice {
  const { state: listing, refresh: reload } = useQuery('workspaces', backend.listWorkspaces);
  const [chosenId, setSelectedId] = useState<string | null>(loadLastWorkspace);
  // The settings remember the workspace too (shared with the CLI, kept when the WebView's
  // storage is not): used when this window has none of its own.
  const remembered = useQuery(chosenId === null ? 'last-place' : null, backend.lastPlace).data?.workspaceId ?? null;
  const selectedId = chosenId ?? remembered;

  const choose = useCallback((next: WorkspaceSummary) => {
    saveLastWorkspace(next.id);
    setSelectedId(next.id);
    void backend.rememberPlace(undefined, next.id).catch(() => undefined);
  }, []);

  const workspace =
    listing.kind === 'loaded' ? (listing.value.workspaces.find((w) => w.id === selectedId) ?? null) : null;
  return { listing, selectedId, workspace, choose, reload };
}

/**
 * The workspace picker with what loading the workspaces can say: progress, an error with a
 * reload, subscriptions that could not be read, none found, and `chooseHint` until one is chosen.
 */
export function WorkspaceChooser({
  choice,
  onChoose,
  chooseHint,
}: {
  choice: WorkspaceChoice;
  onChoose: (workspace: WorkspaceSummary) => void;
  chooseHint: string;
}) {
  const styles = useStyles();
  const { listing, selectedId, workspace } = choice;
  if (listing.kind === 'loading' || listing.kind === 'idle') {
    return <Spinner size="small" label={t('rt.workspace.loading')} data-testid="workspaces-loading" />;
  }
  if (listing.kind === 'error') {
    return (
      <>
        <ErrorMessage error={listing.error} />
        <div>
          <Button onClick={() => void choice.reload()}>{t('rt.workspace.reload')}</Button>
        </div>
      </>
    );
  }
  return (
    <>
      {listing.value.problems.map((problem) => (
        <ProblemNotice key={problem.subscriptionId} title={t('rt.workspace.problem', { name: problem.displayName })} error={problem.error} testId="workspace-problem" />
      ))}
      {listing.value.workspaces.length === 0 ? (
        <Body1 data-testid="workspaces-empty">{t('rt.workspace.empty')}</Body1>
      ) : (
        <div className={styles.row}>
          <WorkspacePicker listing={listing.value} selectedId={selectedId} onSelect={onChoose} />
        </div>
      )}
      {listing.value.workspaces.length > 0 && !workspace && <Body1 data-testid="workspace-choose">{chooseHint}</Body1>}
    </>
  );
}
