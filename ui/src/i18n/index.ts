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
