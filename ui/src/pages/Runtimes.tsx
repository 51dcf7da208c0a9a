import { useState, type FormEvent } from 'react';
import {
  Body1,
  Button,
  Card,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { backend, toAppError, type AppError } from '../backend';
import { t } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeading } from '../components/PageHeading';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'flex-end', flexWrap: 'wrap' },
  field: { flexGrow: 1, minWidth: '220px' },
});

type Outcome = { kind: 'ok'; name: string } | { kind: 'error'; error: AppError } | null;

export function Runtimes() {
  const styles = useStyles();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function check(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      await backend.validateRuntimeName(name);
      setOutcome({ kind: 'ok', name });
    } catch (reason) {
      setOutcome({ kind: 'error', error: toAppError(reason) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={styles.page} data-testid="runtimes">
      <PageHeading>{t('runtimes.heading')}</PageHeading>
      <Body1>{t('runtimes.empty')}</Body1>
      <Card className={styles.card}>
        <Subtitle2 as="h2">{t('runtimes.nameCheck.heading')}</Subtitle2>
        <form className={styles.row} onSubmit={check}>
          <Field className={styles.field} label={t('runtimes.nameCheck.label')} hint={t('runtimes.nameCheck.hint')}>
            <Input
              value={name}
              onChange={(_, data) => setName(data.value)}
              data-testid="runtime-name-input"
              spellCheck={false}
              autoComplete="off"
            />
          </Field>
          <Button type="submit" appearance="primary" disabled={busy} data-testid="runtime-name-check">
            {t('runtimes.nameCheck.submit')}
          </Button>
        </form>
        <div aria-live="polite">
          {outcome?.kind === 'ok' && (
            <MessageBar intent="success" data-testid="runtime-name-ok">
              <MessageBarBody>{t('runtimes.nameCheck.ok', { name: outcome.name })}</MessageBarBody>
            </MessageBar>
          )}
          {outcome?.kind === 'error' && <ErrorMessage error={outcome.error} />}
        </div>
      </Card>
    </section>
  );
}
