// "Docker is not running" as a user meets it in the browser: a clear screen with what to do, retrying on
// its own, and the launcher back without a reload once the engine answers. The engine is the real one,
// reached through a socket this test opens and closes (DOCKER_HOST), so other tests keep theirs.
import { mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeNamespace } from '../support/docker';
import { engineDoor } from '../support/engine-door';
import { launchChromium, startServe, type ServeProcess } from '../support/serve';
import { expectAccessible } from '../support/axe';

const namespace = `e2e-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-e2e-engine-'));
const door = engineDoor(path.join(dir, 'docker.sock'));
const artifacts = path.join(REPO, 'artifacts', 'e2e');
let serve: ServeProcess | null = null;
let browser: Browser | null = null;
let page: Page;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  serve = await startServe({ ...process.env, CLASSLAB_HOME: dir, CLASSLAB_NAMESPACE: namespace, DOCKER_HOST: `unix://${path.join(dir, 'docker.sock')}` });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await serve?.stop();
  await door.close();
  await removeNamespace(namespace);
});

describe('Docker engine down, then back, in the browser', () => {
  it('shows what to do while Docker is down and returns to the launcher by itself', async () => {
    await page.goto(serve!.url);
    await page.getByRole('heading', { name: 'Docker is not running' }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() =>
        page
          .getByText(/Start the Docker engine/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await expect.poll(() => page.getByText(/Checking again in \d+ ?s/).isVisible(), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'engine-down.png') });
    await expectAccessible(page, 'engine-down');

    await door.open();
    // No click: the bridge's own retry notices the engine and the page follows.
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor({ timeout: 30_000 });
    await page.getByRole('article', { name: /Python/ }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'engine-back.png') });
    await expectAccessible(page, 'engine-back');
  });
});
