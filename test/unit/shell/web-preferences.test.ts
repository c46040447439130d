import { describe, expect, it } from 'vitest';
import { appWebPreferences, notebookWebPreferences } from '../../../electron/shell/web-preferences';

describe('web preferences of every ClassLab page', () => {
  const pages = { app: appWebPreferences('/app/preload.cjs', false), notebook: notebookWebPreferences('python', false) };

  it.each(Object.entries(pages))('%s: isolated, sandboxed, no Node anywhere, no webview', (_name, prefs) => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('only the app page has the preload; each notebook has its own persistent session', () => {
    expect(pages.app.preload).toBe('/app/preload.cjs');
    expect(pages.notebook.preload).toBeUndefined();
    expect(pages.notebook.partition).toBe('persist:lab-python');
    expect(pages.app.partition).toBeUndefined();
  });
});
