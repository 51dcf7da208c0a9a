import { Button, Text, makeStyles, tokens, useRestoreFocusTarget } from '@fluentui/react-components';
import type { WorkspaceRoleAssignment } from '../../backend';
import { t } from '../../i18n';
import { ListTable, type Column } from '../../components/FittedTable';
import { principalDetail, principalKindText, principalLabel, scopeText } from './model';

const useStyles = makeStyles({
  who: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, padding: `${tokens.spacingVerticalXS} 0`, minWidth: 0 },
  // An address or id is one word: the table scrolls sideways before it splits one over two lines
  // (`anywhere` let the column squeeze to a few letters and broke bob@contoso.com mid-word).
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: 'break-word' },
});

/**
 * Role assignments that apply to the workspace. Those made on the workspace itself can be
 * removed (when `canRevoke`); inherited ones say where they come from.
 */
export function AssignmentList({
  items,
  canRevoke,
  onRevoke,
  testId = 'assignment-list',
}: {
  items: WorkspaceRoleAssignment[];
  canRevoke: boolean;
  onRevoke?: (item: WorkspaceRoleAssignment) => void;
  testId?: string;
}) {
  const styles = useStyles();
  // The revoke dialog gives focus back to the Revoke button that opened it when it closes.
  const restoreFocusTarget = useRestoreFocusTarget();
  const showActions = canRevoke && onRevoke !== undefined;
  const columns: Column<WorkspaceRoleAssignment>[] = [
    {
      heading: 'perm.col.who',
      cell: (item) => {
        const detail = principalDetail(item.principal);
        return (
          <div className={styles.who}>
            <Text>{principalLabel(item.principal)}</Text>
            {detail && (
              <Text size={200} className={styles.muted}>
                {detail}
              </Text>
            )}
          </div>
        );
      },
    },
    { heading: 'perm.col.kind', cell: (item) => principalKindText(item.principal) },
    { heading: 'perm.col.role', cell: (item) => item.roleName },
    { heading: 'perm.col.scope', cell: scopeText },
  ];
  if (showActions) {
    columns.push({
      heading: 'perm.col.actions',
      cell: (item) =>
        item.removable && (
          <Button
            size="small"
            onClick={() => onRevoke(item)}
            aria-label={t('perm.revoke.buttonFor', { role: item.roleName, who: principalLabel(item.principal) })}
            data-testid="assignment-revoke"
            {...restoreFocusTarget}
          >
            {t('perm.revoke.button')}
          </Button>
        ),
    });
  }
  return (
    <ListTable
      aria-label={t('perm.assignments.heading')}
      data-testid={testId}
      size="small"
      columns={columns}
      rows={items}
      rowKey={(item) => item.assignment.id}
      rowProps={(item) => ({
        'data-testid': `assignment-${item.assignment.name}`,
        'data-principal': principalLabel(item.principal),
        'data-role': item.roleName,
        'data-inherited': item.inherited,
        'data-at': item.at,
      })}
    />
  );
}
