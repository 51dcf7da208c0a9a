import {
  Badge,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { RuntimeSummary } from '../../backend';
import { t } from '../../i18n';
import { statusColor, statusText } from './model';

const useStyles = makeStyles({
  statusCell: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, padding: `${tokens.spacingVerticalXS} 0` },
  message: { color: tokens.colorNeutralForeground3 },
  row: { cursor: 'pointer' },
});

/** The workspace's runtimes; the name opens the details (mouse or keyboard). */
export function RuntimeList({ runtimes, onOpen }: { runtimes: RuntimeSummary[]; onOpen: (name: string) => void }) {
  const styles = useStyles();
  const none = t('rt.none');
  return (
    <Table aria-label={t('nav.runtimes')} data-testid="runtime-list" size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t('rt.col.name')}</TableHeaderCell>
          <TableHeaderCell>{t('rt.col.status')}</TableHeaderCell>
          <TableHeaderCell>{t('rt.col.instance')}</TableHeaderCell>
          <TableHeaderCell>{t('rt.col.app')}</TableHeaderCell>
          <TableHeaderCell>{t('rt.col.image')}</TableHeaderCell>
          <TableHeaderCell>{t('rt.col.createdBy')}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runtimes.map((runtime) => (
          <TableRow
            key={runtime.name}
            className={styles.row}
            data-testid={`runtime-row-${runtime.name}`}
            data-status={runtime.status}
            onClick={() => onOpen(runtime.name)}
          >
            <TableCell>
              <Link as="button" onClick={() => onOpen(runtime.name)} data-testid="runtime-open">
                {runtime.name}
              </Link>
            </TableCell>
            <TableCell>
              <div className={styles.statusCell}>
                <Badge appearance="tint" color={statusColor(runtime.status)} data-testid="runtime-status">
                  {statusText(runtime.status)}
                </Badge>
                {runtime.statusText && runtime.statusText !== runtime.status && (
                  <Text size={200} className={styles.message}>
                    {runtime.statusText}
                  </Text>
                )}
              </div>
            </TableCell>
            <TableCell>{runtime.computeInstanceName ?? none}</TableCell>
            <TableCell>{runtime.customAppName ?? none}</TableCell>
            <TableCell>{runtime.imageTag ?? none}</TableCell>
            <TableCell>{runtime.ownerName ?? none}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
