// What the pages of one session may do beyond navigating: web permissions and downloads. The app's page
// lives in the default session (no permissions, no downloads); each lab's notebook has its own persistent
// session (clipboard writes and downloads from its own origin, saved where the user chooses).
import path from 'node:path';
import type { Session } from 'electron';
import type { Logger } from '../core/types';
import { isDownloadAllowed, safeDownloadName } from './download-policy';
import { isPermissionAllowed } from './permission-policy';

export interface SessionGuardOptions {
  /** The notebook origin this session serves right now (a lab's port changes between starts), or null. */
  notebookOrigin(): string | null;
  /** Where the save dialog starts; null cancels every download. */
  downloadsDir: string | null;
  /** The app page's session: also allow downloads from ClassLab's own transfer scheme. */
  transferScheme?: string;
  log: Logger;
}

const guarded = new WeakSet<Session>();

export function guardSession(session: Session, options: SessionGuardOptions): void {
  // A lab's session outlives its views (it is persistent): guard it once, reading the origin live.
  if (guarded.has(session)) return;
  guarded.add(session);
  const { notebookOrigin, downloadsDir, log, transferScheme } = options;

  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = isPermissionAllowed({ permission, requesting: details.requestingUrl, notebookOrigin: notebookOrigin() });
    if (!allowed) log.info('refused a permission', { permission });
    callback(allowed);
  });
  // Checks can arrive with no webContents at all (workers, notifications): decide on the origin alone.
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed({ permission, requesting: requestingOrigin, notebookOrigin: notebookOrigin() }),
  );
  // USB, HID, serial and Bluetooth devices: never, for any page.
  session.setDevicePermissionHandler(() => false);

  session.on('will-download', (event, item) => {
    const origin = notebookOrigin();
    const ours = transferScheme !== undefined && item.getURL().startsWith(`${transferScheme}://`);
    if (!downloadsDir || !(ours || isDownloadAllowed(item.getURL(), origin))) {
      event.preventDefault();
      log.warn('cancelled a download');
      return;
    }
    // No save path set: Electron asks the user where to save, starting in their Downloads folder.
    item.setSaveDialogOptions({ defaultPath: path.join(downloadsDir, safeDownloadName(item.getFilename())) });
  });
}
