import { MessageBar, MessageBarBody, MessageBarTitle, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { StartupWarning } from '../backend';
import { t, type MessageKey } from '../i18n';

const TITLES: Record<StartupWarning['kind'], MessageKey> = {
  config_unreadable: 'startup.configUnreadable',
  log_dir_unwritable: 'startup.logDirUnwritable',
};

const useStyles = makeStyles({
  block: { display: 'block' },
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  remedy: { display: 'block', marginTop: tokens.spacingVerticalXS },
});

/** Banners for problems met while starting; the app works on regardless. */
export function StartupWarnings({ warnings }: { warnings: StartupWarning[] }) {
  const styles = useStyles();
  if (warnings.length === 0) return null;
  return (
    <div className={styles.list}>
      {warnings.map((warning) => (
        <MessageBar
          key={warning.kind}
          intent="warning"
          layout="multiline"
          data-testid={`startup-warning-${warning.kind}`}
        >
          <MessageBarBody>
            <MessageBarTitle className={styles.block}>{t(TITLES[warning.kind])}</MessageBarTitle>
            <Text as="span" className={styles.block}>
              {warning.message}
            </Text>
            <Text as="span" className={styles.remedy}>
              {warning.remedy}
            </Text>
          </MessageBarBody>
        </MessageBar>
      ))}
    </div>
  );
}
