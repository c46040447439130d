import { describe, expect, it } from 'vitest';
import { isPermissionAllowed } from '../../../electron/shell/permission-policy';
import { isDownloadAllowed, safeDownloadName } from '../../../electron/shell/download-policy';

const NB = 'http://127.0.0.1:49153';
const DANGEROUS = [
  'media',
  'geolocation',
  'notifications',
  'display-capture',
  'clipboard-read',
  'midiSysex',
  'hid',
  'usb',
  'serial',
  'openExternal',
  'fullscreen',
  'pointerLock',
  'unknown',
];

describe('permissions', () => {
  it('lets the notebook origin write to the clipboard', () => {
    expect(isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting: NB, notebookOrigin: NB })).toBe(true);
    // Electron reports a full URL in requests and an origin in checks: both count.
    expect(isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting: `${NB}/notebooks/a.ipynb?token=x`, notebookOrigin: NB })).toBe(true);
  });

  it('refuses everything else to the notebook', () => {
    for (const permission of DANGEROUS) expect(isPermissionAllowed({ permission, requesting: NB, notebookOrigin: NB })).toBe(false);
  });

  it('refuses everything to the app page and to other origins', () => {
    for (const permission of ['clipboard-sanitized-write', ...DANGEROUS]) {
      expect(isPermissionAllowed({ permission, requesting: 'file:///opt/ClassLab/dist/renderer/index.html', notebookOrigin: null })).toBe(false);
      expect(isPermissionAllowed({ permission, requesting: 'http://127.0.0.1:49154', notebookOrigin: NB })).toBe(false);
      expect(isPermissionAllowed({ permission, requesting: 'https://evil.example', notebookOrigin: NB })).toBe(false);
    }
  });

  it('refuses when it cannot tell who asks', () => {
    expect(isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting: '', notebookOrigin: NB })).toBe(false);
    expect(isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting: null, notebookOrigin: NB })).toBe(false);
    expect(isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting: 'null', notebookOrigin: NB })).toBe(false);
  });
});

describe('downloads', () => {
  it('allows files from the lab and files the notebook page built', () => {
    expect(isDownloadAllowed(`${NB}/files/work/plot.png?download=1`, NB)).toBe(true);
    expect(isDownloadAllowed(`${NB}/nbconvert/html/a.ipynb?download=true`, NB)).toBe(true);
    expect(isDownloadAllowed(`blob:${NB}/6d1c`, NB)).toBe(true);
    expect(isDownloadAllowed('data:text/csv,a,b', NB)).toBe(true);
  });

  it('cancels downloads from elsewhere, and every download outside a notebook', () => {
    expect(isDownloadAllowed('https://evil.example/payload.exe', NB)).toBe(false);
    expect(isDownloadAllowed('blob:https://evil.example/6d1c', NB)).toBe(false);
    expect(isDownloadAllowed('file:///etc/passwd', NB)).toBe(false);
    expect(isDownloadAllowed(`${NB}/files/a`, null)).toBe(false);
    expect(isDownloadAllowed('nonsense', NB)).toBe(false);
  });

  it('keeps a suggested file name inside the Downloads folder', () => {
    expect(safeDownloadName('../../.bashrc')).toBe('bashrc');
    expect(safeDownloadName('C:\\Windows\\evil.dll')).toBe('evil.dll');
    expect(safeDownloadName('report: final?.ipynb')).toBe('report_ final_.ipynb');
    expect(safeDownloadName('')).toBe('download');
    expect(safeDownloadName('..')).toBe('download');
  });
});
