import { Body1, Button, Card, CardHeader, Spinner, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { t, type MessageKey } from '../i18n';
import { useSession, type SignInChoice } from '../session/SessionProvider';
import { DeviceCodeDialog } from './DeviceCodeDialog';

const useStyles = makeStyles({
  choices: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))', gap: tokens.spacingHorizontalL },
  card: { padding: tokens.spacingHorizontalL },
  footer: { marginTop: tokens.spacingVerticalS },
  waiting: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    padding: tokens.spacingHorizontalL,
    flexWrap: 'wrap',
  },
  waitingText: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, flexGrow: 1 },
});

const CHOICES: { choice: SignInChoice; label: MessageKey; description: MessageKey; primary?: boolean }[] = [
  { choice: 'browser', label: 'session.signIn.browser', description: 'session.signIn.browser.description', primary: true },
  { choice: 'deviceCode', label: 'session.signIn.deviceCode', description: 'session.signIn.deviceCode.description' },
  { choice: 'azureCli', label: 'session.signIn.azureCli', description: 'session.signIn.azureCli.description' },
  { choice: 'sandbox', label: 'session.signIn.sandbox', description: 'session.signIn.sandbox.description' },
];

/** The ways to sign in, and what the app shows while one is under way. */
export function SignInPanel({ includeSandbox = true }: { includeSandbox?: boolean }) {
  const styles = useStyles();
  const session = useSession();
  const pending = session.pending;

  if (pending?.method === 'browser') {
    return (
      <Card className={styles.waiting} data-testid="sign-in-waiting-browser">
        <Spinner size="medium" />
        <div className={styles.waitingText}>
          <Subtitle2 as="h2" role="status">
            {t('session.signIn.waitingBrowser')}
          </Subtitle2>
          <Body1>{t('session.signIn.waitingBrowser.hint')}</Body1>
        </div>
        <Button onClick={() => void session.cancelSignIn()} data-testid="sign-in-cancel">
          {t('session.signIn.cancel')}
        </Button>
      </Card>
    );
  }
  if (pending?.method === 'azureCli' || pending?.method === 'sandbox') {
    const label = pending.method === 'sandbox' ? 'session.signIn.startingSandbox' : 'session.signIn.waitingAzureCli';
    return <Spinner size="small" labelPosition="after" label={t(label)} data-testid={`sign-in-waiting-${pending.method}`} />;
  }

  return (
    <>
      {pending?.method === 'deviceCode' && (
        <DeviceCodeDialog prompt={pending.prompt} onCancel={() => void session.cancelSignIn()} />
      )}
      <div className={styles.choices} data-testid="sign-in-choices">
        {CHOICES.filter(({ choice }) => includeSandbox || choice !== 'sandbox').map(({ choice, label, description, primary }) => (
          <Card key={choice} className={styles.card}>
            <CardHeader header={<Subtitle2>{t(label)}</Subtitle2>} description={<Body1>{t(description)}</Body1>} />
            <div className={styles.footer}>
              <Button
                appearance={primary ? 'primary' : 'secondary'}
                disabled={pending !== undefined}
                onClick={() => void session.signIn(choice)}
                data-testid={`sign-in-${choice}`}
              >
                {t(label)}
              </Button>
            </div>
          </Card>
        ))}
      </div>
    </>
  );
}
