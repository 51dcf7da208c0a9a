import { afterEach, expect, it } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import { clearMocks } from '@tauri-apps/api/mocks';
import { COMMAND_NAMES } from '../backend';
import type { OperationSnapshot } from '../backend/bindings';
import { PAGES } from './fixtures';
import { installPagesMock } from './pagesMock';

afterEach(() => clearMocks());

// The page tests' fake backend answers by command name: a command added, renamed or removed in
// the one declaration (src-tauri/src/commands/declared.rs) must show here, not as a page test
// passing against a command the app no longer has.
it('answers every command the app declares, and refuses any other', async () => {
  installPagesMock();
  const unknown: string[] = [];
  // The channels the commands that stream take, so a handler's later message has somewhere to go.
  const sink = { onmessage: () => undefined };
  const args = { onUpdate: sink, onPrompt: sink };
  for (const name of COMMAND_NAMES) {
    // Without arguments a handler may fail in its own way, or wait (a sign-in, a grant): only
    // "unknown", which the fake backend says at once, is drift.
    const answered = invoke(name, args).then(
      () => '',
      (reason: unknown) => String(reason),
    );
    const outcome = await Promise.race([answered, new Promise<string>((resolve) => setTimeout(() => resolve(''), 20))]);
    if (outcome.includes('unknown command')) unknown.push(name);
  }
  expect(unknown).toEqual([]);
  await expect(invoke('no_such_command', {})).rejects.toMatch(/unknown command/);
});

// The Activity page's operations come from the core: what the fake backend lists after a
// cancel and a clear must be what the core's operation list held then.
it('lists, cancels and clears operations as the core did', async () => {
  const activity = PAGES.activity;
  if (!activity) throw new Error('the page world has no generated activity');
  window.history.replaceState(null, '', '/?scenario=activity');
  try {
    installPagesMock();
    expect(await invoke('list_operations')).toEqual(activity.listOperations);
    await invoke('cancel_operation', { operationId: activity.cancelled.id });
    const listed = await invoke<OperationSnapshot[]>('list_operations');
    expect(listed.find((op) => op.id === activity.cancelled.id)).toEqual(activity.cancelled);
    await invoke('clear_finished_operations');
    expect(await invoke('list_operations')).toEqual(activity.afterClear);
  } finally {
    window.history.replaceState(null, '', '/');
  }
});
