import { Body1, Caption1, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { FlowAudit } from '../backend';
import { t, type MessageKey } from '../i18n';
import { ListTable, type Column } from '../components/FittedTable';

type MappingRow = FlowAudit['table'][number];

const useStyles = makeStyles({
  mapping: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  cell: { overflowWrap: 'anywhere' },
  gaps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/**
 * A flow's audit: each prompt flow part and the Agent Framework concept it becomes (Microsoft's
 * concept mapping), then what has no direct equivalent with the suggested route.
 */
export function FlowMapping({ audit }: { audit: FlowAudit }) {
  const styles = useStyles();
  const columns: Column<MappingRow>[] = [
    { heading: 'inv.audit.col.promptFlow', cell: (row) => row.promptFlow, className: styles.cell },
    { heading: 'inv.audit.col.agentFramework', cell: (row) => row.agentFramework, className: styles.cell },
    { heading: 'inv.audit.col.note', cell: (row) => row.note || '—', className: styles.cell },
  ];
  return (
    <div className={styles.mapping} data-testid="flow-mapping">
      <Body1>{t('inv.audit.summary', { kind: t(`inv.audit.kind.${audit.kind}` as MessageKey), nodes: audit.nodes.length, connections: audit.connections.length })}</Body1>
      <ListTable
        aria-label={t('inv.audit.table')}
        size="small"
        data-testid="flow-mapping-table"
        columns={columns}
        rows={audit.table}
        rowKey={(row, index) => `${index}-${row.promptFlow}`}
        rowProps={() => ({ 'data-testid': 'flow-mapping-row' })}
      />
      {audit.gaps.length > 0 && (
        <div data-testid="flow-mapping-gaps">
          <Text weight="semibold">{t('inv.audit.gaps')}</Text>
          <ul className={styles.gaps}>
            {audit.gaps.map((gap) => (
              <li key={`${gap.subject}/${gap.what}`}>
                <Text>{t('inv.audit.gap', { subject: gap.subject, what: gap.what })}</Text> <Caption1>{gap.route}</Caption1>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
