import { useState } from 'react';
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { backend, type RetirementStatus } from '../backend';
import { useMutation, useQuery } from '../data/query';
import { t } from '../i18n';
import { useSession } from '../session/SessionProvider';
import { Notice } from './Notice';
import { useFoldedBannerStyles, useShortWindow } from './useShortWindow';

/** The notice's title for the core's countdown: the days left, the day itself, or after it. */
export function retirementTitle(status: RetirementStatus): string {
  const date = status.retirementDate;
  const { countdown } = status;
  switch (countdown.kind) {
    case 'retired':
      return t('retire.titleRetired', { date });
    case 'retirementDay':
      return t('retire.titleToday', { date });
    case 'daysLeft':
      return countdown.days === 1 ? t('retire.titleOne', { date }) : t('retire.title', { date, days: countdown.days });
  }
}

/**
 * Prompt flow's retirement above every page: the date, the days left, and Microsoft's migration
 * guide (opened in the system browser). It can be hidden for the rest of the week, never for
 * good. The date comes from the backend, so the sandbox's emulated date counts. In a short
 * window it folds to its title (the date and the days left) and "More", which unfolds the rest.
 */
export function RetirementNotice() {
  const session = useSession();
  const mode = session.status?.mode;
  // Asked again when the session changes: the sandbox has its own date. Without an answer
  // there is no notice. While the new answer is on its way the notice stays: taking it away
  // and back moved the sign-in choices below it just as they appeared, and a click on "Try the
  // sandbox" landed on another way to sign in.
  const loaded = useQuery(`retirement/${mode ?? 'unknown'}`, backend.retirementStatus, { keepAcrossKeys: true }).data;
  const dismiss = useMutation(backend.dismissRetirementNotice);
  const openGuide = useMutation(backend.openMigrationGuide);
  const short = useShortWindow();
  const foldedStyles = useFoldedBannerStyles();
  const [more, setMore] = useState(false);
  const status = dismiss.data ?? loaded ?? null;
  const error = openGuide.error ?? dismiss.error ?? null;

  if (!status || status.dismissedThisWeek) return null;
  // A failure to open the guide is never folded away.
  const folded = short && !more && !error;
  return (
    <MessageBar
      intent={status.retired ? 'error' : 'warning'}
      layout={folded ? 'singleline' : 'multiline'}
      className={folded ? foldedStyles.folded : undefined}
      data-testid="retirement-notice"
      data-days-left={status.daysLeft}
      data-folded={folded}
    >
      <MessageBarBody>
        <MessageBarTitle>{retirementTitle(status)}</MessageBarTitle>
        {!folded && <Text as="span">{t(status.retired ? 'retire.detailRetired' : 'retire.detail')}</Text>}
        {error && (
          <Text as="p" data-testid="retirement-guide-error">
            {t('retire.guideFailed', { message: error.message })} {error.remedy}
          </Text>
        )}
      </MessageBarBody>
      <MessageBarActions>
        {folded ? (
          <Button size="small" aria-expanded={false} data-testid="retirement-more" onClick={() => setMore(true)}>
            {t('banner.more')}
          </Button>
        ) : (
          <>
            <Button
              size="small"
              appearance="primary"
              data-testid="retirement-guide"
              onClick={() => {
                void openGuide.run();
              }}
            >
              {t('retire.guide')}
            </Button>
            <Button
              size="small"
              data-testid="retirement-dismiss"
              onClick={() => {
                void dismiss.run();
              }}
            >
              {t('retire.dismiss')}
            </Button>
            {short && (
              <Button size="small" appearance="subtle" aria-expanded data-testid="retirement-less" onClick={() => setMore(false)}>
                {t('banner.less')}
              </Button>
            )}
          </>
        )}
      </MessageBarActions>
    </MessageBar>
  );
}

/** The line the add-runtime wizard shows before it creates: the date, the days left, the final image. */
export function retirementCreateLine(status: RetirementStatus): string {
  const date = status.retirementDate;
  const { countdown } = status;
  switch (countdown.kind) {
    case 'retired':
      return t('retire.create.retired', { date });
    case 'retirementDay':
      return t('retire.create.today', { date });
    case 'daysLeft':
      return countdown.days === 1 ? t('retire.create.one', { date }) : t('retire.create', { date, days: countdown.days });
  }
}

/**
 * Said in the wizard right above "Create runtime", even when the page notice is hidden for the
 * week: a new runtime runs the final image and has the days left until the retirement date.
 */
export function CreateRetirementNote() {
  // Without an answer there is no note.
  const status = useQuery('retirement', backend.retirementStatus).data;
  if (!status) return null;
  return (
    <Notice intent={status.retired ? 'error' : 'warning'} data-testid="wizard-retirement" data-days-left={status.daysLeft}>
      {retirementCreateLine(status)}
    </Notice>
  );
}
