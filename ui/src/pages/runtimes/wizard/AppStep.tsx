import { Dropdown, Field, Option, Radio, RadioGroup, Text } from '@fluentui/react-components';
import type { EnvironmentChoice, InstanceChoice, PreflightReport } from '../../../backend';
import { t } from '../../../i18n';
import { LoadStatus } from '../../../components/LoadStatus';
import type { Loaded } from '../../../data/query';
import type { WizardChoices } from '../model';
import type { WizardAction, WizardState } from './state';
import { useWizardStyles } from './styles';
import { Notice } from '../../../components/Notice';
import { PreflightChecklist } from '../PreflightChecklist';

/** Step 3: a new custom application (default or custom environment) or an existing one, checked. */
export function AppStep({
  chosen,
  state,
  environments,
  imageCheck,
  dispatch,
  onChooseExistingApp,
}: {
  chosen: InstanceChoice;
  state: WizardState;
  environments: Loaded<EnvironmentChoice[]>;
  /** The chosen custom environment's image checks (idle until one is chosen). */
  imageCheck: Loaded<PreflightReport>;
  dispatch: (action: WizardAction) => void;
  onChooseExistingApp: (app: string) => void;
}) {
  const styles = useWizardStyles();
  const { choices, customEnv, signIn, signInDue, appCheck } = state;
  return (
    <>
      {!signInDue && signIn?.signedInOn && signIn.validUntil && (
        <Text className={styles.muted} data-testid="wizard-auth-skipped">
          {t('rt.wizard.auth.skipped', { region: signIn.region, date: signIn.signedInOn, until: signIn.validUntil })}
        </Text>
      )}
      <RadioGroup
        value={choices.appKind}
        onChange={(_, data) => dispatch({ type: 'chooseAppKind', appKind: data.value as WizardChoices['appKind'] })}
        data-testid="wizard-app-kind"
      >
        <Radio value="new" label={t('rt.wizard.app.new')} data-testid="app-new" />
        <Radio value="existing" label={t('rt.wizard.app.existing')} disabled={chosen.runtimeApps.length === 0} data-testid="app-existing" />
      </RadioGroup>
      {chosen.runtimeApps.length === 0 && <Text className={styles.muted}>{t('rt.wizard.app.noExisting')}</Text>}
      {choices.appKind === 'new' && (
        <div className={styles.indent}>
          <RadioGroup
            value={customEnv ? 'custom' : 'default'}
            onChange={(_, data) => dispatch({ type: 'chooseCustomEnv', custom: data.value === 'custom' })}
          >
            <Radio value="default" label={t('rt.wizard.env.default')} data-testid="env-default" />
            <Radio value="custom" label={t('rt.wizard.env.custom')} data-testid="env-custom" />
          </RadioGroup>
          {customEnv && <LoadStatus state={environments} label={t('rt.wizard.env.loading')} />}
          {customEnv && environments.kind === 'loaded' && environments.value.length === 0 && <Text>{t('rt.wizard.env.none')}</Text>}
          {customEnv && environments.kind === 'loaded' && environments.value.length > 0 && (
            <EnvironmentPicker
              environments={environments.value}
              selected={choices.environment}
              onSelect={(assetId) => dispatch({ type: 'edit', change: { environment: assetId } })}
            />
          )}
          {customEnv && choices.environment && <ImageChecks check={imageCheck} />}
        </div>
      )}
      {choices.appKind === 'existing' && (
        <RadioGroup
          className={styles.indent}
          value={choices.existingApp ?? ''}
          onChange={(_, data) => onChooseExistingApp(data.value)}
          data-testid="wizard-existing-apps"
        >
          {chosen.runtimeApps.map((app) => (
            <Radio key={app.name} value={app.name} label={t('rt.wizard.appWithImage', { name: app.name, image: app.image ?? t('rt.none') })} />
          ))}
        </RadioGroup>
      )}
      {choices.appKind === 'existing' && appCheck && appCheck.app === choices.existingApp && (
        <div className={styles.indent} aria-live="polite" data-testid="wizard-app-check">
          <LoadStatus state={appCheck.state} label={t('rt.wizard.app.checking', { name: appCheck.app })} />
          {appCheck.state.kind === 'loaded' && appCheck.state.value.available && <Text>{t('rt.wizard.app.available', { name: appCheck.app })}</Text>}
          {appCheck.state.kind === 'loaded' && !appCheck.state.value.available && (
            <Notice intent="error">
              {t('rt.wizard.app.unavailable', { name: appCheck.app, reason: appCheck.state.value.reason ?? '' })}
            </Notice>
          )}
        </div>
      )}
    </>
  );
}

function EnvironmentPicker({
  environments,
  selected,
  onSelect,
}: {
  environments: EnvironmentChoice[];
  selected: string | null;
  onSelect: (assetId: string) => void;
}) {
  const current = environments.find((environment) => environment.assetId === selected);
  const label = (environment: EnvironmentChoice) => t('rt.wizard.env.option', { name: environment.name, version: environment.version });
  return (
    <>
      <Field label={t('rt.wizard.env.label')}>
        <Dropdown
          value={current ? label(current) : ''}
          selectedOptions={selected ? [selected] : []}
          onOptionSelect={(_, data) => data.optionValue && onSelect(data.optionValue)}
          data-testid="env-picker"
          inlinePopup
        >
          {environments.map((environment) => (
            <Option
              key={environment.assetId}
              value={environment.assetId}
              text={label(environment)}
              data-testid={`env-option-${environment.name}-${environment.version}`}
            >
              {label(environment)}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {current && current.derivesFromRuntimeImage !== true && (
        <Notice intent="warning" data-testid="env-warning">
          {current.derivesFromRuntimeImage === false ? t('rt.wizard.env.other') : t('rt.wizard.env.notDerived')}
        </Notice>
      )}
    </>
  );
}

/**
 * The chosen environment's image checks, as the core made them: when one blocks, why the user
 * cannot go on with this environment; then each check with its mark, evidence and remedy.
 */
function ImageChecks({ check }: { check: Loaded<PreflightReport> }) {
  const styles = useWizardStyles();
  const blocking = check.kind === 'loaded' ? check.value.blocking : undefined;
  return (
    <div className={styles.imageChecks} aria-live="polite" data-testid="wizard-image-checks" data-state={check.kind}>
      <LoadStatus state={check} label={t('rt.wizard.env.checking')} testId="wizard-image-checking" />
      {check.kind === 'loaded' && <Text weight="semibold">{t('rt.wizard.env.checksHeading')}</Text>}
      {/* Why the user cannot go on comes first; each check below says what to do. */}
      {blocking && (
        <Notice intent="error" data-testid="wizard-image-blocked" data-kind={blocking.kind}>
          {blocking.kind === 'couldNotTell'
            ? t('rt.wizard.env.couldNotTell', { reason: blocking.reason })
            : t('rt.wizard.env.blocked', { reason: lowerFirst(blocking.reason) })}
        </Notice>
      )}
      {check.kind === 'loaded' && <PreflightChecklist checks={check.value.checks} />}
    </div>
  );
}

/** A check's title inside a sentence ("The image is…" → "the image is…"). */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
