import { useState } from 'react';
import {
  Body1,
  Button,
  Card,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { backend, type RevokeOutcome, type WorkspaceRoleAssignment, type WorkspaceSummary } from '../backend';
import { useQuery } from '../data/query';
import { t } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeading } from '../components/PageHeading';
import { WorkspaceChooser, useWorkspaceChoice } from './runtimes/WorkspaceChooser';
import { GrantAbilityCard } from './permissions/GrantAbilityCard';
import { GrantToMe } from './permissions/GrantToMe';
import { UserGrant } from './permissions/UserGrant';
import { EndpointGrant } from './permissions/EndpointGrant';
import { AssignmentList } from './permissions/AssignmentList';
import { RevokeDialog } from './permissions/RevokeDialog';
import { RoleRequestNotice } from './permissions/RoleRequestNotice';
import type { RoleRequest } from '../components/DiagnosisPanel';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1100px' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * The AzureML Data Scientist role on the workspace chosen on the Runtimes page (or here): may
 * you grant it, to yourself, a colleague or an endpoint, and who has which role (with revoke).
 */
export function Permissions({ roleRequest = null }: { roleRequest?: RoleRequest | null } = {}) {
  const styles = useStyles();
  const workspaceChoice = useWorkspaceChoice();
  const { workspace } = workspaceChoice;
  return (
    <section className={styles.page} data-testid="permissions">
      <PageHeading>{t('permissions.heading')}</PageHeading>
      <Body1>{t('perm.intro')}</Body1>
      {roleRequest && <RoleRequestNotice request={roleRequest} />}
      <WorkspaceChooser choice={workspaceChoice} onChoose={workspaceChoice.choose} chooseHint={t('perm.workspace.choose')} />
      {workspace && <WorkspacePermissions key={workspace.id} workspace={workspace} />}
    </section>
  );
}

function WorkspacePermissions({ workspace }: { workspace: WorkspaceSummary }) {
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
        {ability.kind === 'loaded' && <GrantAbilityCard ability={ability.value} />}
      </Card>

      {allowed && (
        <>
          <Card className={styles.card} data-testid="permissions-me">
            <Subtitle2 as="h2">{t('perm.me.heading')}</Subtitle2>
            <Text>{t('perm.me.body', { workspace: workspace.name })}</Text>
            <GrantToMe workspaceId={workspace.id} onFinished={granted} revision={revision} />
          </Card>
          <Card className={styles.card} data-testid="permissions-user">
            <Subtitle2 as="h2">{t('perm.user.heading')}</Subtitle2>
            <UserGrant workspaceId={workspace.id} assignments={assignments} revision={revision} onGranted={granted} />
          </Card>
          <Card className={styles.card} data-testid="permissions-endpoints">
            <Subtitle2 as="h2">{t('perm.endpoints.heading')}</Subtitle2>
            <Text className={styles.muted}>{t('perm.endpoints.body')}</Text>
            <EndpointGrant workspaceId={workspace.id} revision={revision} onGranted={granted} />
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
          <MessageBar intent="success" layout="multiline" data-testid="revoke-outcome">
            <MessageBarBody>{revoked.message}</MessageBarBody>
          </MessageBar>
        )}
        {assignments.kind === 'loading' && <Spinner size="small" label={t('perm.assignments.loading')} />}
        {assignments.kind === 'error' && <ErrorMessage error={assignments.error} />}
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
