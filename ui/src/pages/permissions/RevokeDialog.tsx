import { Text } from '@fluentui/react-components';
import { backend, type RevokeOutcome, type WorkspaceRoleAssignment } from '../../backend';
import { t } from '../../i18n';
import { ConfirmByNameDialog } from '../../components/ConfirmByNameDialog';
import { principalLabel } from './model';

/**
 * Asks before removing an assignment, naming who loses which role. Removing is destructive, so
 * Remove stays off until the person's (or identity's) name is typed; the backend checks it again.
 */
export function RevokeDialog({
  workspaceId,
  workspaceName,
  item,
  onClose,
  onRevoked,
}: {
  workspaceId: string;
  workspaceName: string;
  /** The assignment to remove; the dialog is open while there is one. */
  item: WorkspaceRoleAssignment | null;
  onClose: () => void;
  onRevoked: (outcome: RevokeOutcome) => void;
}) {
  const who = item ? principalLabel(item.principal) : '';
  const role = item?.roleName ?? '';
  return (
    <ConfirmByNameDialog
      open={item !== null}
      title={t('perm.revoke.title', { role, who })}
      nameLabel={t('perm.revoke.typeName', { who })}
      // The same rule as the backend's: the name, ignoring case and surrounding spaces.
      nameMatches={(typed) => who !== '' && typed.trim().toLowerCase() === who.trim().toLowerCase()}
      confirmLabel={t('perm.revoke.confirm')}
      busyLabel={t('perm.revoke.removing')}
      onConfirm={async (typedName) => {
        if (!item) return;
        const outcome = await backend.revokeRoleAssignment({
          workspaceId,
          assignmentName: item.assignment.name,
          confirm: typedName,
        });
        onRevoked(outcome);
      }}
      onClose={onClose}
      testIds={{ dialog: 'revoke-dialog', name: 'revoke-confirm-name', confirm: 'revoke-confirm', cancel: 'revoke-cancel' }}
    >
      <Text data-testid="revoke-body">{t('perm.revoke.body', { role, who, workspace: workspaceName })}</Text>
    </ConfirmByNameDialog>
  );
}
