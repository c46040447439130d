// The real app in the real Electron, driven by Playwright: the built main process, preload and renderer,
// each test with a fresh home folder (so fresh user data and settings). Where the Electron binary or a
// display is missing these tests are reported as skipped, with the reason: never counted as passing.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEYS } from '../../electron/api/contract';
import { electronHere, repoRoot } from './electron-binary';

const here = electronHere();
if (!here.ok) console.log(`${here.reason}: Electron tests skipped`);

type Globals = Record<string, unknown>;

describe.skipIf(!here.ok)('ClassLab in Electron', () => {
  let app: ElectronApplication;
  let page: Page;
  let home: string;

  beforeEach(async () => {
    if (!here.ok) return;
    home = await mkdtemp(path.join(tmpdir(), 'classlab-electron-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    // A fresh home on every platform: userData lives under XDG_CONFIG_HOME, ~/Library or APPDATA.
    Object.assign(env, {
      HOME: home,
      USERPROFILE: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      APPDATA: path.join(home, 'AppData', 'Roaming'),
      LOCALAPPDATA: path.join(home, 'AppData', 'Local'),
      // Its own Docker namespace: the app must not adopt or touch the labs of a real installation.
      CLASSLAB_NAMESPACE: `electron-${randomBytes(3).toString('hex')}`,
    });
    app = await _electron.launch({ executablePath: here.binary, args: ['.'], cwd: repoRoot, env, timeout: 60_000 });
    page = await app.firstWindow();
  });

  afterEach(async () => {
    await app?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('shows the launcher on the app page', async () => {
    await page.getByRole('heading', { name: 'Labs' }).waitFor({ state: 'visible', timeout: 60_000 });
    expect(page.url()).toMatch(/\/dist\/renderer\/index\.html$/);
  });

  it('gives the page exactly window.classlab and nothing of Node or Electron', async () => {
    const keys = await page.evaluate(() => Object.keys(((globalThis as Globals).classlab as object | undefined) ?? {}).sort());
    expect(keys).toEqual([...API_KEYS].sort());
    const kinds = await page.evaluate(() =>
      ['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer', 'electron'].map((name) => `${name}:${typeof (globalThis as Globals)[name]}`),
    );
    expect(kinds).toEqual(['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer', 'electron'].map((n) => `${n}:undefined`));
  });

  it('answers the contract over IPC', async () => {
    const status = await page.evaluate(async () => {
      const api = (globalThis as Globals).classlab as { engine: { status(): Promise<{ state: string }> } };
      return (await api.engine.status()).state;
    });
    expect(['checking', 'up', 'down']).toContain(status);
  });

  it('refuses new windows and navigation away from the app page', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('file:///etc/hostname'));
    expect(opened).toBeNull();
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hostname';
    });
    await page.waitForTimeout(1000);
    expect(page.url()).toMatch(/\/dist\/renderer\/index\.html$/);
    expect(app.windows()).toHaveLength(1);
  });
});
