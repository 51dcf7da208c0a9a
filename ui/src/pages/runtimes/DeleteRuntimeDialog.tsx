import { useState } from 'react';
import { Checkbox, Field, Text } from '@fluentui/react-components';
import { backend } from '../../backend';
import { t } from '../../i18n';
import { ConfirmByNameDialog } from '../../components/ConfirmByNameDialog';

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
  const [removeApp, setRemoveApp] = useState(false);
  return (
    <ConfirmByNameDialog
      open={open}
      title={t('rt.delete.title', { name: runtimeName })}
      nameLabel={t('rt.delete.typeName', { name: runtimeName })}
      // Runtime names are case-sensitive; the backend compares them exactly.
      nameMatches={(typed) => typed.trim() === runtimeName}
      confirmLabel={t('rt.delete.confirm')}
      busyLabel={t('rt.delete.deleting')}
      onConfirm={async (typedName) => {
        await backend.deleteRuntime({ workspaceId, runtimeName, confirmName: typedName, removeCustomApp: removeApp });
        onDeleted();
      }}
      onClose={onClose}
      options={
        customAppName && (
          <Field hint={t('rt.delete.keepAppHint')}>
            <Checkbox
              checked={removeApp}
              onChange={(_, data) => setRemoveApp(data.checked === true)}
              label={t('rt.delete.removeApp', { app: customAppName })}
              data-testid="delete-remove-app"
            />
          </Field>
        )
      }
      testIds={{ dialog: 'delete-dialog', name: 'delete-confirm-name', confirm: 'delete-confirm', cancel: 'delete-cancel' }}
    >
      <Text>{t('rt.delete.body')}</Text>
    </ConfirmByNameDialog>
  );
}
