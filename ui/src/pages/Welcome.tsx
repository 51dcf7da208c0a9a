import { Body1, Button, Caption1, CardHeader, Spinner, Subtitle2, Text, makeStyles, tokens } from '@fluentui/react-components';
import { Card } from '../components/Card';
import { t } from '../i18n';
import { cloudName } from '../data/plainWords';
import { PageHeading } from '../components/PageHeading';
import { ErrorMessage } from '../components/ErrorMessage';
import { SignInPanel } from '../components/SignInPanel';
import { ActionList } from '../components/ActionList';
import { useSession, whoAmI } from '../session/SessionProvider';
import type { Page } from '../App';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  tagline: { fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  card: { padding: tokens.spacingHorizontalL },
  cardFooter: { marginTop: tokens.spacingVerticalS },
  sectionHeading: { margin: 0 },
  who: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

export function Welcome({
  onNavigate,
  focusHeading,
  addingAccount = false,
}: {
  onNavigate: (page: Page) => void;
  focusHeading: boolean;
  /** The account menu's "Add account": offer the sign-in choices even when signed in. */
  addingAccount?: boolean;
}) {
  const styles = useStyles();
  const session = useSession();
  const status = session.status;
  const who = whoAmI(status);
  const signedOut = status !== undefined && status.mode === 'signedOut';
  // The active account's saved sign-in is gone: nothing here may claim it still works.
  const signInRequired = status?.mode === 'signedIn' && status.signIn?.state === 'signInRequired';
  return (
    <section className={styles.page} data-testid="welcome">
      <PageHeading focusOnMount={focusHeading}>{t('welcome.heading')}</PageHeading>
      <Text className={styles.tagline}>{t('app.tagline')}</Text>
      <Body1>{t('welcome.what')}</Body1>
      {session.error && <ErrorMessage error={session.error} />}
      {status === undefined && !session.error && (
        <Spinner size="small" labelPosition="after" label={t('session.loading')} />
      )}
      {status && status.mode !== 'signedOut' && who && (
        <Card className={styles.card} data-testid="welcome-who">
          <CardHeader
            header={
              <Subtitle2 as="h2">
                {t(
                  status.mode === 'sandbox'
                    ? 'session.who.sandboxHeading'
                    : signInRequired
                      ? 'session.who.signInRequiredHeading'
                      : 'session.who.heading',
                )}
              </Subtitle2>
            }
          />
          <div className={styles.who}>
            <Body1 data-testid="welcome-who-name">
              {t(signInRequired ? 'session.who.was' : 'session.who.as', { name: who.name })}
            </Body1>
            {who.userName && <Caption1>{who.userName}</Caption1>}
            <Caption1>
              {t('session.who.cloud', { cloud: status.mode === 'sandbox' ? t('session.cloud.sandbox') : cloudName(status.cloud) })}
            </Caption1>
          </div>
          {!signInRequired && (
            <div className={styles.cardFooter}>
              <Button appearance="primary" onClick={() => onNavigate('runtimes')} data-testid="welcome-go-to-runtimes">
                {t('session.goToRuntimes')}
              </Button>
            </div>
          )}
        </Card>
      )}
      {signedOut && (
        <>
          <Subtitle2 as="h2" className={styles.sectionHeading}>
            {t('session.signIn.heading')}
          </Subtitle2>
          <Body1>{t('session.signIn.intro')}</Body1>
          <SignInPanel />
        </>
      )}
      {status?.mode === 'signedIn' && (addingAccount || signInRequired) && (
        <>
          <Subtitle2 as="h2" className={styles.sectionHeading}>
            {t(signInRequired ? 'session.signInAgain.heading' : 'session.addAccount.heading')}
          </Subtitle2>
          <SignInPanel includeSandbox={false} />
        </>
      )}
      <Subtitle2 as="h2" className={styles.sectionHeading}>
        {t('welcome.available')}
      </Subtitle2>
      <ActionList
        actions={[
          {
            testId: 'welcome-runtimes',
            label: t('welcome.runtimes'),
            description: t('welcome.runtimes.description'),
            onClick: () => onNavigate('runtimes'),
          },
          {
            testId: 'welcome-settings',
            label: t('welcome.settings'),
            description: t('welcome.settings.description'),
            onClick: () => onNavigate('settings'),
          },
        ]}
      />
    </section>
  );
}
