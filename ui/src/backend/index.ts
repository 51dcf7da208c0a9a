// The one module that talks to the Rust backend. Every command is a typed function of `backend`,
// generated from its declaration in Rust (./commands.ts); pages never call `invoke` themselves.
import { invoke } from '@tauri-apps/api/core';
import type { AppError, AppInfo, ErrorCode } from './bindings';
import { commandClient, type Call } from './commands';
import { t } from '../i18n';

export type { AppError, AppInfo, ErrorCode };
export type * from './bindings';
export type { CommandName, Commands } from './commands';
export { COMMAND_NAMES } from './commands';

/** A failed backend call, carrying the structured error the backend sent. */
export class BackendError extends Error {
  readonly appError: AppError;
  constructor(appError: AppError) {
    super(appError.message);
    this.name = 'BackendError';
    this.appError = appError;
  }
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_input',
  'not_found',
  'conflict',
  'permission_denied',
  'sign_in_required',
  'network',
  'certificate',
  'throttled',
  'service_unavailable',
  'service',
  'cancelled',
  'sign_in_declined',
  'sign_in_rejected',
  'timeout',
  'config',
  'keychain',
  'internal',
]);

/** Turns whatever a failed call rejected with into an AppError the UI can show. */
export function toAppError(reason: unknown): AppError {
  if (reason instanceof BackendError) return reason.appError;
  if (
    typeof reason === 'object' &&
    reason !== null &&
    'code' in reason &&
    'message' in reason &&
    typeof reason.code === 'string' &&
    ERROR_CODES.has(reason.code) &&
    typeof reason.message === 'string'
  ) {
    const error: AppError = { code: reason.code as ErrorCode, message: reason.message };
    if ('remedy' in reason && typeof reason.remedy === 'string') error.remedy = reason.remedy;
    if ('details' in reason && typeof reason.details === 'object' && reason.details !== null) {
      error.details = reason.details as Record<string, unknown>;
    }
    return error;
  }
  // Tauri itself rejects with a plain string (unknown command, denied by capabilities, ...).
  return {
    code: 'internal',
    message: t('error.unexpected'),
    remedy: t('error.unexpected.remedy'),
    details: { reason: reason instanceof Error ? reason.message : String(reason) },
  };
}

const call: Call = async (command, args) => {
  try {
    return await invoke(command, args);
  } catch (reason) {
    throw new BackendError(toAppError(reason));
  }
};

/** One typed function per command, generated from the commands' one declaration in Rust
 * (`src-tauri/src/commands/declared.rs`). */
export const backend = commandClient(call);
