import {
  Body1,
  Caption1,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { FlowAudit } from '../backend';
import { t, type MessageKey } from '../i18n';
import { HeadedTable } from '../components/FittedTable';

const MAPPING_COLUMNS: MessageKey[] = ['inv.audit.col.promptFlow', 'inv.audit.col.agentFramework', 'inv.audit.col.note'];

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
  return (
    <div className={styles.mapping} data-testid="flow-mapping">
      <Body1>{t('inv.audit.summary', { kind: t(`inv.audit.kind.${audit.kind}` as MessageKey), nodes: audit.nodes.length, connections: audit.connections.length })}</Body1>
      <HeadedTable aria-label={t('inv.audit.table')} size="small" data-testid="flow-mapping-table" columns={MAPPING_COLUMNS.map((column) => t(column))}>
        {audit.table.map((row, index) => (
          <TableRow key={`${index}-${row.promptFlow}`} data-testid="flow-mapping-row">
            <TableCell className={styles.cell}>{row.promptFlow}</TableCell>
            <TableCell className={styles.cell}>{row.agentFramework}</TableCell>
            <TableCell className={styles.cell}>{row.note || '—'}</TableCell>
          </TableRow>
        ))}
      </HeadedTable>
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
