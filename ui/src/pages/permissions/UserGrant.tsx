import { useState } from 'react';
import { Button, Field, Input, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { backend, type WorkspaceRoleAssignment } from '../../backend';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadStatus } from '../../components/LoadStatus';
import { useMutation, type Loaded } from '../../data/query';
import { AssignmentList } from './AssignmentList';
import { GrantPanel, type GrantFormProps } from './GrantPanel';
import { hasDataScientist, principalDetail, principalLabel } from './model';

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  field: { flexGrow: 1, maxWidth: '420px' },
  person: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  muted: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
});

/**
 * Grant to a person: look them up in the directory by email or user name first, show the roles
 * they already have on the workspace (from `assignments`, the page's list, so they stay current
 * after a grant or a removal), then grant AzureML Data Scientist.
 */
export function UserGrant({ assignments, ...props }: GrantFormProps & { assignments: Loaded<WorkspaceRoleAssignment[]> }) {
  const styles = useStyles();
  const [query, setQuery] = useState('');
  const lookup = useMutation(backend.findUser);
  const user = lookup.data;

  async function find() {
    const wanted = query.trim();
    if (wanted === '') return;
    await lookup.run(wanted);
  }

  const theirs: Loaded<WorkspaceRoleAssignment[]> | null =
    user === undefined
      ? null
      : assignments.kind === 'loaded'
        ? { kind: 'loaded', value: assignments.value.filter((item) => item.principal.objectId === user.objectId) }
        : assignments;

  return (
    <GrantPanel {...props}>
      {({ grant, running, roleName }) => (
        <>
          <form
            className={styles.form}
            onSubmit={(event) => {
              event.preventDefault();
              void find();
            }}
          >
            <Field className={styles.field} label={t('perm.user.label')} hint={t('perm.user.hint')}>
              <Input
                type="email"
                value={query}
                onChange={(_, data) => setQuery(data.value)}
                placeholder={t('perm.user.placeholder')}
                spellCheck={false}
                autoComplete="off"
                data-testid="user-query"
              />
            </Field>
            <Button type="submit" disabled={query.trim() === '' || lookup.pending || running} data-testid="user-find">
              {t('perm.user.find')}
            </Button>
          </form>

          {lookup.pending && <Spinner size="small" label={t('perm.user.looking')} />}
          {lookup.error && <ErrorMessage error={lookup.error} />}
          {user && (
            <div className={styles.person} data-testid="user-found" data-object-id={user.objectId}>
              <div>
                <Text weight="semibold" data-testid="user-found-name">
                  {principalLabel(user)}
                </Text>{' '}
                <Text className={styles.muted}>{principalDetail(user)}</Text>
              </div>
              <LoadStatus state={theirs} label={t('perm.user.rolesLoading')} />
              {theirs?.kind === 'loaded' && (
                <>
                  {theirs.value.length === 0 ? (
                    <Text data-testid="user-no-roles">{t('perm.user.noRoles', { name: principalLabel(user) })}</Text>
                  ) : (
                    <>
                      <Text>{t('perm.user.roles', { name: principalLabel(user) })}</Text>
                      <AssignmentList items={theirs.value} canRevoke={false} testId="user-assignments" />
                    </>
                  )}
                  <div className={styles.actions}>
                    {(props.role ?? 'dataScientist') === 'dataScientist' && hasDataScientist(theirs.value) ? (
                      <Text data-testid="user-has-role">{t('perm.user.hasRole', { name: principalLabel(user) })}</Text>
                    ) : (
                      <Button
                        appearance="primary"
                        disabled={running}
                        onClick={() => void grant({ kind: 'user', user: user.userPrincipalName ?? user.objectId })}
                        data-testid="user-grant"
                      >
                        {running ? t('perm.grant.granting') : t('perm.user.grant', { name: principalLabel(user), role: roleName })}
                      </Button>
                    )}
                  </div>
                </>
              )}
            </div>
          )}
        </>
      )}
    </GrantPanel>
  );
}
