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
import { TypedNameField } from '../../components/TypedNameField';
import { principalLabel } from './model';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

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
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [typed, setTyped] = useState('');
  const who = item ? principalLabel(item.principal) : '';
  // The same rule as the backend's: the name, ignoring case and surrounding spaces.
  const matches = who !== '' && typed.trim().toLowerCase() === who.trim().toLowerCase();

  async function revoke() {
    if (!item) return;
    setBusy(true);
    setError(null);
    try {
      const outcome = await backend.revokeRoleAssignment({
        workspaceId,
        assignmentName: item.assignment.name,
        confirm: typed.trim(),
      });
      setTyped('');
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
    setTyped('');
    onClose();
  }

  return (
    <Dialog open={item !== null} modalType="alert" onOpenChange={(_, data) => !data.open && close()}>
      <DialogSurface data-testid="revoke-dialog">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (matches && !busy) void revoke();
          }}
        >
          <DialogBody>
            <DialogTitle>{t('perm.revoke.title', { role: item?.roleName ?? '', who })}</DialogTitle>
            <DialogContent className={styles.content}>
              <Text data-testid="revoke-body">{t('perm.revoke.body', { role: item?.roleName ?? '', who, workspace: workspaceName })}</Text>
              <TypedNameField
                label={t('perm.revoke.typeName', { who })}
                value={typed}
                onChange={setTyped}
                testId="revoke-confirm-name"
              />
              {error && <ErrorMessage error={error} />}
            </DialogContent>
            <DialogActions>
              <Button type="button" onClick={close} disabled={busy} data-testid="revoke-cancel">
                {t('perm.revoke.cancel')}
              </Button>
              <Button type="submit" appearance="primary" disabled={!matches || busy} data-testid="revoke-confirm">
                {busy ? t('perm.revoke.removing') : t('perm.revoke.confirm')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
