import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { BackendError, backend, toAppError } from '.';
import { en } from '../i18n/en';

afterEach(() => clearMocks());

describe('toAppError', () => {
  it('keeps a structured error from Rust as it is', () => {
    const error = toAppError({ code: 'not_found', message: 'Gone.', remedy: 'Look elsewhere.', details: { id: 1 } });
    expect(error).toEqual({ code: 'not_found', message: 'Gone.', remedy: 'Look elsewhere.', details: { id: 1 } });
  });

  it('turns a plain string rejection into a readable internal error that keeps the reason', () => {
    const error = toAppError('command app_info not allowed');
    expect(error.code).toBe('internal');
    expect(error.message).toBe(en['error.unexpected']);
    expect(error.remedy).toBe(en['error.unexpected.remedy']);
    expect(error.details).toEqual({ reason: 'command app_info not allowed' });
  });

  it('does not trust an object with an unknown code', () => {
    expect(toAppError({ code: 'made_up', message: 'x' }).code).toBe('internal');
  });
});

describe('backend calls', () => {
  it('sends the command name and arguments and returns the answer', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((command, payload) => {
      calls.push([command, payload]);
      return null;
    });
    await expect(backend.validateRuntimeName('my-runtime')).resolves.toBeNull();
    expect(calls).toEqual([['validate_runtime_name', { name: 'my-runtime' }]]);
  });

  it('rejects with a BackendError carrying the error Rust sent', async () => {
    mockIPC(() => {
      throw { code: 'invalid_input', message: 'Bad name.', remedy: 'Use another.' };
    });
    const failure = await backend.validateRuntimeName('x').catch((reason: unknown) => reason);
    expect(failure).toBeInstanceOf(BackendError);
    expect((failure as BackendError).appError).toEqual({ code: 'invalid_input', message: 'Bad name.', remedy: 'Use another.' });
  });
});
