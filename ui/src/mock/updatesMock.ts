// The fake backend's versions and updates (page tests only, built with `--mode pages`): the
// core's answers about the page world's runtimes (fixtures.ts; research-ml holds rt-default and
// rt-old on old images, rt-custom on custom environment pf-custom:1, rt-fresh on the final image
// and rt-preview, whose newer image the prompt flow service says it does not need), and the
// updates the user makes (changes.ts). An update's stages take 700 ms each;
// `?scenario=slow-updates` makes them 2 s, so a test can act while one runs.
import type { UpdateAllRequest, UpdatePreferences, UpdateRuntimeRequest } from '../backend/bindings';
import { fleetNow, pause, updateAll, updateRuntime, versionNow, type Publish } from './changes';
import { PAGES, settle, workspaceAnswers } from './fixtures';
import { readSetting, writeSetting } from './settingsFile';

/** Where the choice the settings hold is kept between page loads (the page's own storage stands for the settings file). */
const CHECK_PREFERENCE_KEY = 'pfrm.mock.checkUpdatesAtStartup';

const stageMs = () => (new URLSearchParams(window.location.search).get('scenario') === 'slow-updates' ? 2000 : 700);

/** The core's answer for the choice the settings hold now: none yet is a first start's. */
function preferencesNow(): Promise<UpdatePreferences> {
  const { firstStart, turned } = PAGES.app.updatePreferences;
  const stored = readSetting(CHECK_PREFERENCE_KEY);
  return settle(stored === 'on' || stored === 'off' ? turned[stored] : firstStart);
}

/** Answers a versions-and-updates command, or `undefined` when the command is not one of them. */
export function updatesCommand(command: string, args: Record<string, unknown>, publish: Publish): Promise<unknown> | undefined {
  switch (command) {
    case 'check_runtime_version':
      return pause(300).then(() => settle(versionNow(String(args.workspaceId), String(args.runtimeName))));
    case 'check_workspace_versions':
      return pause(200).then(() => fleetNow(args.workspaceIds as string[]));
    case 'custom_environment_guidance':
      return pause(150).then(() => settle(workspaceAnswers(PAGES, args.workspaceId)?.customEnvironmentGuidance[String(args.runtimeName)]));
    case 'update_runtime':
      return updateRuntime(publish, args.request as UpdateRuntimeRequest, stageMs());
    case 'update_all_outdated':
      return updateAll(publish, (args.request as UpdateAllRequest).workspaceIds, stageMs());
    case 'update_preferences':
      return preferencesNow();
    case 'set_check_updates_at_startup': {
      const choice = args.enabled === true ? 'on' : 'off';
      writeSetting(CHECK_PREFERENCE_KEY, choice);
      return pause(100).then(() => settle(PAGES.app.updatePreferences.turned[choice]));
    }
    default:
      return undefined;
  }
}
