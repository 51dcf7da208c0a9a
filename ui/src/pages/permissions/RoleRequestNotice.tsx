import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { SCOPE_KEYS, type RoleRequest } from '../../components/DiagnosisPanel';
import { t } from '../../i18n';

/** The role a failed runtime's diagnosis asked for, at the top of Permissions. */
export function RoleRequestNotice({ request }: { request: RoleRequest }) {
  const scope = t(SCOPE_KEYS[request.scope]);
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="role-request" data-role={request.role}>
      <MessageBarBody>
        <MessageBarTitle>{t('diag.request.title', { role: request.role, scope })}</MessageBarTitle>
        {t('diag.request.body', { role: request.role, scope })}
      </MessageBarBody>
    </MessageBar>
  );
}
