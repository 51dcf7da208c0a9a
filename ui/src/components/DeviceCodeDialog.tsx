import { useState } from 'react';
import { Body1, Button, Caption1, Field, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { DeviceCodePrompt } from '../backend';
import { t, type MessageKey } from '../i18n';
import { FormDialog } from './FormDialog';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightSemibold,
    letterSpacing: '0.12em',
    userSelect: 'all',
  },
  url: { fontFamily: tokens.fontFamilyMonospace, userSelect: 'all', wordBreak: 'break-all' },
});

type Copied = { what: 'code' | 'page'; result: 'ok' | 'failed' };

/**
 * The device-code sign-in: the code to type, the page to type it on, and copy buttons. The page
 * is shown as text to open on any device (this is the flow for machines without a browser).
 */
export function DeviceCodeDialog({ prompt, onCancel }: { prompt?: DeviceCodePrompt; onCancel: () => void }) {
  const styles = useStyles();
  const [copied, setCopied] = useState<Copied | undefined>();

  async function copy(what: Copied['what'], text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied({ what, result: 'ok' });
    } catch {
      setCopied({ what, result: 'failed' });
    }
  }

  function copyNote(what: Copied['what']) {
    if (copied?.what !== what) return null;
    const key: MessageKey = copied.result === 'ok' ? 'session.deviceCode.copied' : 'session.deviceCode.copyFailed';
    return (
      <Caption1 role="status" data-testid={`device-code-copied-${what}`}>
        {t(key)}
      </Caption1>
    );
  }

  return (
    <FormDialog
      alert
      title={t('session.deviceCode.title')}
      onClose={onCancel}
      testId="device-code-dialog"
      cancel={{ testId: 'device-code-cancel' }}
    >
      {!prompt ? (
        <Spinner size="small" label={t('session.deviceCode.waitingForCode')} />
      ) : (
        <>
          <Body1>{t('session.deviceCode.instructions')}</Body1>
          <Field label={t('session.deviceCode.page')}>
            <div className={styles.row}>
              <Text className={styles.url} data-testid="device-code-url">
                {prompt.verificationUri}
              </Text>
              <Button size="small" onClick={() => void copy('page', prompt.verificationUri)} data-testid="device-code-copy-page">
                {t('session.deviceCode.copyPage')}
              </Button>
              {copyNote('page')}
            </div>
          </Field>
          <Field label={t('session.deviceCode.code')}>
            <div className={styles.row}>
              <Text className={styles.code} data-testid="device-code-code">
                {prompt.userCode}
              </Text>
              <Button appearance="primary" onClick={() => void copy('code', prompt.userCode)} data-testid="device-code-copy-code">
                {t('session.deviceCode.copyCode')}
              </Button>
              {copyNote('code')}
            </div>
          </Field>
          <Caption1>
            {Number(prompt.expiresInSeconds) < 120
              ? t('session.deviceCode.expiresSeconds', { seconds: Number(prompt.expiresInSeconds) })
              : t('session.deviceCode.expires', { minutes: Math.round(Number(prompt.expiresInSeconds) / 60) })}
          </Caption1>
          <Spinner size="tiny" labelPosition="after" label={t('session.deviceCode.waiting')} />
        </>
      )}
    </FormDialog>
  );
}
