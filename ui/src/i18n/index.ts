import { en, type MessageKey } from './en';

export type { MessageKey };

/** Looks up a message and fills its `{placeholders}`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template: string = en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** How long something took or has been running: "42 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('duration.hours', { h, m });
  if (m > 0) return t('duration.minutes', { m, s });
  return t('duration.seconds', { s });
}

/**
 * A moment from Azure (ISO 8601) as people read it: date and time in their language and time
 * zone. Text that is not a moment is shown as it came, so nothing is lost.
 */
export function formatDateTime(iso: string, locale?: string, timeZone?: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(moment);
}
