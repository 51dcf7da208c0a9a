// What the fake backend's settings file holds between page loads: the page's own storage stands
// for it. Without storage nothing is read, and what is written lasts until the page reloads, as
// with a settings file that cannot be written.

/** The value kept under `key`, or `null` when there is none (or no storage). */
export function readSetting(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Keeps `value` under `key`, where there is storage. */
export function writeSetting(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // No storage: see the note at the top.
  }
}
