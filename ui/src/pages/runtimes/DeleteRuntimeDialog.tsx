import { useState } from 'react';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { backend, toAppError, type AppError } from '../../backend';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TypedNameField } from '../../components/TypedNameField';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** Deleting asks for the runtime's name typed out, and whether its custom app goes too. */
export function DeleteRuntimeDialog({
  workspaceId,
  runtimeName,
  customAppName,
  open,
  onClose,
  onDeleted,
}: {
  workspaceId: string;
  runtimeName: string;
  customAppName: string | null;
  open: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const styles = useStyles();
  const [typed, setTyped] = useState('');
  const [removeApp, setRemoveApp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const matches = typed.trim() === runtimeName;

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await backend.deleteRuntime({ workspaceId, runtimeName, confirmName: typed.trim(), removeCustomApp: removeApp });
      onDeleted();
    } catch (reason) {
      setError(toAppError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, data) => !data.open && !busy && onClose()}>
      <DialogSurface data-testid="delete-dialog">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (matches && !busy) void remove();
          }}
        >
          <DialogBody>
            <DialogTitle>{t('rt.delete.title', { name: runtimeName })}</DialogTitle>
            <DialogContent className={styles.content}>
              <Text>{t('rt.delete.body')}</Text>
              <TypedNameField
                label={t('rt.delete.typeName', { name: runtimeName })}
                value={typed}
                onChange={setTyped}
                testId="delete-confirm-name"
              />
              {customAppName && (
                <Field hint={t('rt.delete.keepAppHint')}>
                  <Checkbox
                    checked={removeApp}
                    onChange={(_, data) => setRemoveApp(data.checked === true)}
                    label={t('rt.delete.removeApp', { app: customAppName })}
                    data-testid="delete-remove-app"
                  />
                </Field>
              )}
              {error && <ErrorMessage error={error} />}
            </DialogContent>
            <DialogActions>
              <Button type="button" onClick={onClose} disabled={busy}>
                {t('rt.delete.cancel')}
              </Button>
              <Button type="submit" appearance="primary" disabled={!matches || busy} data-testid="delete-confirm">
                {busy ? t('rt.delete.deleting') : t('rt.delete.confirm')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
