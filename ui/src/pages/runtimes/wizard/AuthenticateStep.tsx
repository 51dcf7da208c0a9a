import { Button, Text } from '@fluentui/react-components';
import type { InstanceChoice, InstanceSignInStatus } from '../../../backend';
import { t } from '../../../i18n';
import { CopyableText } from '../CopyableText';

/** Step 2, when due: sign in on the compute instance for its region, in the browser. */
export function AuthenticateStep({
  chosen,
  signIn,
  region,
  onOpenSignIn,
}: {
  chosen: InstanceChoice;
  signIn: InstanceSignInStatus | null;
  region: string;
  onOpenSignIn: () => void;
}) {
  return (
    <>
      <Text>{t('rt.wizard.auth.body')}</Text>
      <Text data-testid="wizard-auth-state">
        {signIn?.signedInOn ? t('rt.wizard.auth.expired', { region, date: signIn.signedInOn }) : t('rt.wizard.auth.never', { region })}
      </Text>
      {!signIn?.signInUrl ? (
        <Text data-testid="wizard-auth-sandbox">{t('rt.wizard.auth.sandbox')}</Text>
      ) : (
        <>
          <Text>{t('rt.wizard.auth.how', { name: chosen.instance.name })}</Text>
          <div>
            <Button onClick={onOpenSignIn} data-testid="wizard-open-instance-sign-in">
              {t('rt.wizard.auth.open')}
            </Button>
          </div>
          <Text size={200}>{t('rt.wizard.auth.url')}</Text>
          <CopyableText text={signIn.signInUrl} testId="wizard-instance-url" />
        </>
      )}
    </>
  );
}
