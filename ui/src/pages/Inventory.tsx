import { useMemo, useState } from 'react';
import {
  Body1,
  Button,
  Checkbox,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import {
  backend,
  toAppError,
  type AppError,
  type ExportFormat,
  type Inventory as InventoryReport,
  type InventoryItem,
  type ItemKind,
} from '../backend';
import { t, type MessageKey } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { ListTable, type Column } from '../components/FittedTable';
import { PageHeading } from '../components/PageHeading';
import { WorkspaceChooser, useWorkspaceChoice } from './runtimes/WorkspaceChooser';
import { DecommissionPanel } from './Decommission';
import { ExportProjectDialog } from './ExportProjectDialog';

const INVENTORY_COLUMNS: MessageKey[] = ['inv.col.kind', 'inv.col.name', 'inv.col.workspace', 'inv.col.state', 'inv.col.cost', 'inv.col.runsOn', 'inv.col.detail', 'inv.col.owner'];

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  counts: { display: 'flex', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  // Cells wrap between words, never inside one: a column is at least as wide as its longest
  // word, and when the columns do not fit the window the table scrolls sideways (FittedTable)
  // instead of breaking names and addresses into syllables.
  cell: { overflowWrap: 'break-word' },
  short: { whiteSpace: 'nowrap' },
  prose: { minWidth: '16em' },
  exportButton: { whiteSpace: 'nowrap' },
});

/** The columns shown: Workspace only when the rows come from more than one workspace. */
export function inventoryColumns(items: readonly InventoryItem[]): MessageKey[] {
  const workspaces = new Set(items.map((item) => item.workspaceId));
  return workspaces.size > 1 ? INVENTORY_COLUMNS : INVENTORY_COLUMNS.filter((column) => column !== 'inv.col.workspace');
}

export const KINDS: ItemKind[] = [
  'runtime',
  'computeInstance',
  'customApp',
  'flow',
  'computeSession',
  'serverlessInstance',
  'onlineEndpoint',
  'onlineDeployment',
  'connection',
];

export const kindLabel = (kind: ItemKind): string => t(`inv.kind.${kind}` as MessageKey);

export interface InventoryFilter {
  kind: ItemKind | 'all';
  text: string;
  costsOnly: boolean;
}

/** The rows a filter keeps: a kind, words in any column, only what costs money now. */
export function filterItems(items: readonly InventoryItem[], filter: InventoryFilter): InventoryItem[] {
  const words = filter.text.trim().toLowerCase();
  return items.filter(
    (item) =>
      (filter.kind === 'all' || item.kind === filter.kind) &&
      (!filter.costsOnly || item.cost === 'running') &&
      (words === '' ||
        [item.name, item.workspaceName, item.owner, item.category, item.runsOn, item.state, ...item.connections, ...item.usedBy]
          .filter(Boolean)
          .some((value) => value!.toLowerCase().includes(words))),
  );
}

/** The "what" column's details: node counts and connections of a flow, users of the others. */
/**
 * What costs money and how long is left; from the date on, that prompt flow has retired (never
 * "-1 days"). The core's countdown decides which; this only phrases it.
 */
export function summaryText(inventory: InventoryReport): string {
  const values = { running: inventory.running, date: inventory.takenOn };
  const { countdown } = inventory;
  return countdown.kind === 'daysLeft' ? t('inv.summary', { ...values, days: countdown.days }) : t('inv.summaryRetired', values);
}

export function itemDetail(item: InventoryItem): string {
  const parts: string[] = [];
  if (item.category) parts.push(item.category);
  const counts = Object.entries(item.nodeCounts).map(([kind, n]) => `${n} ${kind}`);
  if (counts.length > 0) parts.push(t('inv.nodes', { counts: counts.join(', ') }));
  if (item.connections.length > 0) parts.push(t('inv.connections', { names: item.connections.join(', ') }));
  if (item.usedBy.length > 0) parts.push(t('inv.usedBy', { names: item.usedBy.join(', ') }));
  else if (item.kind === 'connection') parts.push(t('inv.unused'));
  return parts.join(' · ');
}

