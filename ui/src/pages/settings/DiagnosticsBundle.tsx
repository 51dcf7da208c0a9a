import {
  Button,
  Field,
  Input,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { Card } from '../../components/Card';
import { backend, type BundleFileSummary, type BundleSummary } from '../../backend';
import { chooseSaveFile } from '../../backend/dialogs';
import { useMutation } from '../../data/query';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ListTable, type Column } from '../../components/FittedTable';

const useStyles = makeStyles({
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  name: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  path: { fontFamily: tokens.fontFamilyMonospace },
});

/** `1.2 KB`, `830 bytes`. */
export function readableSize(bytes: number): string {
  if (bytes < 1024) return t('settings.diagnostics.bytes', { count: String(bytes) });
  if (bytes < 1024 * 1024) return t('settings.diagnostics.kilobytes', { count: (bytes / 1024).toFixed(1) });
  return t('settings.diagnostics.megabytes', { count: (bytes / (1024 * 1024)).toFixed(1) });
}

/** What the redaction took out of one file, in words. */
export function redactedText(file: BundleFileSummary): string {
  const parts: string[] = [];
  if (file.secretsRedacted > 0) {
    parts.push(
      t(file.secretsRedacted === 1 ? 'settings.diagnostics.secret' : 'settings.diagnostics.secrets', {
        count: String(file.secretsRedacted),
      }),
    );
  }
  if (file.emailsRedacted > 0) {
    parts.push(
      t(file.emailsRedacted === 1 ? 'settings.diagnostics.email' : 'settings.diagnostics.emails', {
        count: String(file.emailsRedacted),
      }),
    );
  }
  return parts.length === 0 ? t('settings.diagnostics.nothingRedacted') : parts.join(', ');
}

/**
 * "Create diagnostics bundle…": the backend gathers it (redacted) and lists its files; the user
 * sees each file, its size and what was taken out before choosing where to save it. Nothing is
 * written until Save.
 */
export function DiagnosticsBundle() {
  const styles = useStyles();
  const fileColumns: Column<BundleFileSummary>[] = [
    { heading: 'settings.diagnostics.file', cell: (file) => file.name, className: styles.name },
    { heading: 'settings.diagnostics.size', cell: (file) => readableSize(file.bytes) },
    { heading: 'settings.diagnostics.redacted', cell: redactedText, testId: 'diagnostics-file-redacted' },
  ];
  const prepare = useMutation(backend.prepareDiagnostics);
  const save = useMutation(backend.saveDiagnostics);
  const show = useMutation(backend.showSavedDiagnostics);
  const [path, setPath] = useState('');
  const shown: BundleSummary | undefined = prepare.data;
  const saved = save.data;

  const start = async () => {
    save.reset();
    show.reset();
    const summary = await prepare.run();
    if (summary) setPath(summary.suggestedPath);
  };
  const choose = useMutation(async (suggested: string) => {
    const chosen = await chooseSaveFile(t('settings.diagnostics.chooseTitle'), suggested, [
      { name: t('settings.diagnostics.zipFilter'), extensions: ['zip'] },
    ]);
    if (chosen) setPath(chosen);
    return chosen;
  });
  const cancel = () => {
    prepare.reset();
    save.reset();
  };

  return (
    <Card className={styles.card} data-testid="diagnostics">
      <Subtitle2 as="h2">{t('settings.diagnostics')}</Subtitle2>
      <Text>{t('settings.diagnostics.about')}</Text>
      {!shown && (
        <div className={styles.actions}>
          <Button onClick={() => void start()} disabled={prepare.pending} data-testid="diagnostics-create">
            {t('settings.diagnostics.create')}
          </Button>
        </div>
      )}
      {prepare.pending && <Spinner size="tiny" label={t('settings.diagnostics.gathering')} />}
      {prepare.error && <ErrorMessage error={prepare.error} />}
      {shown && !saved && (
        <>
          <Text data-testid="diagnostics-intro">
            {t('settings.diagnostics.files', { id: shown.id })}
          </Text>
          <ListTable
            size="small"
            aria-label={t('settings.diagnostics.filesLabel')}
            data-testid="diagnostics-files"
            columns={fileColumns}
            rows={shown.files}
            rowKey={(file) => file.name}
            rowProps={(file) => ({ 'data-testid': 'diagnostics-file', 'data-name': file.name })}
          />
          <Field label={t('settings.diagnostics.saveAs')} hint={t('settings.diagnostics.saveAsHint')}>
            <Input
              value={path}
              onChange={(_, data) => setPath(data.value)}
              data-testid="diagnostics-path"
              input={{ className: styles.path }}
              contentAfter={
                <Button
                  appearance="transparent"
                  size="small"
                  onClick={() => void choose.run(path)}
                  disabled={choose.pending}
                  data-testid="diagnostics-choose"
                >
                  {t('settings.diagnostics.choose')}
                </Button>
              }
            />
          </Field>
          {choose.error && <ErrorMessage error={choose.error} />}
          <div className={styles.actions}>
            <Button
              appearance="primary"
              onClick={() => void save.run(shown.id, path)}
              disabled={save.pending || path.trim() === ''}
              data-testid="diagnostics-save"
            >
              {t('settings.diagnostics.save')}
            </Button>
            <Button onClick={cancel} disabled={save.pending} data-testid="diagnostics-cancel">
              {t('settings.diagnostics.cancel')}
            </Button>
          </div>
          {save.error && <ErrorMessage error={save.error} />}
        </>
      )}
      {saved && (
        <>
          <Text role="status" data-testid="diagnostics-saved">
            {t('settings.diagnostics.saved', { path: saved.path })}
          </Text>
          <div className={styles.actions}>
            <Button onClick={() => void show.run()} data-testid="diagnostics-show">
              {t('settings.diagnostics.showInFolder')}
            </Button>
            <Button onClick={() => void start()} disabled={prepare.pending} data-testid="diagnostics-again">
              {t('settings.diagnostics.createAnother')}
            </Button>
          </div>
          {show.error && <ErrorMessage error={show.error} />}
        </>
      )}
    </Card>
  );
}
