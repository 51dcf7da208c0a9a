// When a long operation ends while the user is in another window, the OS tells them. This
// decides which reports are such an ending and what the notification says.
import type { OperationSnapshot, OperationState } from '../backend';
import { t } from '../i18n';

export type Notice = { title: string; body: string };

/**
 * The notification for `next`, given the state the operation was last seen in (undefined when
 * this is the first report of it). Only a change from running to finished counts: finished
 * operations replayed when the app subscribes were already seen, or ended before it started.
 */
export function finishedNotice(previous: OperationState | undefined, next: OperationSnapshot): Notice | undefined {
  if (previous !== 'running' || next.state === 'running') return undefined;
  switch (next.state) {
    case 'succeeded':
      return { title: t('notify.succeeded'), body: next.title };
    case 'failed':
      return {
        title: t('notify.failed'),
        body: next.error ? t('notify.failedBody', { title: next.title, message: next.error.message }) : next.title,
      };
    case 'cancelled':
      return { title: t('notify.cancelled'), body: next.title };
  }
}
