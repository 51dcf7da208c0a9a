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
 * "Grant to me": one click gives the signed-in user the chosen role (AzureML Data Scientist on the
 * workspace unless another is chosen) and
 * follows Azure until it applies. `onFinished` runs once the grant succeeded (in effect yet or not).
 */
export function GrantToMe({
  workspaceId,
  onFinished,
  revision,
  role = 'dataScientist',
}: {
  workspaceId: string;
  onFinished?: (outcome: GrantOutcome) => void;
  /** Changes when an assignment was removed (the outcome shown may no longer hold). */
  revision?: number;
  role?: GrantableRole;
}) {
  const styles = useStyles();
  const { state, grant, running } = useGrant(workspaceId, onFinished, revision, role);
  return (
    <div className={styles.box}>
      <Button appearance="primary" disabled={running} onClick={() => void grant({ kind: 'me' })} data-testid="grant-to-me">
        {running ? t('perm.grant.granting') : t('perm.me.button')}
      </Button>
      <div className={styles.wide}>
        <GrantProgress state={state} />
      </div>
    </div>
  );
}
