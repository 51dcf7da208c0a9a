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

/**
 * A moment from Azure (ISO 8601) as people read it: date and time in their language and time
 * zone. Text that is not a moment is shown as it came, so nothing is lost.
 */
export function formatDateTime(iso: string, locale?: string, timeZone?: string): string {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(moment);
}
