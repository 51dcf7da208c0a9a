import { afterEach, expect, it } from 'vitest';
import { invoke } from '@tauri-apps/api/core';
import { clearMocks } from '@tauri-apps/api/mocks';
import { COMMAND_NAMES } from '../backend';
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
