import { useState } from 'react';
import { Body1, Button, Radio, RadioGroup, Spinner, Subtitle2, Text, makeStyles, tokens } from '@fluentui/react-components';
import { Card } from '../components/Card';
import { backend, type GrantableRole, type RevokeOutcome, type WorkspaceRoleAssignment, type WorkspaceSummary } from '../backend';
import { useQuery } from '../data/query';
import { t, type MessageKey } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { LoadStatus } from '../components/LoadStatus';
import { PageHeading } from '../components/PageHeading';
import { WorkspaceChooser, useWorkspaceChoice } from './runtimes/WorkspaceChooser';
import { GrantAbilityCard } from './permissions/GrantAbilityCard';
import { OneClickGrant } from './permissions/OneClickGrant';
import { UserGrant } from './permissions/UserGrant';
import { EndpointGrant } from './permissions/EndpointGrant';
import { AssignmentList } from './permissions/AssignmentList';
import { RevokeDialog } from './permissions/RevokeDialog';
import { RoleRequestNotice } from './permissions/RoleRequestNotice';
import type { RoleRequest } from '../components/DiagnosisPanel';
import { GRANTABLE_ROLES, roleFromName, roleInfo } from './permissions/roles';
import { Notice } from '../components/Notice';

const useStyles = makeStyles({
  // Tables take the width of a large window; beyond 1600 px rows grow too long to read across.
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1600px' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * Roles on the workspace chosen on the Runtimes page (or here): AzureML Data Scientist on the
 * workspace, or a storage or registry role that a failed runtime's diagnosis asked for (chosen
 * when the page opens from it). May you grant it, to yourself, a colleague, an endpoint or the
 * workspace's identity, and who has which role on the workspace (with revoke).
 */
export function Permissions({ roleRequest = null }: { roleRequest?: RoleRequest | null } = {}) {
  const styles = useStyles();
  const workspaceChoice = useWorkspaceChoice();
  const { workspace } = workspaceChoice;
  const [role, setRole] = useState<GrantableRole>(() => roleFromName(roleRequest?.role) ?? 'dataScientist');
  return (
    <section className={styles.page} data-testid="permissions">
      <PageHeading>{t('permissions.heading')}</PageHeading>
      <Body1>{t('perm.intro')}</Body1>
      {roleRequest && <RoleRequestNotice request={roleRequest} />}
      <WorkspaceChooser choice={workspaceChoice} onChoose={workspaceChoice.choose} chooseHint={t('perm.workspace.choose')} />
      {workspace && <WorkspacePermissions key={workspace.id} workspace={workspace} role={role} onRole={setRole} />}
    </section>
  );
}

/** Which role the grants below give: the diagnosis's when the page opened from one. */
function RoleChooser({ role, onRole }: { role: GrantableRole; onRole: (role: GrantableRole) => void }) {
  return (
    <RadioGroup
      value={role}
      onChange={(_, data) => onRole(data.value as GrantableRole)}
      aria-label={t('perm.role.label')}
      data-testid="role-choice"
      data-role={role}
    >
      {GRANTABLE_ROLES.map((info) => (
        <Radio key={info.role} value={info.role} label={t(`perm.role.${info.role}` as MessageKey)} data-testid={`role-${info.role}`} />
      ))}
    </RadioGroup>
  );
}

function WorkspacePermissions({
  workspace,
  role,
  onRole,
}: {
  workspace: WorkspaceSummary;
  role: GrantableRole;
  onRole: (role: GrantableRole) => void;
}) {
  const styles = useStyles();
  const abilityQuery = useQuery(workspace.id, () => backend.grantAbility(workspace.id));
  const ability = abilityQuery.state;
  // A refresh keeps the list on screen: it runs after every grant and revoke.
  const assignmentsQuery = useQuery(workspace.id, () => backend.listRoleAssignments(workspace.id), { keepWhileRefreshing: true });
  const assignments = assignmentsQuery.state;
  const loadAssignments = assignmentsQuery.refresh;
  const [revoking, setRevoking] = useState<WorkspaceRoleAssignment | null>(null);
  const [revoked, setRevoked] = useState<RevokeOutcome | null>(null);
  // Counts removals: a grant's "now has the role" shown before one may no longer hold.
  const [revision, setRevision] = useState(0);

  const allowed = ability.kind === 'loaded' && ability.value.allowed;
  const info = roleInfo(role);
  const place = t(`perm.place.${info.scope}` as MessageKey, { workspace: workspace.name });
  const granted = () => {
    setRevoked(null);
    void loadAssignments();
  };

  return (
    <>
      <Card className={styles.card} data-testid="permissions-ability">
        <Subtitle2 as="h2">{t('perm.ability.heading')}</Subtitle2>
        {ability.kind === 'loading' && <Spinner size="small" label={t('perm.ability.loading')} />}
        {ability.kind === 'error' && (
          <>
            <ErrorMessage error={ability.error} />
            <div>
              <Button onClick={() => void abilityQuery.refresh()}>{t('perm.ability.retry')}</Button>
            </div>
          </>
        )}
        {ability.kind === 'loaded' && <GrantAbilityCard ability={ability.value} roleName={info.name} place={place} />}
      </Card>

      {/* Shown to everyone: who may not grant still sees which role is needed where. */}
      <Card className={styles.card} data-testid="permissions-role">
        <Subtitle2 as="h2">{t('perm.role.heading')}</Subtitle2>
        <RoleChooser role={role} onRole={onRole} />
        {info.scope !== 'workspace' && <Text className={styles.muted}>{t('perm.role.scopeCheck', { place })}</Text>}
      </Card>

      {allowed && (
        <>
          {/* Keyed by role: an outcome shown is about the role it was granted for. */}
          <Card className={styles.card} data-testid="permissions-me">
            <Subtitle2 as="h2">{t('perm.me.heading')}</Subtitle2>
            <Text>{t('perm.me.body', { role: info.name, place })}</Text>
            <OneClickGrant key={role} to="me" workspaceId={workspace.id} onFinished={granted} revision={revision} role={role} />
          </Card>
          {info.scope !== 'workspace' && (
            <Card className={styles.card} data-testid="permissions-workspace-identity">
              <Subtitle2 as="h2">{t('perm.identity.heading')}</Subtitle2>
              <Text className={styles.muted}>{t('perm.identity.body')}</Text>
              <OneClickGrant key={role} to="workspaceIdentity" workspaceId={workspace.id} onFinished={granted} revision={revision} role={role} />
            </Card>
          )}
          <Card className={styles.card} data-testid="permissions-user">
            <Subtitle2 as="h2">{t('perm.user.heading')}</Subtitle2>
            <UserGrant key={role} workspaceId={workspace.id} assignments={assignments} revision={revision} onGranted={granted} role={role} />
          </Card>
          <Card className={styles.card} data-testid="permissions-endpoints">
            <Subtitle2 as="h2">{t('perm.endpoints.heading')}</Subtitle2>
            <Text className={styles.muted}>{t('perm.endpoints.body')}</Text>
            <EndpointGrant key={role} workspaceId={workspace.id} revision={revision} onGranted={granted} role={role} />
          </Card>
        </>
      )}

      <Card className={styles.card} data-testid="permissions-assignments">
        <div className={styles.header}>
          <Subtitle2 as="h2">{t('perm.assignments.heading')}</Subtitle2>
          <Button onClick={() => void loadAssignments()} data-testid="assignments-refresh">
            {t('perm.assignments.refresh')}
          </Button>
        </div>
        {revoked && (
          <Notice intent="success" data-testid="revoke-outcome">
            {revoked.message}
          </Notice>
        )}
        <LoadStatus state={assignments} label={t('perm.assignments.loading')} />
        {assignments.kind === 'loaded' &&
          (assignments.value.length === 0 ? (
            <Body1 data-testid="assignments-empty">{t('perm.assignments.empty')}</Body1>
          ) : (
            <AssignmentList items={assignments.value} canRevoke={allowed} onRevoke={setRevoking} />
          ))}
      </Card>

      <RevokeDialog
        workspaceId={workspace.id}
        workspaceName={workspace.name}
        item={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={(outcome) => {
          setRevoking(null);
          setRevoked(outcome);
          setRevision((count) => count + 1);
          void loadAssignments();
        }}
      />
    </>
  );
}
