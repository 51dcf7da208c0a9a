import { useState } from 'react';
import {
  Button,
  Checkbox,
  Dropdown,
  Field,
  Option,
  Radio,
  RadioGroup,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { backend, type EnvironmentCandidate, type RuntimeVersionStatus } from '../../backend';
import { useQuery } from '../../data/query';
import { t } from '../../i18n';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadStatus } from '../../components/LoadStatus';
import { FormDialog } from '../../components/FormDialog';
import { CopyableText } from './CopyableText';
import { UpdateProgress, useUpdateOperation } from './UpdateProgress';
import { useUpdates } from '../../updates/UpdatesProvider';
import { environmentName, environmentWarningText, updateWarningText } from '../../updates/model';
import { Notice } from '../../components/Notice';

const useStyles = makeStyles({
  indent: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginLeft: tokens.spacingHorizontalXXL },
});

type Path = 'default' | 'custom';

function candidateLabel(candidate: EnvironmentCandidate): string {
  const names = { name: candidate.choice.name, version: candidate.choice.version };
  return candidate.isCurrent ? t('upd.dialog.environmentCurrent', names) : t('upd.dialog.environmentOption', names);
}

/**
 * "Update": the default environment in one click (the runtime moves to the newest image), or a
 * custom environment after rebuilding it on the newest image. The update runs as an operation
 * with progress and cancel; closing the dialog leaves it running.
 */
