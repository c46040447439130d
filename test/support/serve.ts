// End-to-end helpers: the real `classlab serve` as a child process, and Debian's Chromium through
// playwright-core (a test tool's own browser download cannot work on every machine).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO } from './docker';

export const CLI = path.join(REPO, 'dist', 'cli.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ServeProcess {
  /** The printed address, with its #token. */
  url: string;
  /** The serve process's id (the benchmarks read its CPU time and memory from /proc). */
  pid: number;
  /** Everything it printed so far (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `classlab serve --port 0` and resolves with the address it prints. `cli`: the built CLI (bundles
 * pass their own); `nodeArgs`: Node's own options before it (a benchmark's `--cpu-prof`, which
 * NODE_OPTIONS refuses).
 */
export function startServe(env: NodeJS.ProcessEnv, cli = CLI, nodeArgs: string[] = []): Promise<ServeProcess> {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...nodeArgs, cli, 'serve', '--port', '0'], {
      cwd: path.dirname(path.dirname(cli)),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`classlab serve printed no address in 60 s:\n${output}`)), 60_000);
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    };
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const m = /ClassLab is ready at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], pid: child.pid!, output: () => output, stop });
      }
    });
    child.stderr!.on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`classlab serve exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

/** `popupBlocker`: keep Chromium's popup blocker, which Playwright turns off by default (as a user's browser has it). */
export async function launchChromium(opts: { popupBlocker?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Chromium (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    ...(opts.popupBlocker ? { ignoreDefaultArgs: ['--disable-popup-blocking'] } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Runs the built CLI once with these variables; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeout = 300_000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}
