import { Button, Text } from '@fluentui/react-components';
import type { InstanceChoice } from '../../../backend';
import { t } from '../../../i18n';
import { Notice } from '../../../components/Notice';

/**
 * Step 4, for a new application: adding it restarts the instance. As in the quick panel, the
 * consequence is stated above the one button that accepts it and creates the runtime; the button
 * comes first after the step's heading in Tab order.
 */
export function RestartStep({ chosen, onRestartAndCreate }: { chosen: InstanceChoice; onRestartAndCreate: () => void }) {
  const name = chosen.instance.name;
  return (
    <>
      <Notice intent="warning" data-testid="wizard-restart-warning">
        {t('rt.wizard.restart.body', { name })}
      </Notice>
      {chosen.instance.customApps.length > 0 && (
        <>
          <Text>{t('rt.wizard.restart.apps')}</Text>
          <ul>
            {chosen.instance.customApps.map((app) => (
              <li key={app.name}>{t('rt.wizard.appWithImage', { name: app.name, image: app.image ?? t('rt.none') })}</li>
            ))}
          </ul>
        </>
      )}
      <div>
        <Button appearance="primary" onClick={onRestartAndCreate} data-testid="wizard-restart-create">
          {t('rt.quick.create', { name })}
        </Button>
      </div>
    </>
  );
}
