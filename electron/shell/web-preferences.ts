// The locked-down web preferences of every page ClassLab shows, in one pure place so that a unit test
// pins them: the app page (with the preload) and each lab's notebook view (no preload at all).
import type { WebPreferences } from 'electron';

const LOCKED: WebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
};

export function appWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return { ...LOCKED, preload, devTools };
}

/**
 * A lab's notebook view: its own persistent session, so the notebook's cookies and storage stay apart
 * from the app page and from other labs, and survive a restart of ClassLab.
 */
export function notebookWebPreferences(labId: string, devTools: boolean): WebPreferences {
  return { ...LOCKED, partition: `persist:lab-${labId}`, devTools };
}
