// `npm start`'s launcher (build/start.mjs), run as a user runs it. Where Electron can't start it must say
// so in one line naming `npm run serve`; where it can, it runs Electron on the repo and passes its exit
// code through. A stand-in binary (ELECTRON_OVERRIDE_DIST_PATH, honoured as the electron package does)
// plays Electron, so this runs on machines without the real one.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronHere, repoRoot } from './electron-binary';

const START = path.join(repoRoot, 'build', 'start.mjs');
const scratch = mkdtempSync(path.join(tmpdir(), 'classlab-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function start(env: Record<string, string | undefined>) {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const run = spawnSync(process.execPath, [START], { cwd: repoRoot, env: merged, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderrLines: run.stderr.split('\n').filter((l) => l.trim() !== '') };
}

function expectOneClearLine(result: ReturnType<typeof start>, reason: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stderrLines).toHaveLength(1);
  expect(result.stderrLines[0]).toMatch(/^ClassLab can't open its window here \(.+\)\. Run `npm run serve` to use ClassLab in your browser\.$/);
  expect(result.stderrLines[0]).toMatch(reason);
}

/** A folder that holds a stand-in Electron printing its arguments and working folder. */
function fakeElectron(exitCode: number): string {
  const dir = mkdtempSync(path.join(scratch, 'dist-'));
  const name = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "ARGS:$*"\necho "CWD:$(pwd)"\necho "RUN_AS_NODE:\${ELECTRON_RUN_AS_NODE:-unset}"\nexit ${exitCode}\n`);
  chmodSync(file, 0o755);
  return dir;
}

describe.skipIf(process.platform === 'win32')('npm start (build/start.mjs)', () => {
  it('says in one line that the binary is missing when its download is switched off', () => {
    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    const result = start({ ELECTRON_OVERRIDE_DIST_PATH: empty, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expectOneClearLine(result, /no Electron binary: ELECTRON_SKIP_BINARY_DOWNLOAD is set/);
  });

  it.skipIf(electronHere({ ...process.env, DISPLAY: ':0' }).ok)('tries the download once and says in one line that it failed (no binary here)', () => {
    const result = start({ ELECTRON_SKIP_BINARY_DOWNLOAD: undefined, ELECTRON_OVERRIDE_DIST_PATH: undefined });
    expectOneClearLine(result, /no Electron binary: its download (failed|timed out)/);
  });

  it.skipIf(process.platform === 'darwin')('says in one line that there is no display', () => {
    const result = start({ ELECTRON_OVERRIDE_DIST_PATH: fakeElectron(0), DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
    expectOneClearLine(result, /no display/);
  });

  it('runs Electron on the repo (package.json main) and passes its exit code through', () => {
    const result = start({ ELECTRON_OVERRIDE_DIST_PATH: fakeElectron(7), DISPLAY: ':99', ELECTRON_RUN_AS_NODE: '1' });
    expect(result.stderrLines, 'package.json "main" must point at the built main process').toEqual([]);
    expect(result.code).toBe(7);
    expect(result.stdout).toContain('ARGS:.\n');
    expect(result.stdout).toContain(`CWD:${repoRoot}\n`);
    // Inherited ELECTRON_RUN_AS_NODE would make Electron act as plain Node: the launcher drops it.
    expect(result.stdout).toContain('RUN_AS_NODE:unset');
  });
});
