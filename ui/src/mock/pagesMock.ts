// A deterministic fake backend for page tests in a plain browser (built with `--mode pages`
// only). Answers are fixed so tests can assert exact text; `?scenario=startup-warnings` in the
// page URL adds the start-up warnings the real app shows for a bad settings file and an
// unwritable log folder.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { AppError, AppInfo } from '../backend/bindings';

export const MOCK_VERSION = '0.0.0-pages';

function appInfo(scenario: string | null): AppInfo {
  const warnings: AppInfo['warnings'] =
    scenario === 'startup-warnings'
      ? [
          {
            kind: 'config_unreadable',
            message:
              'The settings file /home/user/.config/pfrm/settings.json could not be used: it is not valid JSON. It was moved to /home/user/.config/pfrm/settings.json.bak and the app is using default settings.',
            remedy: 'Your old settings are kept in /home/user/.config/pfrm/settings.json.bak.',
          },
          {
            kind: 'log_dir_unwritable',
            message: 'The log folder /home/user/.local/state/pfrm/logs cannot be written, so this session is not logged to a file.',
            remedy: 'Make the folder writable and restart the app.',
          },
        ]
      : [];
  return {
    name: 'Prompt Flow Runtime Manager',
    version: MOCK_VERSION,
    logDir: scenario === 'startup-warnings' ? null : '/home/user/.local/state/pfrm/logs',
    configPath: '/home/user/.config/pfrm/settings.json',
    warnings,
  };
}

const NAME_ERROR: AppError = {
  code: 'invalid_input',
  message: '"bad_name" cannot be used as a runtime name: it contains an underscore.',
  remedy: 'Use 3 to 24 characters: letters, digits and hyphens, starting with a letter.',
  details: { field: 'runtimeName' },
};

export function installPagesMock(): void {
  const scenario = new URLSearchParams(window.location.search).get('scenario');
  mockIPC((command, payload) => {
    switch (command) {
      case 'app_info':
        return appInfo(scenario);
      case 'validate_runtime_name': {
        const name = (payload as { name?: unknown } | undefined)?.name;
        if (name === 'my-runtime') return null;
        throw NAME_ERROR;
      }
      case 'open_logs_folder':
      case 'frontend_ready':
        return null;
      default:
        throw `unknown command ${command}`;
    }
  });
}
