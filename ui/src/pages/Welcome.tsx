import { Body1, Button, Card, CardHeader, Subtitle2, Text, makeStyles, tokens } from '@fluentui/react-components';
import { t } from '../i18n';
import { PageHeading } from '../components/PageHeading';
import type { Page } from '../App';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  tagline: { fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  actions: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))', gap: tokens.spacingHorizontalL },
  card: { padding: tokens.spacingHorizontalL },
  cardFooter: { marginTop: tokens.spacingVerticalS },
});

export function Welcome({ onNavigate, focusHeading }: { onNavigate: (page: Page) => void; focusHeading: boolean }) {
  const styles = useStyles();
  return (
    <section className={styles.page} data-testid="welcome">
      <PageHeading focusOnMount={focusHeading}>{t('welcome.heading')}</PageHeading>
      <Text className={styles.tagline}>{t('app.tagline')}</Text>
      <Body1>{t('welcome.what')}</Body1>
      <Subtitle2 as="h2">{t('welcome.available')}</Subtitle2>
      <div className={styles.actions}>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle2>{t('welcome.checkName')}</Subtitle2>} description={<Body1>{t('welcome.checkName.description')}</Body1>} />
          <div className={styles.cardFooter}>
            <Button appearance="primary" onClick={() => onNavigate('runtimes')} data-testid="welcome-check-name">
              {t('welcome.checkName')}
            </Button>
          </div>
        </Card>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle2>{t('welcome.settings')}</Subtitle2>} description={<Body1>{t('welcome.settings.description')}</Body1>} />
          <div className={styles.cardFooter}>
            <Button onClick={() => onNavigate('settings')} data-testid="welcome-settings">
              {t('welcome.settings')}
            </Button>
          </div>
        </Card>
      </div>
    </section>
  );
}
