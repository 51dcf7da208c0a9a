import { Suspense, lazy } from 'react';
import { Body1, Button, Spinner, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { Card } from './Card';
import { t, type MessageKey } from '../i18n';
import { useSession, type SignInChoice } from '../session/SessionProvider';
import { ActionList } from './ActionList';
// The code dialog loads when a code sign-in starts: the first screen does not draw it.
const DeviceCodeDialog = lazy(() => import('./DeviceCodeDialog').then((module) => ({ default: module.DeviceCodeDialog })));

const useStyles = makeStyles({
  // A Card lays its children out in a column; the spinner, the words and Cancel read as one line.
  waiting: {
    display: 'flex',
    flexDirection: 'row',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    padding: tokens.spacingHorizontalL,
    flexWrap: 'wrap',
  },
  waitingText: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, flex: '1 1 240px' },
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
        {/* The words beside it say what is awaited; the spinner is decoration. */}
        <Spinner size="medium" aria-hidden />
        {/* A live region, not a heading: a heading that announces itself reads twice in a
            screen reader's heading list and as a status. */}
        <div className={styles.waitingText} role="status">
          <Subtitle2>{t('session.signIn.waitingBrowser')}</Subtitle2>
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
        <Suspense fallback={null}>
          <DeviceCodeDialog prompt={pending.prompt} onCancel={() => void session.cancelSignIn()} />
        </Suspense>
      )}
      <ActionList
        testId="sign-in-choices"
        actions={CHOICES.filter(({ choice }) => includeSandbox || choice !== 'sandbox').map(
          ({ choice, label, description, primary }) => ({
            testId: `sign-in-${choice}`,
            label: t(label),
            description: t(description),
            primary,
            disabled: pending !== undefined,
            onClick: () => void session.signIn(choice),
          }),
        )}
      />
    </>
  );
}
