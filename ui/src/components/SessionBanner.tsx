import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { t } from '../i18n';
import { useSession } from '../session/SessionProvider';
import { Notice } from './Notice';
import { useFoldedBannerStyles, useShortWindow } from './useShortWindow';

/**
 * Banners that stay while their condition lasts: the sandbox, a session kept in memory only
 * (no keychain), and a saved sign-in that needs signing in again. In a short window the sandbox's
 * banner is one line: its title, which says it all, and "Leave sandbox".
 */
export function SessionBanner({ onSignInAgain }: { onSignInAgain: () => void }) {
  const session = useSession();
  const short = useShortWindow();
  const foldedStyles = useFoldedBannerStyles();
  const status = session.status;
  if (!status) return null;
  const signIn = status.signIn;
  const expired = signIn?.state === 'signInRequired' ? (signIn.activeAccount ?? signIn.accounts.find((a) => !a.signedIn)) : undefined;
  return (
    <>
      {status.mode === 'sandbox' && (
        <MessageBar intent="warning" layout={short ? 'singleline' : 'multiline'} className={short ? foldedStyles.folded : undefined} data-testid="sandbox-banner" data-folded={short}>
          <MessageBarBody>
            <MessageBarTitle>{t('session.banner.sandbox')}</MessageBarTitle>
            {!short && <Text as="span">{t('session.banner.sandbox.detail')}</Text>}
          </MessageBarBody>
          <MessageBarActions>
            <Button size={short ? 'small' : 'medium'} onClick={() => void session.leaveSandbox()} data-testid="leave-sandbox">
              {t('session.banner.leaveSandbox')}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {signIn?.memoryOnly && (
        <Notice intent="warning" data-testid="memory-only-banner" title={t('session.banner.memoryOnly')}>
          <Text as="span">{signIn.keychainProblem ?? t('session.banner.memoryOnly.detail')}</Text>
        </Notice>
      )}
      {signIn?.state === 'signInRequired' && (
        <MessageBar intent="warning" layout="multiline" data-testid="sign-in-required-banner">
          <MessageBarBody>
            <MessageBarTitle>{t('session.banner.signInRequired')}</MessageBarTitle>
            {expired && (
              <Text as="span">
                {t('session.banner.signInRequired.detail', { name: expired.displayName ?? expired.username })}
              </Text>
            )}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={onSignInAgain} data-testid="sign-in-again">
              {t('session.banner.signInAgain')}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
    </>
  );
}
