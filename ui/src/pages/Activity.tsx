import { Body1, makeStyles, tokens } from '@fluentui/react-components';
import { t } from '../i18n';
import { PageHeading } from '../components/PageHeading';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
});

export function Activity() {
  const styles = useStyles();
  return (
    <section className={styles.page} data-testid="activity">
      <PageHeading>{t('activity.heading')}</PageHeading>
      <Body1>{t('activity.empty')}</Body1>
    </section>
  );
}
