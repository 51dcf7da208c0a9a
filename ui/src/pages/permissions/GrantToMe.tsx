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
 * follows Azure until it applies. `onFinished` runs when the grant has ended either way.
 */
export function GrantToMe({
  workspaceId,
  onFinished,
  appearance = 'primary',
}: {
  workspaceId: string;
  onFinished?: (outcome: GrantOutcome) => void;
  appearance?: 'primary' | 'secondary';
}) {
  const styles = useStyles();
  const { state, grant, running } = useGrant(workspaceId, onFinished);
  return (
    <div className={styles.box}>
      <Button appearance={appearance} disabled={running} onClick={() => void grant({ kind: 'me' })} data-testid="grant-to-me">
        {running ? t('perm.grant.granting') : t('perm.me.button')}
      </Button>
      <div className={styles.wide}>
        <GrantProgress state={state} />
      </div>
    </div>
  );
}
