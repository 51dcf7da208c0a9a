import { Suspense, lazy, useMemo, useState, useSyncExternalStore } from 'react';
import {
  Button,
  Spinner,
  CounterBadge,
  FluentProvider,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Tab,
  TabList,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { backend, type AppInfo } from './backend';
import { useQuery, type Loaded } from './data/query';
import { t, type MessageKey } from './i18n';
import { StartupWarnings } from './components/StartupWarnings';
import { SessionBanner } from './components/SessionBanner';
import { RetirementNotice } from './components/RetirementNotice';
import { SHORT_WINDOW_QUERY } from './components/useShortWindow';
import { AccountMenu } from './components/AccountMenu';
import { SessionProvider } from './session/SessionProvider';
import { OperationsProvider, useOperations } from './data/operations';
import { UpdatesProvider, useUpdates } from './updates/UpdatesProvider';
import type { RoleRequest } from './components/DiagnosisPanel';
import { Welcome } from './pages/Welcome';
import { copyDiagnostics, useMenu, type MenuHandlers } from './menu';
// Pages other than the first screen load when first opened, so start-up parses less.
const Runtimes = lazy(() => import('./pages/Runtimes').then((module) => ({ default: module.Runtimes })));
const Permissions = lazy(() => import('./pages/Permissions').then((module) => ({ default: module.Permissions })));
const Inventory = lazy(() => import('./pages/Inventory').then((module) => ({ default: module.Inventory })));
const Activity = lazy(() => import('./pages/Activity').then((module) => ({ default: module.Activity })));
const Settings = lazy(() => import('./pages/Settings').then((module) => ({ default: module.Settings })));
import { loadThemeChoice, resolveTheme, saveThemeChoice, useSystemPrefersDark, type ThemeChoice } from './theme';

export type Page = 'welcome' | 'runtimes' | 'permissions' | 'inventory' | 'activity' | 'settings';

export type AppInfoState = Loaded<AppInfo>;

const LAST_PAGE_KEY = 'pfrm.lastPage';

function loadLastPage(): Page | null {
  try {
    const name = window.localStorage.getItem(LAST_PAGE_KEY);
    return name === null ? null : pageNamed(name);
  } catch {
    return null;
  }
}

function saveLastPage(page: Page): void {
  try {
    window.localStorage.setItem(LAST_PAGE_KEY, page);
  } catch {
    // Storage can be unavailable; the settings file still has it.
  }
}

/** The page a remembered name stands for; Welcome for none or one this version does not have. */
export function pageNamed(name: string | undefined): Page {
  return PAGES.find((entry) => entry.page === name)?.page ?? 'welcome';
}

const PAGES: { page: Page; label: MessageKey }[] = [
  { page: 'welcome', label: 'nav.welcome' },
  { page: 'runtimes', label: 'nav.runtimes' },
  { page: 'permissions', label: 'nav.permissions' },
  { page: 'inventory', label: 'nav.inventory' },
  { page: 'activity', label: 'nav.activity' },
  { page: 'settings', label: 'nav.settings' },
];

// Below this width (CSS pixels: a 720 px window at 150% zoom or more) the navigation folds away.
const NARROW_QUERY = '(max-width: 600px)';
const NARROW = `@media ${NARROW_QUERY}`;

function subscribeToWidth(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined;
  const query = window.matchMedia(NARROW_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Whether the window is narrow enough for the folded navigation, kept current as it resizes. */
function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribeToWidth,
    () => typeof window.matchMedia === 'function' && window.matchMedia(NARROW_QUERY).matches,
    () => false,
  );
}

const useStyles = makeStyles({
  // The document scrolls, not an inner box: WebKit paints a scrolling box's first frame far more
  // slowly than the window's own scrolling (measured ~95 ms of a ~140 ms first content frame
  // without a GPU). The navigation stays in place beside the page.
  root: { minHeight: '100vh', display: 'flex', flexDirection: 'column' },
  frame: {
    flexGrow: 1,
    display: 'flex',
    [NARROW]: { flexDirection: 'column' },
  },
  nav: {
    position: 'sticky',
    top: 0,
    // Above the page: the account menu opens inside the navigation and reaches over the page.
    zIndex: 1,
    alignSelf: 'flex-start',
    height: '100vh',
    boxSizing: 'border-box',
    width: '220px',
    flexShrink: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    // Narrow (a small window, or zoomed in): a bar above the page whose pages fold behind a
    // button, so the page keeps the width and nothing scrolls sideways.
    [NARROW]: {
      position: 'static',
      height: 'auto',
      width: '100%',
      gap: tokens.spacingVerticalS,
      padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
      borderRight: 'none',
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    },
  },
  bar: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalS },
  // The page-folding button exists only in the narrow layout.
  menuButton: { display: 'none', [NARROW]: { display: 'inline-flex' } },
  folded: { [NARROW]: { display: 'none' } },
  tabs: { alignItems: 'stretch' },
  tab: { justifyContent: 'flex-start' },
  // Fluent centres a tab's label over the space its bold form needs; a vertical list reads
  // better with labels on one left edge.
  tabLabel: { textAlign: 'start' },
  // The account sits at the foot of the navigation, after the pages in Tab order.
  account: { marginTop: 'auto', [NARROW]: { marginTop: 0 }, borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, paddingTop: tokens.spacingVerticalS },
  product: { padding: `0 ${tokens.spacingHorizontalM}`, fontWeight: tokens.fontWeightSemibold },
  main: {
    flexGrow: 1,
    minWidth: 0,
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXXXL}`,
    [NARROW]: { padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}` },
    // A short window keeps its height for the page.
    [`@media ${SHORT_WINDOW_QUERY}`]: { paddingTop: tokens.spacingVerticalS, rowGap: tokens.spacingVerticalS },
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    // Banners above the page keep their height instead of being squeezed.
    '& > *': { flexShrink: 0 },
  },
});

