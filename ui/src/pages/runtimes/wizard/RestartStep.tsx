import { Checkbox, MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import type { InstanceChoice } from '../../../backend';
import { t } from '../../../i18n';
import type { WizardAction, WizardState } from './state';

/** Step 4, for a new application: adding it restarts the instance; the user confirms. */
export function RestartStep({ chosen, state, dispatch }: { chosen: InstanceChoice; state: WizardState; dispatch: (action: WizardAction) => void }) {
  return (
    <>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>{t('rt.wizard.restart.body', { name: chosen.instance.name })}</MessageBarBody>
      </MessageBar>
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
      <Checkbox
        checked={state.choices.restartConfirmed}
        onChange={(_, data) => dispatch({ type: 'edit', change: { restartConfirmed: data.checked === true } })}
        label={t('rt.wizard.restart.confirm', { name: chosen.instance.name })}
        data-testid="wizard-confirm-restart"
      />
    </>
  );
}
