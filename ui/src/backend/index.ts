// The one module that talks to the Rust backend. Every command is a typed function here;
// pages never call `invoke` themselves.
import { invoke } from '@tauri-apps/api/core';
import type { AppError, AppInfo, ErrorCode } from './bindings';
import { t } from '../i18n';

export type { AppError, AppInfo, ErrorCode };
export type { StartupWarning, StartupWarningKind } from './bindings';

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
  'throttled',
  'service_unavailable',
  'service',
  'cancelled',
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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw new BackendError(toAppError(reason));
  }
}

export const backend = {
  appInfo: () => call<AppInfo>('app_info'),
  validateRuntimeName: (name: string) => call<null>('validate_runtime_name', { name }),
  openLogsFolder: () => call<null>('open_logs_folder'),
  /** Tells the backend the first screen is painted and takes input (start-up timing). */
  frontendReady: () => call<null>('frontend_ready'),
};
