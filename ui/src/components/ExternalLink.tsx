import { useState, type ReactNode } from 'react';
import { Link, Text, makeStyles, tokens } from '@fluentui/react-components';
import { backend } from '../backend';
import { t } from '../i18n';

const useStyles = makeStyles({
  error: { display: 'block', color: tokens.colorPaletteRedForeground1 },
});

/**
 * A link that opens in the system browser (the app's window never navigates away). The app
 * opens only https addresses of Azure and Microsoft's documentation; when it cannot, the link
 * says why, and the address stays readable beside it.
 */
export function ExternalLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  const styles = useStyles();
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <Link
        href={href}
        data-testid={testId}
        onClick={(event) => {
          event.preventDefault();
          setFailed(null);
          backend.openLink(href).catch((error: { message?: string; remedy?: string }) => {
            setFailed(`${error?.message ?? t('link.failed')} ${error?.remedy ?? ''}`.trim());
          });
        }}
      >
        {children}
      </Link>
      {failed && (
        <Text size={200} role="alert" className={styles.error} data-testid={testId ? `${testId}-error` : undefined}>
          {failed}
        </Text>
      )}
    </>
  );
}
