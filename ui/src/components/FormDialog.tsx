import type { ReactNode } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { t } from '../i18n';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/**
 * The one dialog frame of the app: a title, its content in a column, then the buttons. Closing
 * (Escape, or outside a non-alert dialog) calls `onClose`. With `onSubmit` the body is a form, so
 * Enter in a field submits it; the buttons then say whether they submit (`type="submit"`) or not.
 * With `cancel`, a Cancel button comes first among the buttons and does what Escape does.
 */
export function FormDialog({
  open = true,
  alert = false,
  title,
  children,
  actions,
  cancel,
  onClose,
  onSubmit,
  testId,
  surface,
}: {
  open?: boolean;
  /** An alert dialog: a click outside does not close it. */
  alert?: boolean;
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  /** A Cancel button before `actions` that calls `onClose`; `disabled` while a step runs. */
  cancel?: { testId: string; disabled?: boolean };
  onClose: () => void;
  /** Makes the body a form; called on submit with the browser's default already prevented. */
  onSubmit?: () => void;
  testId: string;
  /** The surface's width, and `data-` state for tests. */
  surface?: { className?: string } & { [data: `data-${string}`]: string };
}) {
  const styles = useStyles();
  const body = (
    <DialogBody>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent className={styles.content}>{children}</DialogContent>
      <DialogActions>
        {cancel && (
          <Button type="button" onClick={onClose} disabled={cancel.disabled} data-testid={cancel.testId}>
            {t('common.cancel')}
          </Button>
        )}
        {actions}
      </DialogActions>
    </DialogBody>
  );
  return (
    <Dialog open={open} modalType={alert ? 'alert' : undefined} onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface {...surface} data-testid={testId}>
        {onSubmit ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              onSubmit();
            }}
          >
            {body}
          </form>
        ) : (
          body
        )}
      </DialogSurface>
    </Dialog>
  );
}
