import { Text, makeStyles, tokens } from '@fluentui/react-components';
import type { GrantAbility } from '../../backend';
import { t } from '../../i18n';
import { CopyableText } from '../runtimes/CopyableText';
import { principalDetail, principalLabel } from './model';
import { Notice } from '../../components/Notice';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * Whether the signed-in user may grant roles on the workspace. If not: who can, and a request
 * to send them. What they may give is said for the role chosen below and the place it is granted.
 */
export function GrantAbilityCard({ ability, roleName, place }: { ability: GrantAbility; roleName: string; place: string }) {
  const styles = useStyles();
  if (ability.allowed) {
    return (
      <Notice intent="success" data-testid="grant-ability" data-allowed="true" title={t('perm.ability.allowed', { workspace: ability.workspaceName })} titleOwnLine>
        {t('perm.ability.allowedDetail', { role: roleName, place })}
      </Notice>
    );
  }
  return (
    <div className={styles.box}>
      <Notice intent="warning" data-testid="grant-ability" data-allowed="false" title={t('perm.ability.denied', { workspace: ability.workspaceName })} titleOwnLine>
        <span data-testid="who-can-grant">{ability.whoCanGrant}</span>
      </Notice>
      {ability.administrators.length > 0 && (
        <>
          <Text>{t('perm.ability.administrators')}</Text>
          <ul className={styles.list} data-testid="grant-administrators">
            {ability.administrators.map((admin) => (
              <li key={admin.objectId}>
                <Text>{principalLabel(admin)}</Text> <Text className={styles.muted}>{principalDetail(admin)}</Text>
              </li>
            ))}
          </ul>
        </>
      )}
      <Text>{t('perm.ability.request')}</Text>
      <CopyableText text={ability.requestText} testId="grant-request" copyLabel={t('perm.ability.copyRequest')} />
    </div>
  );
}
