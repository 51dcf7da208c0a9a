import {
  Button,
  Radio,
  RadioGroup,
  Field,
  Spinner,
  Subtitle2,
  Switch,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { Card } from '../components/Card';
import { useEffect } from 'react';
import { backend, type AppInfo, type AppUpdateCheck } from '../backend';
import { useMutation, useQuery } from '../data/query';
import { t } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeading } from '../components/PageHeading';
import type { ThemeChoice } from '../theme';
import type { AppInfoState } from '../App';
import { DiagnosticsBundle } from './settings/DiagnosticsBundle';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
  },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, wordBreak: 'break-all', fontFamily: tokens.fontFamilyMonospace },
  actions: { display: 'flex', gap: tokens.spacingHorizontalM },
});

export function Settings({
  appInfo,
  themeChoice,
  onThemeChoice,
  checkAppUpdateNow = 0,
}: {
  appInfo: AppInfoState;
  themeChoice: ThemeChoice;
  onThemeChoice: (choice: ThemeChoice) => void;
  /** Changes each time the menu's "Check for updates" is picked: the check runs at once. */
  checkAppUpdateNow?: number;
}) {
  const styles = useStyles();
  return (
    <section className={styles.page} data-testid="settings">
      <PageHeading>{t('settings.heading')}</PageHeading>
      <Card className={styles.card}>
        <Subtitle2 as="h2">{t('settings.about')}</Subtitle2>
        {(appInfo.kind === 'loading' || appInfo.kind === 'idle') && <Spinner size="tiny" label={t('settings.loading')} />}
        {appInfo.kind === 'error' && <ErrorMessage error={appInfo.error} />}
        {appInfo.kind === 'loaded' && <About info={appInfo.value} />}
      </Card>
      <DiagnosticsBundle />
      <UpdateSettings />
      <AppUpdate checkNow={checkAppUpdateNow} />
      <Card className={styles.card}>
        <Field label={<Subtitle2 as="h2">{t('settings.appearance')}</Subtitle2>}>
          <RadioGroup
            value={themeChoice}
            onChange={(_, data) => onThemeChoice(data.value as ThemeChoice)}
            data-testid="theme-choice"
          >
            <Radio value="system" label={t('settings.theme.system')} />
            <Radio value="light" label={t('settings.theme.light')} data-testid="theme-light" />
            <Radio value="dark" label={t('settings.theme.dark')} data-testid="theme-dark" />
          </RadioGroup>
        </Field>
      </Card>
    </section>
  );
}

function About({ info }: { info: AppInfo }) {
  const styles = useStyles();
  const openLogs = useMutation(backend.openLogsFolder);
  return (
    <>
      <dl className={styles.facts}>
        <dt className={styles.term}>{t('settings.version')}</dt>
        <dd className={styles.value} data-testid="app-version">
          {info.version}
        </dd>
        <dt className={styles.term}>{t('settings.configFile')}</dt>
        <dd className={styles.value} data-testid="config-path">
          {info.configPath}
        </dd>
        <dt className={styles.term}>{t('settings.logFolder')}</dt>
        <dd className={styles.value} data-testid="log-dir">
          {info.logDir ?? <Text italic>{t('settings.logFolder.none')}</Text>}
        </dd>
      </dl>
      {info.logDir !== null && (
        <div className={styles.actions}>
          <Button onClick={() => void openLogs.run()} data-testid="open-logs">
            {t('settings.openLogs')}
          </Button>
        </div>
      )}
      {openLogs.error && <ErrorMessage error={openLogs.error} />}
    </>
  );
}

/** The opt-in start-up update check, kept in the settings file by the backend. */
function UpdateSettings() {
  const styles = useStyles();
  const preferences = useQuery('update-preferences', backend.updatePreferences);
  const save = useMutation(backend.setCheckUpdatesAtStartup);
  // What the backend last said: the saved answer once there is one, else the loaded one.
  const enabled = (save.data ?? preferences.data)?.checkAtStartup ?? null;
  const saving = save.pending;
  const error = save.error ?? preferences.error ?? null;
  const change = (next: boolean) => save.run(next);

  return (
    <Card className={styles.card}>
      <Subtitle2 as="h2">{t('settings.updates')}</Subtitle2>
      {/* The switch is there from the start, off until the setting is read, so that nothing
          below it moves under the pointer when the setting arrives. */}
      <Field hint={t('settings.updates.startupHint')}>
        <Switch
          checked={enabled ?? false}
          disabled={enabled === null || saving}
          onChange={(_, data) => void change(data.checked)}
          label={t('settings.updates.startup')}
          data-testid="check-updates-at-startup"
        />
      </Field>
      {error && <ErrorMessage error={error} />}
    </Card>
  );
}

function appUpdateMessage(answer: AppUpdateCheck): string {
  const current = answer.currentVersion;
  switch (answer.state) {
    case 'up_to_date':
      return t('settings.appUpdate.upToDate', { current });
    case 'available':
      return t('settings.appUpdate.available', { current, version: answer.version ?? '' });
    case 'turned_off_by_administrator':
      return t('settings.appUpdate.offByAdministrator');
    case 'turned_off_in_settings':
      return t('settings.appUpdate.offInSettings');
    case 'not_available':
      return t('settings.appUpdate.notAvailable');
  }
}

/**
 * Updates of the app itself: a check only when asked, and an install only on a second, explicit
 * click that names the version (the backend verifies the download's signature first).
 */
function AppUpdate({ checkNow }: { checkNow: number }) {
  const styles = useStyles();
  const check = useMutation(backend.checkAppUpdate);
  const install = useMutation(backend.installAppUpdate);
  const runCheck = check.run;
  useEffect(() => {
    if (checkNow > 0) void runCheck();
  }, [checkNow, runCheck]);
  const answer = check.data;
  const error = install.error ?? check.error ?? null;
  return (
    <Card className={styles.card} data-testid="app-update">
      <Subtitle2 as="h2">{t('settings.appUpdate')}</Subtitle2>
      <div className={styles.actions}>
        <Button
          onClick={() => {
            install.reset();
            void check.run();
          }}
          disabled={check.pending || install.pending}
          data-testid="check-app-update"
        >
          {t('settings.appUpdate.check')}
        </Button>
        {answer?.state === 'available' && answer.version && (
          <Button
            appearance="primary"
            onClick={() => void install.run()}
            disabled={install.pending}
            data-testid="install-app-update"
          >
            {t('settings.appUpdate.install', { version: answer.version })}
          </Button>
        )}
      </div>
      {check.pending && <Spinner size="tiny" label={t('settings.appUpdate.checking')} />}
      {install.pending && <Spinner size="tiny" label={t('settings.appUpdate.installing')} />}
      <div role="status" data-testid="app-update-status">
        {answer && !check.pending && <Text>{appUpdateMessage(answer)}</Text>}
        {answer?.notes && <Text block>{answer.notes}</Text>}
      </div>
      {error && <ErrorMessage error={error} />}
    </Card>
  );
}
