import { useState } from 'react';
import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { t } from '../../i18n';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
  text: {
    flexGrow: 1,
    margin: 0,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    userSelect: 'text',
  },
});

/**
 * Text the user takes elsewhere (an address, a command): selectable, with a Copy button
 * (`copyLabel` names it when "Copy" alone would be unclear).
 */
export function CopyableText({ text, testId, copyLabel }: { text: string; testId?: string; copyLabel?: string }) {
  const styles = useStyles();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      // Without clipboard access the text stays selectable for copying by hand.
    }
  }
  return (
    <div className={styles.row}>
      <pre className={styles.text} data-testid={testId}>
        {text}
      </pre>
      <Button size="small" onClick={() => void copy()} data-testid={testId ? `${testId}-copy` : undefined}>
        {copied ? t('rt.details.copied') : (copyLabel ?? t('rt.details.copy'))}
      </Button>
    </div>
  );
}
