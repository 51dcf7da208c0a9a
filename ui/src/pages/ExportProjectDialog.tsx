import { useState } from 'react';
import { Button, Field, Input, Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { backend, toAppError, type AppError, type InventoryItem, type ScaffoldResult } from '../backend';
import { chooseFolder } from '../backend/dialogs';
import { useQuery } from '../data/query';
import { t } from '../i18n';
import { ErrorMessage } from '../components/ErrorMessage';
import { LoadStatus } from '../components/LoadStatus';
import { FormDialog } from '../components/FormDialog';
import { FlowMapping } from './FlowMapping';
import { Notice } from '../components/Notice';

const useStyles = makeStyles({
  // The mapping table needs more room than a confirmation does.
  surface: { maxWidth: 'min(900px, calc(100vw - 48px))' },
  folder: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'start', flexWrap: 'wrap' },
  path: { flexGrow: 1, minWidth: '16em' },
  files: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, fontFamily: tokens.fontFamilyMonospace },
});

type Writing = { kind: 'idle' } | { kind: 'writing' } | { kind: 'done'; result: ScaffoldResult } | { kind: 'error'; error: AppError };

/**
 * "Export as Agent Framework project…": the flow's audit (its mapping table and what has no
 * direct equivalent), then a folder typed or chosen in the system's chooser, then the files
 * written there. The backend refuses a file or a folder that is not empty.
 */
export function ExportProjectDialog({ flow, onClose }: { flow: InventoryItem; onClose: () => void }) {
  const styles = useStyles();
  const [folder, setFolder] = useState('');
  const [state, setState] = useState<Writing>({ kind: 'idle' });
  const flowId = flow.id ?? flow.name;
  const auditing = useQuery(`${flow.workspaceId}/${flowId}`, () => backend.auditFlow(flow.workspaceId, flowId)).state;
  const choose = async () => {
    try {
      const chosen = await chooseFolder(t('inv.project.chooseTitle', { name: flow.name }), folder);
      if (chosen) {
        setFolder(chosen);
        setState({ kind: 'idle' });
      }
    } catch (reason) {
      setState({ kind: 'error', error: toAppError(reason) });
    }
  };
  const write = async () => {
    setState({ kind: 'writing' });
    try {
      setState({ kind: 'done', result: await backend.exportFlowProject(flow.workspaceId, flowId, folder.trim()) });
    } catch (reason) {
      setState({ kind: 'error', error: toAppError(reason) });
    }
  };
  const done = state.kind === 'done';
  return (
    <FormDialog
      title={t('inv.project.title', { name: flow.name })}
      onClose={onClose}
      testId="export-project-dialog"
      surface={{ className: styles.surface }}
      actions={
        <>
          {!done && (
            <Button appearance="primary" disabled={state.kind === 'writing' || folder.trim() === ''} onClick={() => void write()} data-testid="export-project-write">
              {t('inv.project.write')}
            </Button>
          )}
          <Button appearance={done ? 'primary' : 'secondary'} onClick={onClose} data-testid="export-project-close">
            {t('inv.project.close')}
          </Button>
        </>
      }
    >
      <LoadStatus state={auditing} label={t('inv.audit.loading')} testId="flow-mapping-loading" />
      {auditing.kind === 'loaded' && <FlowMapping audit={auditing.value} />}
      <Field label={t('inv.project.folder')} hint={t('inv.project.hint')}>
        <div className={styles.folder}>
          <Input
            className={styles.path}
            value={folder}
            disabled={state.kind === 'writing'}
            onChange={(_, data) => {
              setFolder(data.value);
              if (state.kind !== 'writing') setState({ kind: 'idle' });
            }}
            data-testid="export-project-folder"
          />
          <Button onClick={() => void choose()} disabled={state.kind === 'writing'} data-testid="export-project-choose">
            {t('inv.project.choose')}
          </Button>
        </div>
      </Field>
      {state.kind === 'writing' && <Spinner size="small" label={t('inv.project.writing')} />}
      {state.kind === 'error' && <ErrorMessage error={state.error} />}
      {state.kind === 'done' && (
        <Notice intent="success" data-testid="export-project-done" title={t('inv.project.done', { folder: state.result.outDir, executors: state.result.executors })}>
          <ul className={styles.files} aria-label={t('inv.project.files')} data-testid="export-project-files">
            {state.result.files.map((file) => (
              <li key={file}>{file}</li>
            ))}
          </ul>
          {t('inv.project.next')}
        </Notice>
      )}
    </FormDialog>
  );
}
