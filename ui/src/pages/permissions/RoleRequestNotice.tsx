import { SCOPE_KEYS, type RoleRequest } from '../../components/DiagnosisPanel';
import { t } from '../../i18n';
import { Notice } from '../../components/Notice';

/** The role a failed runtime's diagnosis asked for, at the top of Permissions. */
export function RoleRequestNotice({ request }: { request: RoleRequest }) {
  const scope = t(SCOPE_KEYS[request.scope]);
  return (
    <Notice intent="warning" data-testid="role-request" data-role={request.role} title={t('diag.request.title', { role: request.role, scope })}>
      {t('diag.request.body', { role: request.role, scope })}
    </Notice>
  );
}
