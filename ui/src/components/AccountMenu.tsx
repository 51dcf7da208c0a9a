import { forwardRef, lazy, Suspense, useState, type ComponentProps } from 'react';
import { Button, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { t } from '../i18n';
import { cloudName } from '../data/plainWords';
import { useSession, whoAmI } from '../session/SessionProvider';

// The menu itself (Fluent's Menu, its popup positioning and the account and directory lists) is
// drawn only when asked for, so it loads then: the first screen loads the button it draws.
const AccountMenuPopup = lazy(() => import('./AccountMenuPopup').then((module) => ({ default: module.AccountMenuPopup })));

const useStyles = makeStyles({
  trigger: { justifyContent: 'flex-start', width: '100%', minWidth: 0, textAlign: 'start' },
  triggerText: { display: 'flex', flexDirection: 'column', minWidth: 0, overflow: 'hidden' },
  // A circle with the initials (Fluent's Avatar draws the same, at several times the code).
  initials: {
    width: '24px',
    height: '24px',
    borderRadius: tokens.borderRadiusCircular,
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    fontSize: tokens.fontSizeBase100,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForegroundOnBrand,
    backgroundColor: tokens.colorBrandBackground,
    flexShrink: 0,
  },
  // Read by screen readers, not shown.
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
});

/** Up to two initials of a name, as a picture of who is signed in. */
export function initials(name: string): string {
  return name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word.charAt(0).toUpperCase())
    .join('');
}

/** Who is signed in, or "Sandbox", and the cloud: what the account button and its menu show. */
export function useAccountSummary() {
  const session = useSession();
  const status = session.status;
  const who = whoAmI(status);
  const active = status?.signIn?.activeAccount;
  const sandbox = status?.mode === 'sandbox';
  const cloud = sandbox ? t('session.cloud.sandbox') : status?.cloud && cloudName(status.cloud);
  return { session, status, who, active, sandbox, cloud };
}

/** The account button: the same element whether or not its menu has loaded yet. */
export const AccountButton = forwardRef<HTMLButtonElement, ComponentProps<typeof Button>>(function AccountButton(props, ref) {
  const styles = useStyles();
  const { who, active, cloud } = useAccountSummary();
  if (!who) return null;
  return (
    <Button
      {...props}
      ref={ref}
      appearance="subtle"
      className={styles.trigger}
      // The picture repeats the name beside it, so only the words name the button.
      icon={
        <span className={styles.initials} aria-hidden>
          {initials(who.name)}
        </span>
      }
      data-testid="account-menu-button"
    >
      <span className={styles.triggerText}>
        {/* The button's name is its visible words with "Account" before them (never other words,
            so speech control finds the button by what it shows). */}
        <span className={styles.hidden}>{t('session.menu.label')} </span>
        <span className={styles.ellipsis} data-testid="account-menu-name">
          {who.name}
        </span>
        {active && !active.signedIn ? (
          <Caption1 className={styles.ellipsis} data-testid="account-menu-sign-in-required">
            {t('session.menu.signInRequired')}
          </Caption1>
        ) : (
          cloud && <Caption1 className={styles.ellipsis}>{cloud}</Caption1>
        )}
      </span>
    </Button>
  );
});

/** Who the app acts as, with account and directory switching, adding accounts and signing out. */
export function AccountMenu({ onAddAccount }: { onAddAccount: () => void }) {
  const styles = useStyles();
  const { status, who } = useAccountSummary();
  // Asked for once (a click, Enter, Space or Arrow Down on the button): from then on the menu is
  // loaded and works as Fluent's Menu does; the first time it opens as soon as it has loaded.
  const [asked, setAsked] = useState(false);

  if (!status || !who) {
    return (
      <Button appearance="subtle" className={styles.trigger} onClick={onAddAccount} data-testid="account-sign-in">
        {t('session.menu.signIn')}
      </Button>
    );
  }
  const ask = <AccountButton aria-haspopup="menu" aria-expanded={false} onClick={() => setAsked(true)} onKeyDown={(event) => event.key === 'ArrowDown' && setAsked(true)} />;
  if (!asked) return ask;
  return (
    <Suspense fallback={ask}>
      <AccountMenuPopup onAddAccount={onAddAccount} />
    </Suspense>
  );
}
