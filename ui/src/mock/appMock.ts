// The fake backend's answers about the app itself (page tests only, built with `--mode pages`):
// each is the core's, generated (fixtures.ts; tests/tests/page_fixtures/about_app.rs): what the
// app says of itself (with `?scenario=startup-warnings`, after a start with a damaged settings
// file and a log folder it cannot write), its diagnostics bundle and where it may be saved, the
// place it reopens on, and "Check for updates" finding a newer version.
import type { LastPlace, SavedBundle } from '../backend/bindings';
import { pause } from './changes';
import { PAGES, notGenerated, settle } from './fixtures';
import { readSetting, writeSetting } from './settingsFile';

const APP = PAGES.app;

/**
 * Where the place the settings hold is kept between page loads (the page's own storage stands
 * for the settings file): its index in the generated places; none yet is a first start's.
 */
const PLACE_KEY = 'pfrm.mock.place';

function placeNow(): number {
  const stored = Number(readSetting(PLACE_KEY) ?? 0);
  return Number.isInteger(stored) && stored >= 0 && stored < APP.place.places.length ? stored : 0;
}

/** The core's answer to remembering `page` or `workspaceId` where the settings hold the place now. */
function rememberPlace(page: unknown, workspaceId: unknown): Promise<LastPlace> {
  const same = (asked: LastPlace) => (asked.page ?? null) === (page ?? null) && (asked.workspaceId ?? null) === (workspaceId ?? null);
  const next = APP.place.rememberPlace[placeNow()]?.[APP.place.asked.findIndex(same)];
  const place = next === undefined ? undefined : APP.place.places[next];
  if (next === undefined || place === undefined) {
    return Promise.reject(notGenerated(`remembering the place ${JSON.stringify({ page, workspaceId })}`));
  }
  writeSetting(PLACE_KEY, String(next));
  return Promise.resolve(structuredClone(place));
}

/** Answers a command about the app itself, or `undefined` when the command is not one of them. */
export function appCommand(command: string, args: Record<string, unknown>, scenario: string | null): Promise<unknown> | undefined {
  switch (command) {
    case 'app_info':
      return settle(APP.appInfo[scenario === 'startup-warnings' ? 'startupWarnings' : 'normal']);
    case 'check_app_update':
      return settle(APP.checkAppUpdate);
    case 'last_place':
      return Promise.resolve(structuredClone(APP.place.places[placeNow()]));
    case 'remember_place':
      return rememberPlace(args.page, args.workspaceId);
    case 'prepare_diagnostics':
      return pause(200).then(() => settle(APP.diagnostics.prepare));
    case 'save_diagnostics': {
      const { bundleId, path } = args as { bundleId: string; path: string };
      const chosen = APP.diagnostics.save[path] ?? { error: notGenerated(`saving the bundle to "${path}"`) };
      // The shell writes the bundle it listed to the file the core chose, and says where.
      return pause(100)
        .then(() => settle(chosen))
        .then((file): SavedBundle => ({ id: bundleId, path: file }));
    }
    default:
      return undefined;
  }
}
