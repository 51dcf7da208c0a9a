import { useEffect, useState } from 'react';
import {
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
import { AccountButton, useAccountSummary } from './AccountMenu';

const useStyles = makeStyles({
  who: {
    display: 'flex',
    flexDirection: 'column',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    gap: tokens.spacingVerticalXXS,
  },
});

type Tenants = { accountId: string; list?: Tenant[] };

/**
 * The account menu, loaded when first asked for and then open at once: who is signed in,
 * account and directory switching, adding accounts and signing out (or leaving the sandbox).
 */
export function AccountMenuPopup({ onAddAccount }: { onAddAccount: () => void }) {
  const styles = useStyles();
  const { session, status, who, active, sandbox, cloud } = useAccountSummary();
  const signIn = status?.signIn;
  const [open, setOpen] = useState(true);
  // The first opening is the one that loaded this module: its directories are being fetched.
  const [tenants, setTenants] = useState<Tenants | undefined>(() => (active && !sandbox ? { accountId: active.id } : undefined));

  function fetchTenants(accountId: string) {
    session.listTenants(accountId).then(
      (list) => setTenants((current) => (current?.accountId === accountId ? { accountId, list } : current)),
      () => setTenants((current) => (current?.accountId === accountId ? { accountId, list: [] } : current)),
    );
  }
  function loadTenants(opening: boolean) {
    if (!opening || !active || sandbox) return;
    setTenants({ accountId: active.id });
    fetchTenants(active.id);
  }
  useEffect(() => {
    if (active && !sandbox) fetchTenants(active.id);
    // Once, for the opening that loaded the menu; later openings fetch in onOpenChange.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!who) return null;
  const tenantList = tenants?.accountId === active?.id ? tenants?.list : undefined;
  return (
    <Menu
      open={open}
      onOpenChange={(_, data) => {
        setOpen(data.open);
        loadTenants(data.open);
      }}
      positioning="above-start"
      // In the navigation, not in a layer of its own at the end of the page: what it shows (who
      // is signed in, the accounts) stays inside the navigation landmark for a screen reader.
      inline
    >
      <MenuTrigger disableButtonEnhancement>
        <AccountButton />
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
