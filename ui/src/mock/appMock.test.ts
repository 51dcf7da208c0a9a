import { afterEach, expect, it } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import { clearMocks } from '@tauri-apps/api/mocks';
import { PAGES } from './fixtures';
import { installPagesMock } from './pagesMock';

afterEach(() => {
  clearMocks();
  window.localStorage.clear();
});

const CONTOSO_ML = Object.keys(PAGES.workspaces).find((id) => id.endsWith('/contoso-ml'));

// The place the app reopens on is the settings' (shared with the CLI): the fake backend holds
// what the core answered, and a later start reads what was remembered last.
it('remembers the page and the workspace as the core did, and a later start reads them', async () => {
  installPagesMock();
  expect(await invoke('last_place')).toEqual({});
  expect(await invoke('remember_place', { page: 'runtimes' })).toEqual({ page: 'runtimes' });
  expect(await invoke('remember_place', { workspaceId: CONTOSO_ML })).toEqual({ page: 'runtimes', workspaceId: CONTOSO_ML });
  expect(await invoke('remember_place', { page: 'settings' })).toEqual({ page: 'settings', workspaceId: CONTOSO_ML });
  clearMocks();
  installPagesMock();
  expect(await invoke('last_place')).toEqual({ page: 'settings', workspaceId: CONTOSO_ML });
  // A place the core was never asked about is said so, not made up.
  await expect(invoke('remember_place', { page: 'no-such-page' })).rejects.toMatchObject({ code: 'not_found' });
});

it('says what the core says about the app at a damaged start, and refuses a bundle path that is not a full one', async () => {
  window.history.replaceState(null, '', '/?scenario=startup-warnings');
  try {
    installPagesMock();
    const info = await invoke<{ warnings: { kind: string }[] }>('app_info');
    expect(info.warnings.map((warning) => warning.kind)).toEqual(['log_dir_unwritable', 'config_unreadable']);
    await expect(invoke('save_diagnostics', { bundleId: 'b', path: 'bundle.zip' })).rejects.toMatchObject({ code: 'invalid_input' });
  } finally {
    window.history.replaceState(null, '', '/');
  }
});
