import { Body1, makeStyles, tokens } from '@fluentui/react-components';
import { t } from '../i18n';
import { PageHeading } from '../components/PageHeading';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
});

export function Permissions() {
  const styles = useStyles();
  return (
    <section className={styles.page} data-testid="permissions">
      <PageHeading>{t('permissions.heading')}</PageHeading>
      <Body1>{t('permissions.empty')}</Body1>
    </section>
  );
}
