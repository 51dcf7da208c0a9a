import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { Diagnosis, DiagnosisAction, RoleScope } from '../backend';
import { t, type MessageKey } from '../i18n';
import { ExternalLink } from './ExternalLink';
import { CopyableText } from '../pages/runtimes/CopyableText';
import { Notice } from './Notice';

/** The bundle is made by the CLI, which works even when the app does not start. */
export const DIAGNOSE_COMMAND = 'pfrm diagnose --out pfrm-diagnostics.zip';

/** A role a diagnosis asks for, carried to the Permissions page. */
export type RoleRequest = { role: string; scope: RoleScope };

/** The subscription quota page in the portal, where more VM family quota is requested. */
export const QUOTA_PAGE_URL = 'https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas';

const useStyles = makeStyles({
  line: { display: 'block', marginTop: tokens.spacingVerticalXS },
  code: { display: 'block', marginTop: tokens.spacingVerticalXS, color: tokens.colorNeutralForeground3 },
  quota: { marginTop: tokens.spacingVerticalS },
});

export const SCOPE_KEYS: Record<RoleScope, MessageKey> = {
  workspace: 'diag.scope.workspace',
  storage: 'diag.scope.storage',
  registry: 'diag.scope.registry',
};

export function actionLabel(action: DiagnosisAction): string {
  switch (action.type) {
    case 'openPermissions':
      return t('diag.action.permissions', { role: action.role, scope: t(SCOPE_KEYS[action.scope]) });
    case 'useDefaultEnvironment':
      return t('diag.action.defaultEnvironment');
    case 'openQuotaPage':
      return t('diag.action.quota');
  }
}

/**
 * What pfrm recognised in a failure, shown above the service's own message (which stays on the
 * page): the cause, the remedy and a button for what the app can do. A failure no pattern knows
 * says so and gives the command that makes the diagnostics bundle.
 */
export function DiagnosisPanel({
  diagnosis,
  onAction,
}: {
  diagnosis: Diagnosis | null | undefined;
  onAction?: (action: DiagnosisAction) => void;
}) {
  const styles = useStyles();
  if (!diagnosis) {
    return (
      <Notice intent="info" data-testid="diagnosis-unrecognised" title={t('diag.unrecognised.title')}>
        <Text as="span" className={styles.line}>
          {t('diag.unrecognised.body')}
        </Text>
        <CopyableText text={DIAGNOSE_COMMAND} testId="diagnosis-bundle" copyLabel={t('diag.unrecognised.bundle')} />
      </Notice>
    );
  }
  const action = diagnosis.action;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="diagnosis" data-code={diagnosis.code}>
      <MessageBarBody>
        <MessageBarTitle>{t('diag.title')}</MessageBarTitle>
        <Text as="span" className={styles.line} data-testid="diagnosis-cause">
          {diagnosis.cause}
        </Text>
        <Text as="span" weight="semibold" className={styles.line} data-testid="diagnosis-remedy">
          {diagnosis.remedy}
        </Text>
        {action?.type === 'openQuotaPage' && (
          <div className={styles.quota}>
            <ExternalLink href={QUOTA_PAGE_URL} testId="diagnosis-quota-link">
              {t('diag.openQuotaPage')}
            </ExternalLink>
            <CopyableText text={QUOTA_PAGE_URL} testId="diagnosis-quota-url" copyLabel={t('diag.copyQuotaUrl')} />
          </div>
        )}
        {diagnosis.link && (
          <Text as="span" className={styles.line}>
            <ExternalLink href={diagnosis.link} testId="diagnosis-link">
              {t('diag.learnMore')}
            </ExternalLink>
          </Text>
        )}
        <Text as="span" size={200} className={styles.code}>
          {t('diag.code', { code: diagnosis.code })}
        </Text>
      </MessageBarBody>
      {action && action.type !== 'openQuotaPage' && onAction && (
        <MessageBarActions>
          <Button appearance="primary" onClick={() => onAction(action)} data-testid="diagnosis-action">
            {actionLabel(action)}
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
