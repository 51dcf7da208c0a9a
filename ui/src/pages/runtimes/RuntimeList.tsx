import { Badge, Button, Link, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { RuntimeSummary, RuntimeVersionStatus } from '../../backend';
import { t } from '../../i18n';
import { ListTable, type Column } from '../../components/FittedTable';
import { statusColor, statusText } from './model';
import { imageText } from '../../updates/model';

const useStyles = makeStyles({
  statusCell: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, padding: `${tokens.spacingVerticalXS} 0` },
  message: { color: tokens.colorNeutralForeground3 },
  row: { cursor: 'pointer' },
  nameCell: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, alignItems: 'flex-start', padding: `${tokens.spacingVerticalXS} 0` },
  badge: { whiteSpace: 'nowrap' },
  badgeRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
});

/**
 * The workspace's runtimes; the name opens the details (mouse or keyboard). A runtime with a
 * newer version shows an "Update available" badge and, with `onUpdate`, an Update button that
 * opens the update dialog right there; one being updated shows an "Updating" badge.
 */
export function RuntimeList({
  runtimes,
  onOpen,
  onUpdate,
  versionOf = () => undefined,
  isUpdating = () => false,
}: {
  runtimes: RuntimeSummary[];
  onOpen: (runtime: RuntimeSummary) => void;
  onUpdate?: (runtime: RuntimeSummary) => void;
  /** A runtime's version status, by the core's key of the runtime. */
  versionOf?: (runtimeKey: string) => RuntimeVersionStatus | undefined;
  /** Whether an update is changing the runtime now, by the core's key of the runtime. */
  isUpdating?: (runtimeKey: string) => boolean;
}) {
  const styles = useStyles();
  const none = t('rt.none');
  const columns: Column<RuntimeSummary>[] = [
    {
      heading: 'rt.col.name',
      cell: (runtime) => (
        <div className={styles.nameCell}>
          <Link as="button" onClick={() => onOpen(runtime)} data-testid="runtime-open">
            {runtime.name}
          </Link>
          {isUpdating(runtime.key) ? (
            <Badge className={styles.badge} size="small" appearance="tint" color="informative" data-testid="updating-badge">
              {t('upd.badge.updating')}
            </Badge>
          ) : (
            versionOf(runtime.key)?.updateAvailable && (
              <span className={styles.badgeRow}>
                <Badge className={styles.badge} size="small" appearance="tint" color="warning" data-testid="update-badge">
                  {t('upd.badge.available')}
                </Badge>
                {onUpdate && (
                  <Button
                    size="small"
                    appearance="primary"
                    aria-label={t('upd.row.updateLabel', { name: runtime.name })}
                    onClick={(event) => {
                      // The row itself opens the details.
                      event.stopPropagation();
                      onUpdate(runtime);
                    }}
                    data-testid="row-update"
                  >
                    {t('upd.row.update')}
                  </Button>
                )}
              </span>
            )
          )}
        </div>
      ),
    },
    {
      heading: 'rt.col.status',
      cell: (runtime) => (
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
      ),
    },
    { heading: 'rt.col.instance', cell: (runtime) => runtime.computeInstanceName ?? none },
    { heading: 'rt.col.app', cell: (runtime) => runtime.customAppName ?? none },
    { heading: 'rt.col.image', cell: (runtime) => imageText(runtime) ?? none, testId: 'runtime-version' },
    { heading: 'rt.col.createdBy', cell: (runtime) => runtime.ownerName ?? none },
  ];
  return (
    <ListTable
      aria-label={t('nav.runtimes')}
      data-testid="runtime-list"
      size="small"
      columns={columns}
      rows={runtimes}
      rowKey={(runtime) => runtime.name}
      rowProps={(runtime) => ({
        className: styles.row,
        'data-testid': `runtime-row-${runtime.name}`,
        'data-status': runtime.status,
        onClick: () => onOpen(runtime),
      })}
    />
  );
}
