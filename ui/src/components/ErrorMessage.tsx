import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { AppError, Diagnosis } from '../backend';
import { t } from '../i18n';
import { RawDetails } from './RawDetails';

const useStyles = makeStyles({
  block: { display: 'block' },
  remedy: { display: 'block', marginTop: tokens.spacingVerticalXS },
  code: { display: 'block', marginTop: tokens.spacingVerticalXS, color: tokens.colorNeutralForeground3 },
});

/** The diagnosis core attached to an error whose service message it recognised. */
export function diagnosisOf(error: AppError): Diagnosis | null {
  const value = error.details?.diagnosis;
  if (value && typeof value === 'object' && 'code' in value && 'cause' in value && 'remedy' in value) {
    return value as Diagnosis;
  }
  return null;
}

/**
 * Shows an error from the backend the same way everywhere: why (when pfrm recognised the
 * failure), what happened in the service's words, then what to do.
 */
export function ErrorMessage({ error }: { error: AppError }) {
  const styles = useStyles();
  const diagnosis = diagnosisOf(error);
  return (
    <MessageBar intent="error" layout="multiline" role="alert" data-testid="error-message" data-code={error.code}>
      <MessageBarBody>
        {diagnosis && (
          <Text as="span" weight="semibold" className={styles.block} data-testid="error-diagnosis" data-diagnosis={diagnosis.code}>
            {diagnosis.cause}
          </Text>
        )}
        <MessageBarTitle className={styles.block} data-testid="error-text">
          {error.message}
        </MessageBarTitle>
        {error.remedy && (
          <Text as="span" className={styles.remedy} data-testid="error-remedy">
            {error.remedy}
          </Text>
        )}
        {/* The code is for a support request, not for reading: behind "Details". */}
        <span className={styles.code}>
          <RawDetails testId="error-details">{t('error.code', { code: error.code })}</RawDetails>
        </span>
      </MessageBarBody>
    </MessageBar>
  );
}
