import { Button, makeStyles, tokens } from '@fluentui/react-components';
import type { GrantOutcome, GrantableRole } from '../../backend';
import { t } from '../../i18n';
import { GrantProgress } from './GrantProgress';
import { useGrant } from './useGrant';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, alignItems: 'flex-start' },
  wide: { alignSelf: 'stretch' },
});

/**
 * "Grant to the workspace's identity": the workspace's system-assigned managed identity reads its
 * storage and pulls images for the runtimes, so the storage and registry roles are for it too.
 */
export function WorkspaceIdentityGrant({
  workspaceId,
  onFinished,
  revision,
  role,
}: {
  workspaceId: string;
  onFinished?: (outcome: GrantOutcome) => void;
  revision?: number;
  role: GrantableRole;
}) {
  const styles = useStyles();
  const { state, grant, running } = useGrant(workspaceId, onFinished, revision, role);
  return (
    <div className={styles.box}>
      <Button disabled={running} onClick={() => void grant({ kind: 'workspaceIdentity' })} data-testid="grant-to-workspace-identity">
        {running ? t('perm.grant.granting') : t('perm.identity.button')}
      </Button>
      <div className={styles.wide}>
        <GrantProgress state={state} />
      </div>
    </div>
  );
}
