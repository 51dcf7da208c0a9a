// The native menu's items that act on the page (src-tauri/src/menu.rs sends their ids through
// `watchMenu`). Outside the desktop shell (page tests, the browser) there is no menu: the call
// fails and nothing listens.
import { useEffect } from 'react';
import { backend, type AppInfo } from './backend';
import type { Loaded } from './data/query';

export type MenuItemId = 'refresh' | 'new-runtime' | 'settings' | 'check-for-updates' | 'copy-diagnostics';

export type MenuHandlers = Record<MenuItemId, () => void>;

const ITEMS: ReadonlySet<string> = new Set<MenuItemId>([
  'refresh',
  'new-runtime',
  'settings',
  'check-for-updates',
  'copy-diagnostics',
]);

/** Calls the handler of each menu item the user picks, for as long as the component lives. */
export function useMenu(handlers: MenuHandlers) {
  useEffect(() => {
    let live = true;
    const ignore = () => {
      // No native menu here (not the desktop shell): the keyboard and the pages still work.
    };
    try {
      backend
        .watchMenu((id: string) => {
          if (live && ITEMS.has(id)) handlers[id as MenuItemId]();
        })
        .catch(ignore);
    } catch {
      ignore();
    }
    return () => {
      live = false;
    };
  }, [handlers]);
}

/** What "Copy diagnostics" puts on the clipboard: facts about this app and machine, no secrets. */
export function diagnosticsText(info: AppInfo | undefined, userAgent: string): string {
  const lines = [
    `${info?.name ?? 'Prompt Flow Runtime Manager'} ${info?.version ?? '(version unknown)'}`,
    `System: ${userAgent}`,
  ];
  if (info) {
    lines.push(`Settings file: ${info.configPath}`);
    lines.push(`Logs folder: ${info.logDir ?? '(none)'}`);
    for (const warning of info.warnings) lines.push(`Start-up warning (${warning.kind}): ${warning.message}`);
  }
  return lines.join('\n');
}

/** Copies the diagnostics; whether the system clipboard took them. */
export async function copyDiagnostics(appInfo: Loaded<AppInfo>): Promise<boolean> {
  const info = appInfo.kind === 'loaded' ? appInfo.value : undefined;
  try {
    await navigator.clipboard.writeText(diagnosticsText(info, navigator.userAgent));
    return true;
  } catch {
    return false;
  }
}