export function App() {
  const styles = useStyles();
  // The page the app was left on opens again (the first launch: Welcome). The window's own
  // storage has it at once, for the first paint; the settings file has it too, for when that
  // storage was cleared.
  const [chosenPage, setPage] = useState<Page | null>(loadLastPage);
  const lastPlace = useQuery(chosenPage === null ? 'last-place' : null, backend.lastPlace).state;
  const page: Page = chosenPage ?? (lastPlace.kind === 'loaded' ? pageNamed(lastPlace.value?.page) : 'welcome');
  // The role a diagnosis asked for, shown on Permissions until another page is opened.
  const [roleRequest, setRoleRequest] = useState<RoleRequest | null>(null);
  const [navigated, setNavigated] = useState(false);
  const [addingAccount, setAddingAccount] = useState(false);
  const appInfo = useQuery('app-info', backend.appInfo).state;
  const [themeChoice, setThemeChoice] = useState<ThemeChoice>(loadThemeChoice);
  const systemDark = useSystemPrefersDark();
  const { theme, dark } = resolveTheme(themeChoice, systemDark);

  // In the narrow layout the pages are folded behind a button until it is pressed.
  const narrow = useNarrow();
  const [pagesShown, setPagesShown] = useState(false);
  const folded = narrow && !pagesShown;

  function navigate(next: Page) {
    setPagesShown(false);
    setNavigated(true);
    setAddingAccount(false);
    setRoleRequest(null);
    setPage(next);
    // Remembered for the next start; failing to remember is no reason to bother the user.
    saveLastPage(next);
    void backend.rememberPlace(next, undefined).catch(() => undefined);
  }

  function addAccount() {
    navigate('welcome');
    setAddingAccount(true);
  }

  // Menu items: a refresh remounts the page (every query loads again), "New runtime" opens
  // the runtimes page on its wizard, "Check for updates" opens Settings and checks at once.
  const [pageKey, setPageKey] = useState(0);
  const [runtimesStart, setRuntimesStart] = useState<'list' | 'wizard'>('list');
  const [checkAppUpdateNow, setCheckAppUpdateNow] = useState(0);
  const [diagnosticsCopied, setDiagnosticsCopied] = useState<boolean | null>(null);
  const menuHandlers = useMemo<MenuHandlers>(
    () => ({
      refresh: () => setPageKey((key) => key + 1),
      'new-runtime': () => {
        setRuntimesStart('wizard');
        setPageKey((key) => key + 1);
        navigate('runtimes');
      },
      settings: () => navigate('settings'),
      'check-for-updates': () => {
        setCheckAppUpdateNow((count) => count + 1);
        navigate('settings');
      },
      'copy-diagnostics': () => {
        void copyDiagnostics(appInfo).then(setDiagnosticsCopied);
      },
    }),
    // navigate only sets state; appInfo is read when the item is picked.
    [appInfo],
  );
  useMenu(menuHandlers);

  function chooseTheme(choice: ThemeChoice) {
    saveThemeChoice(choice);
    setThemeChoice(choice);
  }

  return (
    // The provider's own classes are copied onto the layer that menus and dialogs open in, so
    // the window's layout (full height, background) lives on an inner element: on the
    // provider it would cover the page whenever a menu or dialog opened.
    <FluentProvider theme={theme} data-theme={dark ? 'dark' : 'light'}>
      <OperationsProvider>
      <SessionProvider>
      <UpdatesProvider>
      <div className={styles.root}>
      <div className={styles.frame}>
        <nav className={styles.nav} aria-label={t('nav.label')}>
          <div className={styles.bar}>
            <Text className={styles.product} size={400}>
              {t('app.name')}
            </Text>
            <Button
              className={styles.menuButton}
              appearance="subtle"
              aria-expanded={!folded}
              aria-controls="pfrm-pages"
              onClick={() => setPagesShown((shown) => !shown)}
              data-testid="nav-toggle"
            >
              {t(folded ? 'nav.show' : 'nav.hide', { page: t(PAGES.find((entry) => entry.page === page)?.label ?? 'nav.welcome') })}
            </Button>
          </div>
          <TabList
            id="pfrm-pages"
            className={mergeClasses(styles.tabs, folded && styles.folded)}
            vertical
            size="large"
            selectedValue={page}
            onTabSelect={(_, data) => navigate(data.value as Page)}
          >
            {PAGES.map(({ page: value, label }) => (
              <Tab
                key={value}
                value={value}
                className={styles.tab}
                content={{ className: styles.tabLabel }}
                data-testid={`nav-${value}`}
              >
                {t(label)}
                {value === 'activity' && <RunningCount />}
                {value === 'runtimes' && <OutdatedCount />}
              </Tab>
            ))}
          </TabList>
          <div className={mergeClasses(styles.account, folded && styles.folded)}>
            <AccountMenu onAddAccount={addAccount} />
          </div>
        </nav>
        <main className={styles.main}>
          <SessionBanner onSignInAgain={addAccount} />
          <RetirementNotice />
          {appInfo.kind === 'loaded' && <StartupWarnings warnings={appInfo.value.warnings} />}
          <StartupUpdateNotice onShowRuntimes={() => navigate('runtimes')} />
          {diagnosticsCopied !== null && (
            <MessageBar intent={diagnosticsCopied ? 'success' : 'warning'} data-testid="diagnostics-copied">
              <MessageBarBody>{t(diagnosticsCopied ? 'menu.diagnosticsCopied' : 'menu.diagnosticsNotCopied')}</MessageBarBody>
            </MessageBar>
          )}
          {page === 'welcome' && <Welcome onNavigate={navigate} focusHeading={navigated} addingAccount={addingAccount} />}
          <Suspense fallback={<Spinner size="small" label={t('app.pageLoading')} />}>
            {page === 'runtimes' && (
              <Runtimes
                key={pageKey}
                initialView={runtimesStart === 'wizard' ? { kind: 'quick' } : undefined}
                onOpenPermissions={(request) => {
                  navigate('permissions');
                  setRoleRequest(request ?? null);
                }}
              />
            )}
            {page === 'permissions' && <Permissions key={pageKey} roleRequest={roleRequest} />}
            {page === 'inventory' && <Inventory key={pageKey} />}
            {page === 'activity' && <Activity key={pageKey} />}
            {page === 'settings' && (
              <Settings
                key={pageKey}
                appInfo={appInfo}
                themeChoice={themeChoice}
                onThemeChoice={chooseTheme}
                checkAppUpdateNow={checkAppUpdateNow}
              />
            )}
          </Suspense>
        </main>
      </div>
      </div>
      </UpdatesProvider>
      </SessionProvider>
      </OperationsProvider>
    </FluentProvider>
  );
}

