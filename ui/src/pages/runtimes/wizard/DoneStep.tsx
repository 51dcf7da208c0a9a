import { Button, Text } from '@fluentui/react-components';
import { t } from '../../../i18n';
import { CopyableText } from '../CopyableText';
import { pfazureSnippet } from '../model';
import { useWizardStyles } from './styles';
import { Notice } from '../../../components/Notice';

/** Where the run ends: the runtime exists; who may use it, and how to use it from code. */
export function DoneStep({ created, onOpenPermissions }: { created: string; onOpenPermissions?: () => void }) {
  const styles = useWizardStyles();
  return (
    <>
      <Notice layout="auto" intent="success" data-testid="wizard-done">
        {t('rt.wizard.done.body', { name: created })}
      </Notice>
      <div className={styles.instanceRow}>
        <Text>{t('rt.wizard.done.permissions')}</Text>
        {onOpenPermissions && (
          <Button onClick={onOpenPermissions} data-testid="wizard-open-permissions">
            {t('rt.wizard.done.openPermissions')}
          </Button>
        )}
      </div>
      <Text>{t('rt.wizard.done.authoring', { name: created })}</Text>
      <Text>{t('rt.wizard.done.snippet')}</Text>
      <CopyableText text={pfazureSnippet(created)} testId="wizard-snippet" />
    </>
  );
}
