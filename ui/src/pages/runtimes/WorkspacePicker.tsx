import { useMemo, useState } from 'react';
import { Combobox, Field, Option, makeStyles, tokens } from '@fluentui/react-components';
import type { WorkspaceListing, WorkspaceSummary } from '../../backend';
import { t } from '../../i18n';
import { matchesWorkspace, workspaceLabel } from './model';

const useStyles = makeStyles({
  field: { flexGrow: 1, maxWidth: '560px' },
  // Wide enough for a workspace's display name and its name in brackets.
  combobox: { width: '100%' },
  secondary: { display: 'block', color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

/** Type-to-filter list of every workspace in the listing, with region and kind. */
export function WorkspacePicker({
  listing,
  selectedId,
  onSelect,
}: {
  listing: WorkspaceListing;
  selectedId: string | null;
  onSelect: (workspace: WorkspaceSummary) => void;
}) {
  const styles = useStyles();
  const subscriptionNames = useMemo(
    () => new Map(listing.subscriptions.map((s) => [s.subscriptionId, s.displayName])),
    [listing],
  );
  const selected = listing.workspaces.find((w) => w.id === selectedId) ?? null;
  const [query, setQuery] = useState<string | null>(null);
  const shown = query === null ? (selected ? workspaceLabel(selected) : '') : query;
  const matches = listing.workspaces.filter((workspace) =>
    matchesWorkspace(workspace, subscriptionNames.get(workspace.subscriptionId) ?? '', query ?? ''),
  );

  return (
    <Field className={styles.field} label={t('rt.workspace.label')}>
      <Combobox
        className={styles.combobox}
        data-testid="workspace-picker"
        placeholder={t('rt.workspace.placeholder')}
        value={shown}
        selectedOptions={selectedId ? [selectedId] : []}
        onChange={(event) => setQuery(event.target.value)}
        onOptionSelect={(_, data) => {
          const workspace = listing.workspaces.find((w) => w.id === data.optionValue);
          setQuery(null);
          if (workspace) onSelect(workspace);
        }}
        onOpenChange={(_, data) => {
          if (!data.open) setQuery(null);
        }}
        freeform
        inlinePopup
      >
        {matches.map((workspace) => (
          <Option key={workspace.id} value={workspace.id} text={workspaceLabel(workspace)} data-testid="workspace-option" data-name={workspace.name}>
            <div>
              {workspaceLabel(workspace)}
              <span className={styles.secondary}>
                {t('rt.workspace.option', {
                  subscription: subscriptionNames.get(workspace.subscriptionId) ?? workspace.subscriptionId,
                  location: workspace.location,
                  kind: workspace.kindText ?? workspace.kind,
                })}
              </span>
            </div>
          </Option>
        ))}
        {matches.length === 0 && (
          <Option key="none" value="" text="" disabled data-testid="workspace-none">
            {t('rt.workspace.none', { query: query ?? '' })}
          </Option>
        )}
      </Combobox>
    </Field>
  );
}
