import { useEffect, useState, type ReactNode } from 'react';
import {
  Badge,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { Card } from '../../components/Card';
import { backend, type RuntimeVersionStatus, type WorkspaceSummary } from '../../backend';
import { useMutation, useQuery } from '../../data/query';
import { formatDateTime, t, type MessageKey } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useFocusOnMount } from '../../components/focus';
import { ExternalLink } from '../../components/ExternalLink';
import { DiagnosisPanel, type RoleRequest } from '../../components/DiagnosisPanel';
import { CopyableText } from './CopyableText';
import { DeleteRuntimeDialog } from './DeleteRuntimeDialog';
import { statusColor, statusText } from './model';
import { UpdateResult, UpdateRuntimeDialog } from './UpdateRuntimeDialog';
import { UpdateProgress, useUpdateOperation } from './UpdateProgress';
import { useUpdates } from '../../updates/UpdatesProvider';
import { environmentName, noteText, serviceSaysNotNeeded, sourceVerdict, sourcesDisagree, imageText, versionWithAge } from '../../updates/model';
import { runtimeTypeName } from '../../data/plainWords';
import { RawDetails } from '../../components/RawDetails';
import { Notice, ProblemNotice } from '../../components/Notice';
import { SHORT_WINDOW_QUERY, useFoldedBannerStyles, useShortWindow } from '../../components/useShortWindow';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, [`@media ${SHORT_WINDOW_QUERY}`]: { rowGap: tokens.spacingVerticalS } },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  fields: { margin: 0, display: 'grid', gridTemplateColumns: 'minmax(160px, max-content) 1fr', rowGap: tokens.spacingVerticalS, columnGap: tokens.spacingHorizontalL },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere', userSelect: 'text' },
  bannerLine: { display: 'block', marginTop: tokens.spacingVerticalXXS },
  muted: { color: tokens.colorNeutralForeground3 },
  checking: { alignSelf: 'flex-start' },
  resultRow: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, alignItems: 'flex-start' },
});

