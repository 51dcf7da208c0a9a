// The native dialogs (tauri-plugin-dialog). The user picks a path with them; files are read and
// written by the app's own commands, so the window holds no file-system permission.
import { open, save, type DialogFilter } from '@tauri-apps/plugin-dialog';
import { BackendError, toAppError } from './index';

/** The folder the user chose in the system's chooser, or null when they closed it. */
export async function chooseFolder(title: string, startIn?: string): Promise<string | null> {
  try {
    const chosen = await open({ directory: true, multiple: false, title, defaultPath: startIn?.trim() || undefined });
    return typeof chosen === 'string' ? chosen : null;
  } catch (reason) {
    throw new BackendError(toAppError(reason));
  }
}

/** Where the user chose to save a file, or null when they closed the dialog. */
export async function chooseSaveFile(title: string, suggested?: string, filters?: DialogFilter[]): Promise<string | null> {
  try {
    return (await save({ title, defaultPath: suggested, filters })) ?? null;
  } catch (reason) {
    throw new BackendError(toAppError(reason));
  }
}