export function UpdateRuntimeDialog({
  open,
  workspaceId,
  runtimeName,
  runtimeKey,
  instanceName,
  status,
  onClose,
  preferDefault = false,
}: {
  /** Open on the default environment even for a runtime on a custom one (a diagnosis asked). */
  preferDefault?: boolean;
  open: boolean;
  workspaceId: string;
  runtimeName: string;
  /** The core's key of the runtime (`RuntimeSummary.key`): its update's target. */
  runtimeKey: string;
  instanceName: string | null;
  status: RuntimeVersionStatus | null;
  onClose: () => void;
}) {
  const styles = useStyles();
  const updates = useUpdates();
  const run = updates.runs.get(runtimeKey) ?? null;
  const snapshot = useUpdateOperation(runtimeKey, run?.since);
  const elsewhere = useUpdateOperation(runtimeKey);
  const runningElsewhere = run === null && elsewhere?.state === 'running' ? elsewhere : null;
  const current = status?.customEnvironment ?? null;
  const [path, setPath] = useState<Path>(current && !preferDefault ? 'custom' : 'default');
  // Asked for once the custom path is open, then kept while the dialog is.
  const guidanceKey = open && path === 'custom' ? `${workspaceId}/${runtimeName}` : null;
  const guidance = useQuery(guidanceKey, () => backend.customEnvironmentGuidance(workspaceId, runtimeName)).state;
  const [picked, setChosen] = useState<string | null>(null);
  const [allowOlder, setAllowOlder] = useState(false);

  const candidates = guidance.kind === 'loaded' ? guidance.value.candidates : [];
  // Until the user picks one, the first environment rebuilt on the newest image.
  const chosen = picked ?? candidates.find((c) => !c.warning)?.choice.assetId ?? null;
  const candidate = candidates.find((c) => c.choice.assetId === chosen) ?? null;
  const canUpdate =
    path === 'default' || (candidate !== null && (candidate.warning === undefined || allowOlder));

  function update() {
    void updates.startUpdate(runtimeKey, {
      workspaceId,
      runtimeName,
      environment: path === 'custom' && candidate ? candidate.choice.assetId : undefined,
      allowOlder: path === 'custom' && allowOlder,
      // Choosing the default environment is the explicit choice the backend asks for before it
      // moves a runtime off its custom environment.
      moveToDefaultEnvironment: path === 'default',
    });
  }

  function close() {
    // A finished result stays on the details page until dismissed there.
    onClose();
  }

  function again() {
    updates.clearRun(runtimeKey);
  }

  const phase = run?.kind ?? (runningElsewhere ? 'elsewhere' : 'choose');
  const cancelled = run?.kind === 'failed' && run.error.code === 'cancelled';
  const latestText = status?.latest ? t('upd.dialog.defaultLatest', { version: status.latest.label }) : '';
  const operationToCancel = phase === 'running' ? snapshot : runningElsewhere;

  return (
    <FormDialog
      open={open}
      title={t('upd.dialog.title', { name: runtimeName })}
      onClose={close}
      onSubmit={() => {
        if (phase === 'choose' && canUpdate) update();
      }}
      testId="update-dialog"
      surface={{ 'data-phase': phase }}
      cancel={phase === 'choose' ? { testId: 'update-cancel' } : undefined}
      actions={
        <>
          {phase === 'choose' && (
            <Button type="submit" appearance="primary" disabled={!canUpdate} data-testid="update-confirm">
              {t('upd.dialog.confirm')}
            </Button>
          )}
          {(phase === 'running' || phase === 'elsewhere') && (
            <>
              <Button type="button" onClick={close} data-testid="update-hide">
                {t('upd.dialog.hide')}
              </Button>
              <Button
                type="button"
                disabled={!operationToCancel || operationToCancel.state !== 'running'}
                onClick={() => operationToCancel && void backend.cancelOperation(operationToCancel.id)}
                data-testid="update-cancel-operation"
              >
                {t('upd.dialog.cancelUpdate')}
              </Button>
            </>
          )}
          {(phase === 'succeeded' || phase === 'failed') && (
            <>
              {phase === 'failed' && (
                <Button type="button" onClick={again} data-testid="update-retry">
                  {t('upd.dialog.retry')}
                </Button>
              )}
              <Button type="button" appearance={cancelled || phase === 'succeeded' ? 'primary' : 'secondary'} onClick={close} data-testid="update-close">
                {t('upd.dialog.close')}
              </Button>
            </>
          )}
        </>
      }
    >
      {phase === 'choose' && (
        <>
          <RadioGroup
            value={path}
            onChange={(_, data) => setPath(data.value as Path)}
            aria-label={t('upd.dialog.how')}
          >
            <Radio value="default" label={t('upd.dialog.default')} data-testid="update-path-default" />
            <Radio value="custom" label={t('upd.dialog.custom')} data-testid="update-path-custom" />
          </RadioGroup>
          {path === 'default' && (
            <div className={styles.indent}>
              <Text data-testid="update-default-body">
                {t('upd.dialog.defaultBody', { latest: latestText, instance: instanceName ?? t('rt.none') })}
              </Text>
              {current && (
                <Notice intent="warning" data-testid="update-replaces-custom">
                  {t('upd.dialog.replacesCustom', { environment: environmentName(current) })}
                </Notice>
              )}
            </div>
          )}
          {path === 'custom' && (
            <div className={styles.indent}>
              <LoadStatus state={guidance} label={t('upd.dialog.guidanceLoading')} />
              {guidance.kind === 'loaded' && (
                <>
                  <Text>{t('upd.dialog.customIntro')}</Text>
                  <CopyableText text={guidance.value.dockerfileFromLine} testId="update-from-line" />
                  {candidates.length === 0 ? (
                    <Text data-testid="update-no-candidates">{t('upd.dialog.noCandidates')}</Text>
                  ) : (
                    <Field label={t('upd.dialog.customPick')}>
                      <Dropdown
                        aria-label={t('upd.dialog.environment')}
                        value={candidate ? candidateLabel(candidate) : ''}
                        selectedOptions={chosen ? [chosen] : []}
                        onOptionSelect={(_, data) => {
                          if (!data.optionValue) return;
                          setChosen(data.optionValue);
                          setAllowOlder(false);
                        }}
                        data-testid="update-environment"
                        inlinePopup
                      >
                        {candidates.map((c) => (
                          <Option key={c.choice.assetId} value={c.choice.assetId} text={candidateLabel(c)}>
                            {candidateLabel(c)}
                          </Option>
                        ))}
                      </Dropdown>
                    </Field>
                  )}
                  {candidate?.warning && (
                    <Notice intent="warning" data-testid="update-older-warning">
                      {environmentWarningText(candidate.warning)}
                      <Checkbox
                        checked={allowOlder}
                        onChange={(_, data) => setAllowOlder(data.checked === true)}
                        label={t('upd.dialog.older')}
                        data-testid="update-allow-older"
                      />
                    </Notice>
                  )}
                </>
              )}
            </div>
          )}
        </>
      )}
      {phase === 'elsewhere' && runningElsewhere && (
        <>
          <Text>{t('upd.dialog.runningElsewhere')}</Text>
          <UpdateProgress snapshot={runningElsewhere} since={Date.parse(runningElsewhere.startedAt)} />
        </>
      )}
      {run?.kind === 'running' && <UpdateProgress snapshot={snapshot} since={run.since} takeFocus />}
      {run?.kind === 'succeeded' && (
        <>
          <UpdateProgress snapshot={snapshot} since={run.since} takeFocus />
          <UpdateResult runtimeKey={runtimeKey} runtimeName={runtimeName} />
        </>
      )}
      {run?.kind === 'failed' && <UpdateResult runtimeKey={runtimeKey} runtimeName={runtimeName} />}
    </FormDialog>
  );
}

/** How the update started from this window ended: the new version, the warnings, or the error. */
export function UpdateResult({ runtimeKey, runtimeName }: { runtimeKey: string; runtimeName: string }) {
  const updates = useUpdates();
  const run = updates.runs.get(runtimeKey);
  if (!run || run.kind === 'running') return null;
  if (run.kind === 'failed') {
    if (run.error.code === 'cancelled') {
      return (
        <Notice layout="auto" intent="info" data-testid="update-result" data-result="cancelled">
          {t('upd.result.cancelled', { name: runtimeName })}
        </Notice>
      );
    }
    return (
      <div data-testid="update-result" data-result="failed">
        <Text weight="semibold">{t('upd.result.failed', { name: runtimeName })}</Text>
        <ErrorMessage error={run.error} />
      </div>
    );
  }
  const { outcome } = run;
  const text = outcome.environment
    ? t('upd.result.environment', { name: runtimeName, environment: environmentName(outcome.environment) })
    : outcome.current
      ? t('upd.result.version', { name: runtimeName, version: outcome.current.label })
      : t('upd.result.done', { name: runtimeName });
  return (
    <Notice intent="success" data-testid="update-result" data-result="succeeded" title={text}>
      {outcome.warnings.map(updateWarningText).map((warning) => (
        <Text as="p" key={warning}>
          {warning}
        </Text>
      ))}
    </Notice>
  );
}