/** Everything the service says about one runtime, its version (banner, Check version, Update), "Open in Azure ML studio", and delete. */
export function RuntimeDetailsView({
  workspace,
  runtimeName,
  runtimeKey,
  onBack,
  onDeleted,
  onOpenPermissions,
}: {
  workspace: WorkspaceSummary;
  runtimeName: string;
  /** The core's key of the runtime (`RuntimeSummary.key`), from the list it was opened from. */
  runtimeKey: string;
  onBack: () => void;
  onDeleted: () => void;
  /** A diagnosis's "Grant <role>" button. */
  onOpenPermissions?: (request: RoleRequest) => void;
}) {
  const styles = useStyles();
  // A refresh keeps the fields on screen; the answer replaces them.
  const detailsQuery = useQuery(`${workspace.id}/${runtimeName}`, () => backend.runtimeDetails(workspace.id, runtimeName), {
    keepWhileRefreshing: true,
  });
  const details = detailsQuery.data ?? null;
  const error = detailsQuery.error ?? null;
  const load = detailsQuery.refresh;
  const [deleting, setDeleting] = useState(false);
  // The details take focus when they open (from the list); a dialog gives it back to its button.
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const restoreFocusTarget = useRestoreFocusTarget();
  const [updating, setUpdating] = useState(false);
  // Set by a diagnosis's "Update to the default environment": the dialog opens on that path.
  const [preferDefault, setPreferDefault] = useState(false);
  const updates = useUpdates();
  const { recordStatus, clearRun } = updates;
  const status = updates.statusOf(runtimeKey) ?? null;
  const run = updates.runs.get(runtimeKey) ?? null;
  const operation = useUpdateOperation(runtimeKey, run?.since);
  const updateRunning = run?.kind === 'running' || operation?.state === 'running';

  // Whether the user asked (Check version) or the page did on opening: only an answer to the
  // user's own check says "up to date".
  const check = useMutation(async (manual: boolean) => {
    recordStatus(await backend.checkRuntimeVersion(workspace.id, runtimeName));
    return { manual };
  });
  const checkVersion = check.run;

  // The page opens at its top, where the update banner is, even when the list was scrolled.
  useEffect(() => {
    window.scrollTo?.({ top: 0 });
  }, []);

  useEffect(() => {
    // Opening the page checks for a newer version (the banner).
    void checkVersion(false);
  }, [checkVersion]);

  // When an update ends, show what the runtime is now.
  const runKind = run?.kind;
  useEffect(() => {
    if (runKind === 'succeeded' || runKind === 'failed') void load();
  }, [runKind, load]);

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
        <Button
          onClick={() => void checkVersion(true)}
          disabled={check.pending}
          data-testid="check-version"
        >
          {t('upd.check')}
        </Button>
        <Button
          appearance={status?.updateAvailable ? 'primary' : 'secondary'}
          onClick={() => setUpdating(true)}
          disabled={!details}
          data-testid="details-update"
          {...restoreFocusTarget}
        >
          {t('upd.update')}
        </Button>
        <Button onClick={() => setDeleting(true)} disabled={!details} data-testid="details-delete" {...restoreFocusTarget}>
          {t('rt.details.delete')}
        </Button>
      </div>
      {status?.updateAvailable && !updateRunning && <UpdateBanner status={status} />}
      {status && serviceSaysNotNeeded(status) && !updateRunning && (
        <Notice intent="info" data-testid="update-not-offered">
          {t('upd.notOffered', { name: runtimeName, version: status.latest?.label ?? '' })}
        </Notice>
      )}
      {/* Subtitle1's look; Text takes the ref that Subtitle1 does not. */}
      <Text as="h2" size={500} weight="semibold" ref={headingRef} tabIndex={-1}>
        {runtimeName}
      </Text>
      {check.pending && <Spinner className={styles.checking} size="tiny" labelPosition="after" label={t('upd.checking')} data-testid="version-checking" />}
      {check.error && (
        <ProblemNotice title={t('upd.checkFailed')} error={check.error} testId="version-check-failed" />
      )}
      {check.data?.manual && status && !status.updateAvailable && (
        <Notice layout="auto" intent="success" data-testid="version-up-to-date">
          {status.current
            ? t(status.latestIsFinal ? 'upd.upToDateFinal' : 'upd.upToDate', { name: runtimeName, version: status.current.label })
            : t('upd.upToDateCustom', { name: runtimeName })}
        </Notice>
      )}
      {!updating && updateRunning && (
        <Card className={styles.card} data-testid="update-running">
          <Text weight="semibold">{t('upd.progress.title', { name: runtimeName })}</Text>
          <UpdateProgress snapshot={operation} since={run?.since ?? (operation ? Date.parse(operation.startedAt) : 0)} />
          <div className={styles.actions}>
            <Button onClick={() => setUpdating(true)}>{t('upd.update')}</Button>
          </div>
        </Card>
      )}
      {!updating && run && run.kind !== 'running' && (
        <div className={styles.resultRow}>
          <UpdateResult runtimeKey={runtimeKey} runtimeName={runtimeName} />
          <Button size="small" onClick={() => clearRun(runtimeKey)} data-testid="update-result-dismiss">
            {t('upd.result.dismiss')}
          </Button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
      {!details && !error && <Spinner size="small" label={t('rt.details.loading')} />}
      {details?.hasFailure && (
        <DiagnosisPanel
          diagnosis={details.diagnosis}
          onAction={(action) => {
            if (action.type === 'openPermissions') onOpenPermissions?.({ role: action.role, scope: action.scope });
            if (action.type === 'useDefaultEnvironment') {
              setPreferDefault(true);
              setUpdating(true);
            }
          }}
        />
      )}
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
            {field('rt.field.type', runtimeTypeName(details.runtimeType))}
            {field('rt.field.instance', details.computeInstanceName)}
            {field('rt.field.app', details.customAppName)}
            {details.fromExistingCustomApp !== null &&
              field('rt.field.fromExisting', details.fromExistingCustomApp ? t('rt.yes') : t('rt.no'))}
            {status ? field('upd.field.version', <VersionText status={status} />) : field('upd.field.version', imageText(details))}
            {status?.latest && field('upd.field.latest', versionWithAge(status.latest))}
            {field(
              'rt.field.environment',
              details.environment ? (status?.customEnvironment ? t('upd.field.customVersion', { environment: environmentName(status.customEnvironment) }) : details.environment) : t('rt.defaultEnvironment'),
            )}
            {field('rt.field.endpoint', details.endpointUrl)}
            {(details.publishedPort !== null || details.targetPort !== null) &&
              field('rt.field.ports', `${details.publishedPort ?? none} → ${details.targetPort ?? none}`)}
            {field('rt.field.owner', details.owner?.userName ?? details.ownerName)}
            {field('rt.field.created', details.createdOn ? <Moment iso={details.createdOn} /> : null)}
            {field('rt.field.modified', details.modifiedOn ? <Moment iso={details.modifiedOn} /> : null)}
            {details.description && field('rt.field.description', details.description)}
          </dl>
          {/* What the service calls things, for a support request or the CLI. */}
          <RawDetails testId="details-raw">
            <dl className={styles.fields}>
              {field('rt.field.rawType', details.runtimeType)}
              {field('rt.field.image', details.dockerImage)}
              {field('rt.field.imageTag', details.imageTag)}
              {details.environment && field('rt.field.rawEnvironment', details.environment)}
            </dl>
          </RawDetails>
        </Card>
      )}
      {details?.studioUrl && (
        <Card className={styles.card}>
          <ExternalLink href={details.studioUrl} testId="studio-link">
            {t('rt.details.studio')}
          </ExternalLink>
          <Text size={200}>{t('rt.details.studioHint')}</Text>
          <CopyableText text={details.studioUrl} testId="studio-url" />
        </Card>
      )}
      {details && (
        <UpdateRuntimeDialog
          key={preferDefault ? 'default' : 'current'}
          preferDefault={preferDefault}
          open={updating}
          workspaceId={workspace.id}
          runtimeName={runtimeName}
          runtimeKey={runtimeKey}
          instanceName={details.computeInstanceName}
          status={status}
          onClose={() => setUpdating(false)}
        />
      )}
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

function VersionText({ status }: { status: RuntimeVersionStatus }) {
  if (status.current) return <span data-testid="details-version">{versionWithAge(status.current)}</span>;
  if (status.customEnvironment) {
    return <span data-testid="details-version">{t('upd.field.customVersion', { environment: environmentName(status.customEnvironment) })}</span>;
  }
  return <span data-testid="details-version">{status.dockerImage ?? t('rt.none')}</span>;
}

/**
 * The banner at the top of the details page when a newer version exists. In a short window it
 * folds to its title and "More", so the runtime's details start on the first screen.
 */
function UpdateBanner({ status }: { status: RuntimeVersionStatus }) {
  const styles = useStyles();
  const foldedStyles = useFoldedBannerStyles();
  const short = useShortWindow();
  const [more, setMore] = useState(false);
  const name = status.runtimeName;
  if (short && !more) {
    return (
      <MessageBar intent="warning" layout="singleline" className={foldedStyles.folded} data-testid="update-banner" data-folded>
        <MessageBarBody>
          <MessageBarTitle>{t('upd.banner.title')}</MessageBarTitle>
        </MessageBarBody>
        <MessageBarActions>
          <Button size="small" aria-expanded={false} onClick={() => setMore(true)} data-testid="update-banner-more">
            {t('banner.more')}
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
  return (
    <Notice intent="warning" data-testid="update-banner" title={t('upd.banner.title')}>
      <span className={styles.bannerLine} data-testid="update-banner-current">
        {status.customEnvironment
          ? t('upd.banner.custom', { name, environment: environmentName(status.customEnvironment) })
          : status.current
            ? t('upd.banner.current', { name, version: versionWithAge(status.current) })
            : t('upd.banner.unknownCurrent', { name })}
      </span>
      {status.latest && (
        <span className={styles.bannerLine} data-testid="update-banner-latest">
          {t(status.latestIsFinal ? 'upd.banner.latestFinal' : 'upd.banner.latest', { version: versionWithAge(status.latest) })}
        </span>
      )}
      {!status.sourcesAgree && (
        <span className={styles.bannerLine} data-testid="update-banner-sources" data-disagree={sourcesDisagree(status)}>
          {t('upd.banner.sources', {
            registry: sourceVerdict(status.registrySaysOutdated),
            service: sourceVerdict(status.serviceSaysOutdated),
          })}
          {status.notes.map((note) => ` ${noteText(note)}`).join('')}
        </span>
      )}
      {status.problems.length > 0 && (
        <span className={styles.bannerLine}>
          {t('upd.banner.problems', { problems: status.problems.map((problem) => problem.message).join(' ') })}
        </span>
      )}
      <span className={styles.bannerLine}>{t(status.latestIsFinal ? 'upd.banner.actionFinal' : 'upd.banner.action')}</span>
    </Notice>
  );
}

/** A moment as people read it; the exact value from Azure is kept for copying and on hover. */
function Moment({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(iso)}
    </time>
  );
}
