import { useEffect, useState } from 'react';
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { backend, toAppError, type AppError, type RetirementStatus } from '../backend';
import { t } from '../i18n';
import { useSession } from '../session/SessionProvider';

/** The notice's title for the days left (or since). */
export function retirementTitle(status: RetirementStatus): string {
  const date = status.retirementDate;
  if (status.retired) return t(status.daysLeft === 0 ? 'retire.titleToday' : 'retire.titleRetired', { date });
  if (status.daysLeft === 1) return t('retire.titleOne', { date });
  return t('retire.title', { date, days: status.daysLeft });
}

/**
 * Prompt flow's retirement above every page: the date, the days left, and Microsoft's migration
 * guide (opened in the system browser). It can be hidden for the rest of the week, never for
 * good. The date comes from the backend, so the sandbox's emulated date counts.
 */
export function RetirementNotice() {
  const session = useSession();
  const mode = session.status?.mode;
  const [status, setStatus] = useState<RetirementStatus | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let live = true;
    backend.retirementStatus().then(
      (next) => live && setStatus(next),
      () => live && setStatus(null),
    );
    return () => {
      live = false;
    };
  }, [mode]);

  if (!status || status.dismissedThisWeek) return null;
  return (
    <MessageBar
      intent={status.retired ? 'error' : 'warning'}
      layout="multiline"
      data-testid="retirement-notice"
      data-days-left={status.daysLeft}
    >
      <MessageBarBody>
        <MessageBarTitle>{retirementTitle(status)}</MessageBarTitle>
        <Text as="span">{t(status.retired ? 'retire.detailRetired' : 'retire.detail')}</Text>
        {error && (
          <Text as="p" data-testid="retirement-guide-error">
            {t('retire.guideFailed', { message: error.message })} {error.remedy}
          </Text>
        )}
      </MessageBarBody>
      <MessageBarActions>
        <Button
          size="small"
          appearance="primary"
          data-testid="retirement-guide"
          onClick={() => {
            setError(null);
            backend.openMigrationGuide().catch((reason: unknown) => setError(toAppError(reason)));
          }}
        >
          {t('retire.guide')}
        </Button>
        <Button
          size="small"
          data-testid="retirement-dismiss"
          onClick={() => {
            backend.dismissRetirementNotice().then(setStatus, (reason: unknown) => setError(toAppError(reason)));
          }}
        >
          {t('retire.dismiss')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** The line the add-runtime wizard shows before it creates: the date, the days left, the final image. */
export function retirementCreateLine(status: RetirementStatus): string {
  const date = status.retirementDate;
  if (status.daysLeft === 0) return t('retire.create.today', { date });
  if (status.retired) return t('retire.create.retired', { date });
  if (status.daysLeft === 1) return t('retire.create.one', { date });
  return t('retire.create', { date, days: status.daysLeft });
}

/**
 * Said in the wizard right above "Create runtime", even when the page notice is hidden for the
 * week: a new runtime runs the final image and has the days left until the retirement date.
 */
export function CreateRetirementNote() {
  const [status, setStatus] = useState<RetirementStatus | null>(null);
  useEffect(() => {
    let live = true;
    backend.retirementStatus().then(
      (next) => live && setStatus(next),
      () => live && setStatus(null),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!status) return null;
  return (
    <MessageBar intent={status.retired ? 'error' : 'warning'} layout="multiline" data-testid="wizard-retirement" data-days-left={status.daysLeft}>
      <MessageBarBody>{retirementCreateLine(status)}</MessageBarBody>
    </MessageBar>
  );
}