function costText(item: InventoryItem): string {
  const cost = t(`inv.cost.${item.cost}` as MessageKey);
  return item.idleShutdownMinutes !== undefined ? t('inv.idle', { cost, minutes: item.idleShutdownMinutes }) : cost;
}

type Taking = { kind: 'idle' } | { kind: 'taking' } | { kind: 'taken'; inventory: InventoryReport } | { kind: 'error'; error: AppError };

/**
 * What prompt flow is left, in the chosen workspace or all of them: every runtime, instance,
 * custom application, flow, session, serverless instance, flow endpoint and connection, with
 * what costs money now. Filters, an export (JSON, CSV, Markdown), and a flow's Agent Framework
 * project.
 */
export function Inventory() {
  const styles = useStyles();
  // The export dialog gives focus back to the Export button that opened it when it closes.
  const restoreFocusTarget = useRestoreFocusTarget();
  const choice = useWorkspaceChoice();
  const [all, setAll] = useState(false);
  const [taking, setTaking] = useState<Taking>({ kind: 'idle' });
  const [filter, setFilter] = useState<InventoryFilter>({ kind: 'all', text: '', costsOnly: false });
  const [saved, setSaved] = useState<{ path: string } | { error: AppError } | null>(null);
  const [exporting, setExporting] = useState<InventoryItem | null>(null);
  const [decommissioning, setDecommissioning] = useState(false);

  const take = async () => {
    setTaking({ kind: 'taking' });
    setSaved(null);
    try {
      const ids = choice.workspace ? [choice.workspace.id] : [];
      setTaking({ kind: 'taken', inventory: await backend.takeInventory(ids, all) });
    } catch (reason) {
      setTaking({ kind: 'error', error: toAppError(reason) });
    }
  };
  const save = async (inventory: InventoryReport, format: ExportFormat) => {
    try {
      setSaved({ path: await backend.saveInventory(inventory, format) });
    } catch (reason) {
      setSaved({ error: toAppError(reason) });
    }
  };
  const shown = useMemo(() => (taking.kind === 'taken' ? filterItems(taking.inventory.items, filter) : []), [taking, filter]);
  const columns = useMemo(() => inventoryColumns(taking.kind === 'taken' ? taking.inventory.items : []), [taking]);
  const cells: Column<InventoryItem>[] = [
    { heading: 'inv.col.kind', cell: (item) => kindLabel(item.kind), className: styles.cell },
    {
      heading: 'inv.col.name',
      cell: (item) => (
        <>
          {item.name}
          {item.kind === 'flow' && item.id && (
            <div>
              <Button size="small" appearance="subtle" className={styles.exportButton} onClick={() => setExporting(item)} data-testid={`inventory-export-${item.name}`} {...restoreFocusTarget}>
                {t('inv.exportProject')}
              </Button>
            </div>
          )}
        </>
      ),
      className: styles.cell,
    },
    { heading: 'inv.col.workspace', cell: (item) => item.workspaceName, className: styles.cell },
    { heading: 'inv.col.state', cell: (item) => item.state ?? '—', className: styles.short },
    { heading: 'inv.col.cost', cell: costText, className: styles.cell },
    { heading: 'inv.col.runsOn', cell: (item) => item.runsOn ?? item.size ?? '—', className: styles.cell },
    { heading: 'inv.col.detail', cell: (item) => itemDetail(item) || item.note || '—', className: mergeClasses(styles.cell, styles.prose) },
    {
      heading: 'inv.col.owner',
      cell: (item) => (
        <>
          {item.owner ?? '—'}
          {item.lastChange && <div className={styles.muted}>{item.lastChange}</div>}
        </>
      ),
      className: styles.cell,
    },
  ];

  return (
    <section className={styles.page} data-testid="inventory">
      <PageHeading>{t('inv.heading')}</PageHeading>
      <Body1>{t('inv.intro')}</Body1>
      <WorkspaceChooser choice={choice} onChoose={choice.choose} chooseHint={t('inv.choose')} />
      <div className={styles.row}>
        <Checkbox checked={all} onChange={(_, data) => setAll(data.checked === true)} label={t('inv.all')} data-testid="inventory-all" />
        <Button
          appearance="primary"
          onClick={() => void take()}
          disabled={taking.kind === 'taking' || (!all && !choice.workspace)}
          data-testid="inventory-take"
        >
          {taking.kind === 'taken' ? t('inv.again') : t('inv.take')}
        </Button>
      </div>
      {taking.kind === 'taking' && <Spinner size="small" label={t('inv.taking')} />}
      {taking.kind === 'error' && <ErrorMessage error={taking.error} />}
      {taking.kind === 'taken' && (
        <>
          <div className={styles.counts} data-testid="inventory-counts">
            {KINDS.map((kind) => (
              <Text key={kind} data-testid={`inventory-count-${kind}`}>
                {t('inv.count', { kind: kindLabel(kind), count: taking.inventory.counts[kind] ?? 0 })}
              </Text>
            ))}
          </div>
          <MessageBar intent={taking.inventory.running > 0 ? 'warning' : 'info'} data-testid="inventory-running">
            <MessageBarBody>
              {summaryText(taking.inventory)}
            </MessageBarBody>
          </MessageBar>
          {taking.inventory.problems.map((problem) => (
            <MessageBar key={`${problem.workspaceId}/${problem.part}`} intent="warning" data-testid="inventory-problem">
              <MessageBarBody>
                {t('inv.problem', { part: problem.part, workspace: problem.workspaceName, message: problem.error.message })}
              </MessageBarBody>
            </MessageBar>
          ))}
          <div className={styles.row}>
            <Field label={t('inv.filter.kind')}>
              <Dropdown
                value={filter.kind === 'all' ? t('inv.filter.all') : kindLabel(filter.kind)}
                selectedOptions={[filter.kind]}
                onOptionSelect={(_, data) => setFilter({ ...filter, kind: (data.optionValue ?? 'all') as ItemKind | 'all' })}
                data-testid="inventory-kind"
              >
                <Option value="all">{t('inv.filter.all')}</Option>
                {KINDS.map((kind) => (
                  <Option key={kind} value={kind}>
                    {kindLabel(kind)}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Field label={t('inv.filter.text')}>
              <Input value={filter.text} onChange={(_, data) => setFilter({ ...filter, text: data.value })} data-testid="inventory-text" />
            </Field>
            <Checkbox
              checked={filter.costsOnly}
              onChange={(_, data) => setFilter({ ...filter, costsOnly: data.checked === true })}
              label={t('inv.filter.costs')}
              data-testid="inventory-costs"
            />
          </div>
          <div className={styles.row}>
            <Text>{t('inv.export')}</Text>
            {(['markdown', 'csv', 'json'] as ExportFormat[]).map((format) => (
              <Button key={format} onClick={() => void save(taking.inventory, format)} data-testid={`inventory-save-${format}`}>
                {t(`inv.export.${format}` as MessageKey)}
              </Button>
            ))}
          </div>
          {saved && 'path' in saved && (
            <MessageBar intent="success" data-testid="inventory-saved">
              <MessageBarBody>{t('inv.saved', { path: saved.path })}</MessageBarBody>
            </MessageBar>
          )}
          {saved && 'error' in saved && <ErrorMessage error={saved.error} />}
          <Text className={styles.muted} data-testid="inventory-shown">
            {t('inv.shown', { shown: shown.length, total: taking.inventory.items.length })}
          </Text>
          <ListTable
            aria-label={t('inv.heading')}
            data-testid="inventory-table"
            size="small"
            columns={cells.filter((cell) => columns.includes(cell.heading))}
            rows={shown}
            rowKey={(item) => `${item.workspaceId}/${item.kind}/${item.id ?? item.name}`}
            rowProps={(item) => ({ 'data-testid': `inventory-row-${item.kind}-${item.name}` })}
          />
        </>
      )}
      {taking.kind === 'taken' && choice.workspace && !all && !decommissioning && (
        <div className={styles.row}>
          <Button onClick={() => setDecommissioning(true)} data-testid="inventory-decommission">
            {t('inv.decommission')}
          </Button>
        </div>
      )}
      {decommissioning && choice.workspace && (
        <DecommissionPanel workspaceId={choice.workspace.id} onClose={() => setDecommissioning(false)} />
      )}
      {exporting && <ExportProjectDialog flow={exporting} onClose={() => setExporting(null)} />}
    </section>
  );
}
