import { Button, TableCell, TableRow, Text, makeStyles, tokens, useRestoreFocusTarget } from '@fluentui/react-components';
import type { WorkspaceRoleAssignment } from '../../backend';
import { t, type MessageKey } from '../../i18n';
import { HeadedTable } from '../../components/FittedTable';
import { principalDetail, principalKindText, principalLabel, scopeText } from './model';

const COLUMNS: MessageKey[] = ['perm.col.who', 'perm.col.kind', 'perm.col.role', 'perm.col.scope'];
const COLUMNS_WITH_ACTIONS: MessageKey[] = [...COLUMNS, 'perm.col.actions'];

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
  return (
    <HeadedTable aria-label={t('perm.assignments.heading')} data-testid={testId} size="small" columns={(showActions ? COLUMNS_WITH_ACTIONS : COLUMNS).map((column) => t(column))}>
      {items.map((item) => {
        const who = principalLabel(item.principal);
        const detail = principalDetail(item.principal);
        return (
          <TableRow
            key={item.assignment.id}
            data-testid={`assignment-${item.assignment.name}`}
            data-principal={who}
            data-role={item.roleName}
            data-inherited={item.inherited}
            data-at={item.at}
          >
            <TableCell>
              <div className={styles.who}>
                <Text>{who}</Text>
                {detail && (
                  <Text size={200} className={styles.muted}>
                    {detail}
                  </Text>
                )}
              </div>
            </TableCell>
            <TableCell>{principalKindText(item.principal)}</TableCell>
            <TableCell>{item.roleName}</TableCell>
            <TableCell>{scopeText(item)}</TableCell>
            {showActions && (
              <TableCell>
                {item.removable && (
                  <Button
                    size="small"
                    onClick={() => onRevoke(item)}
                    aria-label={t('perm.revoke.buttonFor', { role: item.roleName, who })}
                    data-testid="assignment-revoke"
                    {...restoreFocusTarget}
                  >
                    {t('perm.revoke.button')}
                  </Button>
                )}
              </TableCell>
            )}
          </TableRow>
        );
      })}
    </HeadedTable>
  );
}
