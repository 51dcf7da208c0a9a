import { Button, makeStyles, tokens } from '@fluentui/react-components';
import type { GrantOutcome } from '../../backend';
import { t } from '../../i18n';
import { GrantProgress } from './GrantProgress';
import { useGrant } from './useGrant';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, alignItems: 'flex-start' },
  wide: { alignSelf: 'stretch' },
});

/**
 * "Grant to me": one click gives the signed-in user AzureML Data Scientist on the workspace and
 * follows Azure until it applies. `onFinished` runs once the grant succeeded (in effect yet or not).
 */
export function GrantToMe({
  workspaceId,
  onFinished,
  revision,
}: {
  workspaceId: string;
  onFinished?: (outcome: GrantOutcome) => void;
  /** Changes when an assignment was removed (the outcome shown may no longer hold). */
  revision?: number;
}) {
  const styles = useStyles();
  const { state, grant, running } = useGrant(workspaceId, onFinished, revision);
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
