import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { backend, toAppError, type AppError, type RevokeOutcome, type WorkspaceRoleAssignment } from '../../backend';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { principalLabel } from './model';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** Asks before removing an assignment, naming who loses which role; removes only on "Remove". */
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
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const who = item ? principalLabel(item.principal) : '';

  async function revoke() {
    if (!item) return;
    setBusy(true);
    setError(null);
    try {
      // Confirmed by the click on Remove in this dialog, which named the principal.
      const outcome = await backend.revokeRoleAssignment({ workspaceId, assignmentName: item.assignment.name, confirm: who });
      onRevoked(outcome);
    } catch (reason) {
      setError(toAppError(reason));
    } finally {
      setBusy(false);
    }
  }

  function close() {
    if (busy) return;
    setError(null);
    onClose();
  }

  return (
    <Dialog open={item !== null} modalType="alert" onOpenChange={(_, data) => !data.open && close()}>
      <DialogSurface data-testid="revoke-dialog">
        <DialogBody>
          <DialogTitle>{t('perm.revoke.title', { role: item?.roleName ?? '', who })}</DialogTitle>
          <DialogContent className={styles.content}>
            <Text data-testid="revoke-body">{t('perm.revoke.body', { role: item?.roleName ?? '', who, workspace: workspaceName })}</Text>
            {error && <ErrorMessage error={error} />}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={busy} data-testid="revoke-cancel">
              {t('perm.revoke.cancel')}
            </Button>
            <Button appearance="primary" onClick={() => void revoke()} disabled={busy} data-testid="revoke-confirm">
              {busy ? t('perm.revoke.removing') : t('perm.revoke.confirm')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
