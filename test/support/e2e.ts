// One end-to-end run in a browser: its own data folder and Docker namespace (so it neither sees nor
// touches a real installation's labs, or another test's), the real `classlab serve`, Debian's Chromium,
// screenshots to artifacts/e2e/, and steps that run in order. Call once at a test file's top level.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible } from './axe';
import { REPO, removeNamespace } from './docker';
import { CLI, launchChromium, startServe, type ServeProcess } from './serve';

const run = promisify(execFile);
export const ARTIFACTS = path.join(REPO, 'artifacts', 'e2e');

export interface E2EOptions {
  /** Prefix of this file's screenshot names. */
  shotPrefix: string;
  /** The lab the run uses; stopped in the end. */
  lab: string;
  permissions?: string[];
  /** Runs once the page exists (e.g. to watch its WebSocket). */
  onPage?: (page: Page) => void;
  /** Extra diagnostics when a step fails. */
  onFailure?: () => void;
  /** Keep Chromium's popup blocker on, as in a user's browser (Playwright turns it off). */
  popupBlocker?: boolean;
  /** Runs before `classlab serve` starts; its variables are added to serve's (e.g. CLASSLAB_CATALOG). */
  prepare?: () => Promise<NodeJS.ProcessEnv>;
  /**
   * This machine's `classlab trust` commands to run (in the run's own data folder) before serve starts,
   * e.g. [['local', 'add', 'file:///…']]: what the desktop user would type once. Read after `prepare`.
   */
  trust?: () => string[][];
  /** More `classlab` commands to run before serve starts (after `trust`), each with variables of its own (a token, the PIN). */
  commands?: () => Array<{ args: string[]; env: NodeJS.ProcessEnv }>;
}

export function e2eRun(opts: E2EOptions) {
  const namespace = `e2e-${randomBytes(3).toString('hex')}`;
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  let serve: ServeProcess | null = null;
  let browser: Browser | null = null;
  let page: Page | null = null;
  let failedStep: string | null = null;
  /** `classlab <args>` as the desktop user of this run (its home, its namespace). */
  const classlab = async (args: string[], timeout = 120_000): Promise<string> =>
    (await run(process.execPath, [CLI, ...args], { cwd: REPO, env, timeout })).stdout;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    home = await mkdtemp(path.join(os.tmpdir(), 'classlab-e2e-'));
    env = { ...process.env, ...(await opts.prepare?.()), CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: namespace };
    for (const args of opts.trust?.() ?? []) await classlab(['trust', ...args], 60_000);
    for (const c of opts.commands?.() ?? []) await run(process.execPath, [CLI, ...c.args], { cwd: REPO, env: { ...env, ...c.env }, timeout: 120_000 });
    serve = await startServe(env);
    browser = await launchChromium({ popupBlocker: opts.popupBlocker ?? false });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions);
    if (opts.permissions) await context.grantPermissions(opts.permissions);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    opts.onPage?.(page);
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    // Nothing may be left running: close the bridge, stop the lab through the CLI, then clear this run's
    // namespace (its containers, network and workspace volume).
    await serve?.stop();
    if (home) await run(process.execPath, [CLI, 'stop', opts.lab], { cwd: REPO, env, timeout: 120_000 }).catch(() => {});
    await removeNamespace(namespace);
    if (home) await rm(home, { recursive: true, force: true });
  }, 180_000);

  /** A screenshot of the screen as it is, and its accessibility check (no serious or critical axe violation). */
  const shot = async (name: string, check = true): Promise<void> => {
    await page?.screenshot({ path: path.join(ARTIFACTS, `${opts.shotPrefix}${name}.png`) });
    if (check && page) await expectAccessible(page, `${opts.shotPrefix}${name}`);
  };

  return {
    namespace,
    /** The lab's container name in this run's namespace. */
    container: `${namespace}-${opts.lab}`,
    get page(): Page {
      if (!page) throw new Error('the browser page is not open yet');
      return page;
    },
    get url(): string {
      if (!serve) throw new Error('classlab serve is not running');
      return serve.url;
    },
    get env(): NodeJS.ProcessEnv {
      return env;
    },
    shot,
    /** Runs `classlab <args>` as the desktop user of this run would (its home, its namespace): e.g. `trust local add`. */
    cli: (args: string[]): Promise<string> => classlab(args),
    /** A test that runs only if every earlier step passed (later ones are skipped, not failed confusingly). */
    step(name: string, fn: () => Promise<void>, timeout?: number): void {
      test(
        name,
        async (ctx) => {
          if (failedStep) ctx.skip(`an earlier step failed: ${failedStep}`);
          try {
            await fn();
          } catch (err) {
            failedStep = name;
            opts.onFailure?.();
            await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, false).catch(() => {});
            throw err;
          }
        },
        timeout,
      );
    },
  };
}

/** The admin PIN of an e2e run's own data folder (set by its first admin action). */
export const E2E_ADMIN_PIN = 'e2e-4826';

/**
 * Answers the admin lock's dialog when one opens within `timeout`: the first admin action of a run (the
 * data folder is new) asks to set a PIN, a later one while locked asks for it. Returns whether one opened.
 */
export async function answerAdminPrompt(page: Page, pin = E2E_ADMIN_PIN, timeout = 5000): Promise<boolean> {
  const set = page.getByRole('dialog', { name: 'Set an admin PIN' });
  const unlock = page.getByRole('dialog', { name: 'Unlock the admin area' });
  const either = set.or(unlock);
  try {
    await either.waitFor({ timeout });
  } catch {
    return false;
  }
  if (await set.isVisible()) {
    await set.getByLabel('New PIN').fill(pin);
    await set.getByLabel('The same PIN again').fill(pin);
    await set.getByRole('button', { name: 'Set PIN' }).click();
  } else {
    await unlock.getByLabel('Admin PIN').fill(pin);
    await unlock.getByRole('button', { name: 'Unlock' }).click();
  }
  await either.waitFor({ state: 'hidden' });
  return true;
}

/**
 * The launcher's card of a lab, with its image there: builds (or pulls) it when it is missing, which can
 * take many minutes (an admin action: the PIN dialog is answered). Returns the card and its Open button.
 */
export async function labWithImage(page: Page, name: RegExp = /Python/): Promise<{ card: Locator; open: Locator }> {
  const card = page.getByRole('article', { name });
  await card.waitFor({ timeout: 30_000 });
  const build = card.getByRole('button', { name: /^(Build|Pull) image$/ });
  const open = card.getByRole('button', { name: 'Open', exact: true });
  await expect.poll(async () => (await build.isVisible()) || (await open.isVisible())).toBe(true);
  if (await build.isVisible()) {
    await build.click();
    await answerAdminPrompt(page);
    await open.waitFor({ timeout: 900_000 });
  }
  return { card, open };
}

/** The notebook frame's selector in the lab view of the bridge UI. */
export const NOTEBOOK_FRAME = 'iframe[title^="Notebook for"]';

/** Goes to the UI, builds the lab's image if it is missing, opens the lab and waits for its notebook frame. */
export async function openLabInFrame(page: Page, uiUrl: string, name: RegExp = /Python/): Promise<void> {
  await page.goto(uiUrl);
  const { open } = await labWithImage(page, name);
  await open.click();
  await page.locator(NOTEBOOK_FRAME).waitFor({ timeout: 120_000 });
}
