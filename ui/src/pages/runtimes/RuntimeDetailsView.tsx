import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Badge, Button, Card, Spinner, Subtitle1, Text, makeStyles, tokens } from '@fluentui/react-components';
import { backend, toAppError, type AppError, type RuntimeDetails, type WorkspaceSummary } from '../../backend';
import { t, type MessageKey } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CopyableText } from './CopyableText';
import { DeleteRuntimeDialog } from './DeleteRuntimeDialog';
import { statusColor, statusText, studioUrl } from './model';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  fields: { margin: 0, display: 'grid', gridTemplateColumns: 'minmax(160px, max-content) 1fr', rowGap: tokens.spacingVerticalS, columnGap: tokens.spacingHorizontalL },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, wordBreak: 'break-all', userSelect: 'text' },
});

/** Everything the service says about one runtime, "Open in Azure ML studio", and delete. */
export function RuntimeDetailsView({
  workspace,
  runtimeName,
  onBack,
  onDeleted,
}: {
  workspace: WorkspaceSummary;
  runtimeName: string;
  onBack: () => void;
  onDeleted: () => void;
}) {
  const styles = useStyles();
  const [details, setDetails] = useState<RuntimeDetails | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [deleting, setDeleting] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      setDetails(await backend.runtimeDetails(workspace.id, runtimeName));
    } catch (reason) {
      setError(toAppError(reason));
    }
  }, [workspace.id, runtimeName]);

  useEffect(() => {
    // Loading is what this effect is for: it sets state when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  const none = t('rt.none');
  const field = (label: MessageKey, value: ReactNode) => (
    <div key={label} style={{ display: 'contents' }}>
      <dt className={styles.term}>{t(label)}</dt>
      <dd className={styles.value}>{value ?? none}</dd>
    </div>
  );

  return (
    <section className={styles.page} data-testid="runtime-details">
      <div className={styles.actions}>
        <Button onClick={onBack} data-testid="details-back">
          {t('rt.details.back')}
        </Button>
        <Button onClick={() => void load()}>{t('rt.details.refresh')}</Button>
        <Button onClick={() => setDeleting(true)} disabled={!details} data-testid="details-delete">
          {t('rt.details.delete')}
        </Button>
      </div>
      <Subtitle1 as="h2">{runtimeName}</Subtitle1>
      {error && <ErrorMessage error={error} />}
      {!details && !error && <Spinner size="small" label={t('rt.details.loading')} />}
      {details && (
        <Card className={styles.card}>
          <dl className={styles.fields}>
            {field(
              'rt.field.status',
              <Badge appearance="tint" color={statusColor(details.status)} data-testid="details-status">
                {statusText(details.status)}
              </Badge>,
            )}
            {field('rt.field.statusMessage', details.statusMessage ?? details.statusText)}
            {details.errorMessage && field('rt.field.error', details.errorMessage)}
            {field('rt.field.type', details.runtimeType)}
            {field('rt.field.instance', details.computeInstanceName)}
            {field('rt.field.app', details.customAppName)}
            {details.fromExistingCustomApp !== null &&
              field('rt.field.fromExisting', details.fromExistingCustomApp ? t('rt.yes') : t('rt.no'))}
            {field('rt.field.image', details.dockerImage)}
            {field('rt.field.imageTag', details.imageTag)}
            {field('rt.field.environment', details.environment ?? t('rt.defaultEnvironment'))}
            {field('rt.field.endpoint', details.endpointUrl)}
            {(details.publishedPort !== null || details.targetPort !== null) &&
              field('rt.field.ports', `${details.publishedPort ?? none} → ${details.targetPort ?? none}`)}
            {field('rt.field.owner', details.owner?.userName ?? details.ownerName)}
            {field('rt.field.created', details.createdOn)}
            {field('rt.field.modified', details.modifiedOn)}
            {details.description && field('rt.field.description', details.description)}
          </dl>
        </Card>
      )}
      <Card className={styles.card}>
        <Text weight="semibold">{t('rt.details.studio')}</Text>
        <Text size={200}>{t('rt.details.studioHint')}</Text>
        <CopyableText text={studioUrl(runtimeName, workspace.id)} testId="studio-url" />
      </Card>
      {details && (
        <DeleteRuntimeDialog
          open={deleting}
          workspaceId={workspace.id}
          runtimeName={runtimeName}
          customAppName={details.customAppName}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            setDeleting(false);
            onDeleted();
          }}
        />
      )}
    </section>
  );
}
