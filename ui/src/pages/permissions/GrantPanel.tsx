import type { ReactNode } from 'react';
import { makeStyles, tokens } from '@fluentui/react-components';
import type { GrantTarget, GrantableRole } from '../../backend';
import { GrantProgress } from './GrantProgress';
import { useGrant } from './useGrant';
import { roleInfo } from './roles';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** What each form that grants a role on the workspace is given by the Permissions page. */
export type GrantFormProps = {
  workspaceId: string;
  /** Changes when an assignment was removed. */
  revision: number;
  onGranted: () => void;
  role?: GrantableRole;
};

/** What a form's content may do: start the one grant, know that it runs, name the role. */
export type GrantControls = { grant: (target: GrantTarget) => Promise<void>; running: boolean; roleName: string };

/**
 * The frame of the forms that choose whom to grant to (a person, an endpoint): their content,
 * then the grant as it happens. One grant runs at a time.
 */
export function GrantPanel({
  workspaceId,
  revision,
  onGranted,
  role = 'dataScientist',
  children,
}: GrantFormProps & { children: (controls: GrantControls) => ReactNode }) {
  const styles = useStyles();
  const { state, grant, running } = useGrant(workspaceId, onGranted, revision, role);
  return (
    <div className={styles.box}>
      {children({ grant, running, roleName: roleInfo(role).name })}
      <GrantProgress state={state} />
    </div>
  );
}
