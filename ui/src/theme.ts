import { useSyncExternalStore } from 'react';
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';

export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'pfrm.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function loadThemeChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'light' || stored === 'dark' || stored === 'system') return stored;
  } catch {
    // Storage can be unavailable (private mode, tests); the system choice is a safe default.
  }
  return 'system';
}

export function saveThemeChoice(choice: ThemeChoice): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not remembering the choice is acceptable.
  }
}

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

function subscribeToSystemTheme(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined;
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Whether the OS asks for dark mode, kept current as the OS setting changes. */
export function useSystemPrefersDark(): boolean {
  return useSyncExternalStore(subscribeToSystemTheme, systemPrefersDark, () => false);
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): { theme: Theme; dark: boolean } {
  const dark = choice === 'dark' || (choice === 'system' && systemDark);
  return { theme: dark ? webDarkTheme : webLightTheme, dark };
}
