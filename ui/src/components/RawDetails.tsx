import type { ReactNode } from 'react';
import { makeStyles, tokens } from '@fluentui/react-components';
import { t } from '../i18n';

const useStyles = makeStyles({
  details: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  summary: { cursor: 'pointer', width: 'fit-content' },
  body: { marginTop: tokens.spacingVerticalXS, overflowWrap: 'anywhere', userSelect: 'text' },
});

/**
 * The raw identifiers behind a plain-words statement (ARM paths, API names, error codes): folded
 * away under "Details", there for a support request or a search, never in the reading path.
 */
export function RawDetails({ children, testId }: { children: ReactNode; testId?: string }) {
  const styles = useStyles();
  return (
    <details className={styles.details} data-testid={testId ?? 'raw-details'}>
      <summary className={styles.summary}>{t('common.details')}</summary>
      <div className={styles.body}>{children}</div>
    </details>
  );
}
