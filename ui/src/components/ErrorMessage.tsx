import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { AppError } from '../backend';
import { t } from '../i18n';

const useStyles = makeStyles({
  block: { display: 'block' },
  remedy: { display: 'block', marginTop: tokens.spacingVerticalXS },
  code: { display: 'block', marginTop: tokens.spacingVerticalXS, color: tokens.colorNeutralForeground3 },
});

/** Shows an error from the backend the same way everywhere: what happened, then what to do. */
export function ErrorMessage({ error }: { error: AppError }) {
  const styles = useStyles();
  return (
    <MessageBar intent="error" layout="multiline" role="alert" data-testid="error-message" data-code={error.code}>
      <MessageBarBody>
        <MessageBarTitle className={styles.block} data-testid="error-text">
          {error.message}
        </MessageBarTitle>
        {error.remedy && (
          <Text as="span" className={styles.remedy} data-testid="error-remedy">
            {error.remedy}
          </Text>
        )}
        <Text as="span" size={200} className={styles.code}>
          {t('error.code', { code: error.code })}
        </Text>
      </MessageBarBody>
    </MessageBar>
  );
}
