import {
  Button,
  Card,
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
import { backend, type AppInfo } from '../backend';
import { useMutation, useQuery } from '../data/query';
import { t } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeading } from '../components/PageHeading';
import type { ThemeChoice } from '../theme';
import type { AppInfoState } from '../App';

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
}: {
  appInfo: AppInfoState;
  themeChoice: ThemeChoice;
  onThemeChoice: (choice: ThemeChoice) => void;
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
      <UpdateSettings />
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
