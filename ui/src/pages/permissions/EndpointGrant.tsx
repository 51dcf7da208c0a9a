import { Body1, Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { backend } from '../../backend';
import { t } from '../../i18n';
import { LoadStatus } from '../../components/LoadStatus';
import { useQuery } from '../../data/query';
import { GrantPanel, type GrantFormProps } from './GrantPanel';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: {
    display: 'flex',
    gap: tokens.spacingHorizontalM,
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
  },
  text: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: 0, flex: '1 1 320px' },
  // An address or id is one word: the table scrolls sideways before it splits one over two lines
  // (`anywhere` let the column squeeze to a few letters and broke bob@contoso.com mid-word).
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: 'break-word' },
});

/**
 * Grant to an endpoint: the workspace's managed online endpoints with their system-assigned
 * identity. An endpoint without one is explained, not offered.
 */
export function EndpointGrant(props: GrantFormProps) {
  const styles = useStyles();
  const { workspaceId } = props;
  const endpoints = useQuery(workspaceId, () => backend.listEndpointIdentities(workspaceId)).state;

  return (
    <GrantPanel {...props}>
      {({ grant, running, roleName }) => (
        <>
          <LoadStatus state={endpoints} label={t('perm.endpoints.loading')} />
          {endpoints.kind === 'loaded' && endpoints.value.length === 0 && (
            <Body1 data-testid="endpoints-empty">{t('perm.endpoints.empty')}</Body1>
          )}
          {endpoints.kind === 'loaded' && endpoints.value.length > 0 && (
            <ul className={styles.list} data-testid="endpoint-list">
              {endpoints.value.map((endpoint) => (
                <li
                  key={endpoint.endpointName}
                  className={styles.item}
                  data-testid={`endpoint-${endpoint.endpointName}`}
                  data-has-identity={endpoint.principalId !== undefined}
                >
                  <div className={styles.text}>
                    <Text weight="semibold">{endpoint.endpointName}</Text>
                    {endpoint.principalId ? (
                      <Text size={200} className={styles.muted}>
                        {t('perm.endpoints.identity', { id: endpoint.principalId })}
                      </Text>
                    ) : (
                      <Text size={200} data-testid="endpoint-explanation">
                        {endpoint.explanation ?? t('perm.endpoints.noIdentity')}
                      </Text>
                    )}
                  </div>
                  {endpoint.principalId && (
                    <Button
                      disabled={running}
                      onClick={() => void grant({ kind: 'endpoint', name: endpoint.endpointName })}
                      aria-label={t('perm.endpoints.grantFor', { name: endpoint.endpointName, role: roleName })}
                      data-testid="endpoint-grant"
                    >
                      {t('perm.endpoints.grant')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </GrantPanel>
  );
}
