import { useState } from 'react';
import {
  Button,
  Caption1,
  Menu,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { Tenant } from '../backend';
import { t } from '../i18n';
import { cloudName } from '../data/plainWords';
import { useSession, whoAmI } from '../session/SessionProvider';

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
  who: {
    display: 'flex',
    flexDirection: 'column',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    gap: tokens.spacingVerticalXXS,
  },
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

type Tenants = { accountId: string; list?: Tenant[] };

/** Who the app acts as, with account and directory switching, adding accounts and signing out. */
export function AccountMenu({ onAddAccount }: { onAddAccount: () => void }) {
  const styles = useStyles();
  const session = useSession();
  const status = session.status;
  const [tenants, setTenants] = useState<Tenants | undefined>();
  const who = whoAmI(status);
  const signIn = status?.signIn;
  const active = signIn?.activeAccount;
  const sandbox = status?.mode === 'sandbox';
  const cloud = sandbox ? t('session.cloud.sandbox') : status?.cloud && cloudName(status.cloud);

  if (!status || !who) {
    return (
      <Button appearance="subtle" className={styles.trigger} onClick={onAddAccount} data-testid="account-sign-in">
        {t('session.menu.signIn')}
      </Button>
    );
  }

  function loadTenants(open: boolean) {
    if (!open || !active || sandbox) return;
    const accountId = active.id;
    setTenants({ accountId });
    session.listTenants(accountId).then(
      (list) => setTenants((current) => (current?.accountId === accountId ? { accountId, list } : current)),
      () => setTenants((current) => (current?.accountId === accountId ? { accountId, list: [] } : current)),
    );
  }

  const tenantList = tenants?.accountId === active?.id ? tenants?.list : undefined;
  return (
    <Menu onOpenChange={(_, data) => loadTenants(data.open)} positioning="above-start">
      <MenuTrigger disableButtonEnhancement>
        <Button
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
      </MenuTrigger>
      <MenuPopover data-testid="account-menu">
        <div className={styles.who}>
          <Text weight="semibold" data-testid="account-menu-display-name">
            {who.name}
          </Text>
          {who.userName && <Caption1 data-testid="account-menu-user-name">{who.userName}</Caption1>}
          {cloud && <Caption1>{t('session.who.cloud', { cloud })}</Caption1>}
        </div>
        <MenuList
          checkedValues={{
            account: active ? [active.id] : [],
            tenant: active ? [active.tenantId] : [],
          }}
          onCheckedValueChange={(_, data) => {
            const value = data.checkedItems[0];
            if (!value) return;
            if (data.name === 'account' && value !== active?.id) void session.switchAccount(value);
            if (data.name === 'tenant' && active && value !== active.tenantId) void session.switchTenant(active.id, value);
          }}
        >
          {signIn && signIn.accounts.length > 0 && (
            <>
              <MenuDivider />
              <MenuGroup>
                <MenuGroupHeader>{t('session.menu.accounts')}</MenuGroupHeader>
                {signIn.accounts.map((account) => {
                  const name = account.displayName ?? account.username;
                  return (
                    <MenuItemRadio
                      key={account.id}
                      name="account"
                      value={account.id}
                      secondaryContent={account.displayName ? account.username : undefined}
                      data-testid={`account-${account.id}`}
                    >
                      {account.signedIn ? name : t('session.menu.needsSignIn', { name })}
                    </MenuItemRadio>
                  );
                })}
              </MenuGroup>
            </>
          )}
          {active && !sandbox && (
            <>
              <MenuDivider />
              <MenuGroup data-testid="tenant-list">
                <MenuGroupHeader>{t('session.menu.tenants')}</MenuGroupHeader>
                {tenantList === undefined && <MenuItem disabled>{t('session.menu.tenantsLoading')}</MenuItem>}
                {tenantList?.length === 0 && <MenuItem disabled>{t('session.menu.tenantsNone')}</MenuItem>}
                {tenantList?.map((tenant) => (
                  <MenuItemRadio
                    key={tenant.tenantId}
                    name="tenant"
                    value={tenant.tenantId}
                    secondaryContent={tenant.defaultDomain}
                    data-testid={`tenant-${tenant.tenantId}`}
                  >
                    {tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId}
                  </MenuItemRadio>
                ))}
              </MenuGroup>
            </>
          )}
          <MenuDivider />
          {!sandbox && (
            <MenuItem onClick={onAddAccount} data-testid="account-add">
              {t('session.menu.addAccount')}
            </MenuItem>
          )}
          {sandbox ? (
            <MenuItem onClick={() => void session.leaveSandbox()} data-testid="account-leave-sandbox">
              {t('session.menu.leaveSandbox')}
            </MenuItem>
          ) : (
            active && (
              <MenuItem onClick={() => void session.signOut(active.id)} data-testid="account-sign-out">
                {t('session.menu.signOut')}
              </MenuItem>
            )
          )}
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
