import {
  Button,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { WorkspaceRoleAssignment } from '../../backend';
import { t } from '../../i18n';
import { FittedTable } from '../../components/FittedTable';
import { principalDetail, principalKindText, principalLabel, scopeText } from './model';

const useStyles = makeStyles({
  who: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, padding: `${tokens.spacingVerticalXS} 0`, minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
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
  const showActions = canRevoke && onRevoke !== undefined;
  return (
    <FittedTable aria-label={t('perm.assignments.heading')} data-testid={testId} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t('perm.col.who')}</TableHeaderCell>
          <TableHeaderCell>{t('perm.col.kind')}</TableHeaderCell>
          <TableHeaderCell>{t('perm.col.role')}</TableHeaderCell>
          <TableHeaderCell>{t('perm.col.scope')}</TableHeaderCell>
          {showActions && <TableHeaderCell>{t('perm.col.actions')}</TableHeaderCell>}
        </TableRow>
      </TableHeader>
      <TableBody>
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
                    >
                      {t('perm.revoke.button')}
                    </Button>
                  )}
                </TableCell>
              )}
            </TableRow>
          );
        })}
      </TableBody>
    </FittedTable>
  );
}