/** How many operations are running, beside the Activity tab (nothing when none). */
function RunningCount() {
  const { runningCount } = useOperations();
  if (runningCount === 0) return null;
  return (
    <>
      {' '}
      <CounterBadge count={runningCount} size="small" color="brand" data-testid="nav-activity-running" aria-label={t('activity.running', { count: runningCount })} />
    </>
  );
}

/** How many runtimes can be updated, beside the Runtimes tab (nothing when none are known). */
function OutdatedCount() {
  const { outdatedCount } = useUpdates();
  if (outdatedCount === 0) return null;
  return (
    <>
      {' '}
      <CounterBadge
        count={outdatedCount}
        size="small"
        color="important"
        data-testid="nav-runtimes-outdated"
        aria-label={t('nav.runtimesOutdated', { count: outdatedCount })}
      />
    </>
  );
}

/** What the opt-in start-up check found: how many runtimes of the remembered workspace are behind. */
function StartupUpdateNotice({ onShowRuntimes }: { onShowRuntimes: () => void }) {
  const { startupNotice: notice, dismissStartupNotice } = useUpdates();
  if (!notice) return null;
  const text =
    notice.kind === 'failed'
      ? notice.workspaceName === null
        ? t('upd.startup.failedBeforeWorkspace', { message: notice.error.message })
        : t('upd.startup.failed', { workspace: notice.workspaceName, message: notice.error.message })
      : notice.outdated === 0
        ? t(notice.latestIsFinal ? 'upd.startup.currentFinal' : 'upd.startup.current', { workspace: notice.workspaceName })
        : notice.outdated === 1
          ? t(notice.latestIsFinal ? 'upd.startup.oneBehindFinal' : 'upd.startup.oneBehind', { workspace: notice.workspaceName })
          : t(notice.latestIsFinal ? 'upd.startup.behindFinal' : 'upd.startup.behind', { workspace: notice.workspaceName, count: notice.outdated });
  const intent = notice.kind === 'failed' ? 'warning' : notice.outdated > 0 ? 'info' : 'success';
  return (
    <MessageBar intent={intent} layout="multiline" data-testid="startup-update-notice" data-outdated={notice.kind === 'checked' ? notice.outdated : undefined}>
      <MessageBarBody>{text}</MessageBarBody>
      <MessageBarActions>
        {notice.kind === 'checked' && notice.outdated > 0 && (
          <Button
            size="small"
            onClick={() => {
              dismissStartupNotice();
              onShowRuntimes();
            }}
            data-testid="startup-update-show"
          >
            {t('upd.startup.show')}
          </Button>
        )}
        <Button size="small" onClick={dismissStartupNotice} data-testid="startup-update-dismiss">
          {t('upd.startup.dismiss')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
