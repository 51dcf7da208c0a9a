import { Button, makeStyles, tokens } from '@fluentui/react-components';
import type { GrantOutcome, GrantableRole } from '../../backend';
import { t, type MessageKey } from '../../i18n';
import { GrantProgress } from './GrantProgress';
import { useGrant } from './useGrant';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, alignItems: 'flex-start' },
  wide: { alignSelf: 'stretch' },
});

/**
 * The grants that need no choosing, one button each:
 * - `me`: the signed-in user gets the role (AzureML Data Scientist on the workspace unless
 *   another is chosen). The primary action.
 * - `workspaceIdentity`: the workspace's system-assigned managed identity, which reads its
 *   storage and pulls images for the runtimes, so the storage and registry roles are for it too.
 */
const TARGETS = {
  me: { label: 'perm.me.button', testId: 'grant-to-me', appearance: 'primary' },
  workspaceIdentity: { label: 'perm.identity.button', testId: 'grant-to-workspace-identity', appearance: 'secondary' },
} as const satisfies Record<string, { label: MessageKey; testId: string; appearance: 'primary' | 'secondary' }>;

/**
 * One click grants the role to `to` and follows Azure until it applies. `onFinished` runs once
 * the grant succeeded (in effect yet or not).
 */
export function OneClickGrant({
  to,
  workspaceId,
  onFinished,
  revision,
  role = 'dataScientist',
}: {
  to: keyof typeof TARGETS;
  workspaceId: string;
  onFinished?: (outcome: GrantOutcome) => void;
  /** Changes when an assignment was removed (the outcome shown may no longer hold). */
  revision?: number;
  role?: GrantableRole;
}) {
  const styles = useStyles();
  const { state, grant, running } = useGrant(workspaceId, onFinished, revision, role);
  const target = TARGETS[to];
  return (
    <div className={styles.box}>
      <Button appearance={target.appearance} disabled={running} onClick={() => void grant({ kind: to })} data-testid={target.testId}>
        {running ? t('perm.grant.granting') : t(target.label)}
      </Button>
      <div className={styles.wide}>
        <GrantProgress state={state} />
      </div>
    </div>
  );
}
