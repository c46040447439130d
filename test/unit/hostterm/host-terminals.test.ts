// Host terminals on a fake pty (pure logic): the shell's environment is scrubbed of ClassLab's secrets,
// output is held until open returns and flow-controlled, and locking the admin area (Lock, or idle on a
// fake clock) ends every host terminal with a reason that says so.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_WINDOW_CHARS, type TerminalExit } from '../../../electron/api/contract';
import { AdminLock } from '../../../electron/core/admin/admin-lock';
import { closeWhenLocked, hostTerminalHandlers } from '../../../electron/core/areas/host-terminal';
import { hostShellEnv, isScrubbed } from '../../../electron/core/hostterm/host-env';
import type { PtyProcess, PtySpawn, PtySpawnOptions } from '../../../electron/core/hostterm/host-shell';
import { HostTerminals, LOCKED_REASON } from '../../../electron/core/hostterm/host-terminals';
import { FakeClock } from '../admin/fake-clock';

class FakePty implements PtyProcess {
  readonly pid = 4242;
  written = '';
  paused = false;
  signals: string[] = [];
  size: [number, number] = [0, 0];
  private dataListeners: Array<(d: string) => void> = [];
  private exitListeners: Array<(e: { exitCode: number; signal?: number }) => void> = [];
  constructor(
    readonly file: string,
    readonly options: PtySpawnOptions,
  ) {}
  onData(l: (d: string) => void) {
    this.dataListeners.push(l);
    return { dispose: () => void (this.dataListeners = this.dataListeners.filter((x) => x !== l)) };
  }
  onExit(l: (e: { exitCode: number; signal?: number }) => void) {
    this.exitListeners.push(l);
    return { dispose: () => void (this.exitListeners = this.exitListeners.filter((x) => x !== l)) };
  }
  write(d: string) {
    this.written += d;
  }
  resize(cols: number, rows: number) {
    this.size = [cols, rows];
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  kill(signal?: string) {
    this.signals.push(signal ?? 'SIGHUP');
    // A shell ends on HUP as a real one does, a moment later.
    setTimeout(() => this.emitExit({ exitCode: 0, signal: 1 }), 5);
  }
  emitData(d: string) {
    for (const l of this.dataListeners) l(d);
  }
  emitExit(e: { exitCode: number; signal?: number }) {
    for (const l of [...this.exitListeners]) l(e);
  }
}

function setup(env: NodeJS.ProcessEnv = { HOME: '/home/teacher', PATH: '/usr/bin' }) {
  const ptys: FakePty[] = [];
  const spawn: PtySpawn = (file, _args, options) => {
    const p = new FakePty(file, options);
    ptys.push(p);
    return p;
  };
  const data: Array<{ id: string; data: string }> = [];
  const exits: TerminalExit[] = [];
  const terminals = new HostTerminals(
    { data: (id, d) => data.push({ id, data: d }), exit: (e) => exits.push(e) },
    { spawn, env, shell: () => ({ shell: '/bin/bash', cwd: '/home/teacher' }) },
  );
  return { terminals, ptys, data, exits, handlers: hostTerminalHandlers(terminals) };
}

const turn = () => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the host shell's environment", () => {
  it("drops ClassLab's PIN variables, tokens, passwords and keys, keeps the rest and sets the terminal type", () => {
    const env = hostShellEnv({
      HOME: '/home/teacher',
      PATH: '/usr/local/bin:/usr/bin',
      LANG: 'de_DE.UTF-8',
      SSH_AUTH_SOCK: '/run/user/1000/ssh',
      DOCKER_HOST: 'unix:///run/docker.sock',
      CLASSLAB_ADMIN_PIN: '4826',
      CLASSLAB_NEW_ADMIN_PIN: '9999',
      CLASSLAB_GIT_TOKEN: 'ghp_x',
      CLASSLAB_HOME: '/tmp/classlab',
      CLASSLAB_NAMESPACE: 'classlab',
      GITHUB_TOKEN: 'ghp_y',
      NPM_TOKEN: 'npm_z',
      AWS_SECRET_ACCESS_KEY: 'a',
      PGPASSWORD: 'b',
      OPENAI_API_KEY: 'c',
      ELECTRON_RUN_AS_NODE: '1',
      TERM: 'dumb',
    });
    expect(env).toEqual({
      HOME: '/home/teacher',
      PATH: '/usr/local/bin:/usr/bin',
      LANG: 'de_DE.UTF-8',
      SSH_AUTH_SOCK: '/run/user/1000/ssh',
      DOCKER_HOST: 'unix:///run/docker.sock',
      CLASSLAB_HOME: '/tmp/classlab',
      CLASSLAB_NAMESPACE: 'classlab',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
    });
    expect(isScrubbed('PINENTRY_USER_DATA')).toBe(false);
    expect(isScrubbed('MY_PIN')).toBe(true);
  });

  it('is what the pty gets: as the desktop user, in the home folder, through the login shell', async () => {
    const { handlers, ptys } = setup({ HOME: '/home/teacher', CLASSLAB_ADMIN_PIN: '4826', GIT_TOKEN: 't' });
    const info = await handlers['hostTerminal:open']({ cols: 100, rows: 30 });
    expect(info).toMatchObject({ shell: '/bin/bash', cwd: '/home/teacher' });
    expect(info.terminalId).toMatch(/^t[a-f0-9]{16}$/);
    expect(ptys[0]?.file).toBe('/bin/bash');
    expect(ptys[0]?.options).toMatchObject({ cwd: '/home/teacher', cols: 100, rows: 30 });
    expect(ptys[0]?.options.env).not.toHaveProperty('CLASSLAB_ADMIN_PIN');
    expect(ptys[0]?.options.env).not.toHaveProperty('GIT_TOKEN');
  });
});

describe('a host terminal', () => {
  it('sends output to its sink only after open returned, writes and resizes the pty, and pauses a flood until acknowledged', async () => {
    const { handlers, ptys, data } = setup();
    const open = handlers['hostTerminal:open']({ cols: 80, rows: 24 });
    const info = await open;
    const pty = ptys[0]!;
    pty.emitData('teacher@pc:~$ ');
    await turn();
    expect(data).toEqual([{ id: info.terminalId, data: 'teacher@pc:~$ ' }]);
    await handlers['hostTerminal:write'](info.terminalId, 'echo $((6*7))\r');
    expect(pty.written).toBe('echo $((6*7))\r');
    await handlers['hostTerminal:resize'](info.terminalId, { cols: 120, rows: 40 });
    expect(pty.size).toEqual([120, 40]);
    pty.emitData('x'.repeat(TERMINAL_WINDOW_CHARS + 1));
    expect(pty.paused).toBe(true);
    await handlers['hostTerminal:ack'](info.terminalId, TERMINAL_WINDOW_CHARS);
    expect(pty.paused).toBe(false);
  });

  it('closes with HUP, says why, and is forgotten; writing to it afterwards is refused', async () => {
    const { handlers, ptys, exits, terminals } = setup();
    const { terminalId } = await handlers['hostTerminal:open']({ cols: 80, rows: 24 });
    await handlers['hostTerminal:close'](terminalId);
    expect(ptys[0]?.signals).toEqual(['SIGHUP']);
    expect(exits).toEqual([{ terminalId, code: 129, reason: 'The terminal was closed.' }]);
    expect(terminals.count()).toBe(0);
    await expect(handlers['hostTerminal:write'](terminalId, 'ls\r')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('the admin lock and host terminals', () => {
  function lockWith(clock: FakeClock, onChange: (s: Parameters<ReturnType<typeof closeWhenLocked>>[0]) => void) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-hostterm-'));
    dirs.push(dataDir);
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    return new AdminLock({ dataDir, lockMinutes: () => 5, changed: onChange, log, clock, pinCost: { N: 2 ** 14, r: 8, p: 1 } });
  }

  it('Lock ends every host terminal, with the lock as the reason', async () => {
    const { handlers, terminals, exits } = setup();
    const lock = lockWith(new FakeClock(), closeWhenLocked(terminals));
    await lock.setPin(null, 'plum-4826');
    const a = await handlers['hostTerminal:open']({ cols: 80, rows: 24 });
    const b = await handlers['hostTerminal:open']({ cols: 80, rows: 24 });
    await lock.lock();
    await expect.poll(() => exits.length).toBe(2);
    expect(exits.map((e) => e.terminalId).sort()).toEqual([a.terminalId, b.terminalId].sort());
    expect(exits.every((e) => e.reason === LOCKED_REASON)).toBe(true);
    expect(terminals.count()).toBe(0);
  });

  it('the idle lock ends them too, and output acknowledgements do not count as activity', async () => {
    const clock = new FakeClock();
    const { handlers, terminals, exits } = setup();
    const lock = lockWith(clock, closeWhenLocked(terminals));
    await lock.setPin(null, 'plum-4826');
    const { terminalId } = await handlers['hostTerminal:open']({ cols: 80, rows: 24 });
    // A view acknowledging output every minute (top, logs -f) does not keep the area open.
    for (let i = 0; i < 4; i++) {
      clock.advance(60_000);
      const done = await lock.admit('hostTerminal:ack');
      done();
    }
    clock.advance(61_000);
    await expect.poll(() => exits.length).toBe(1);
    expect(exits[0]).toMatchObject({ terminalId, reason: LOCKED_REASON });
    await expect(lock.admit('hostTerminal:write')).rejects.toMatchObject({ code: 'LOCKED' });
  });

  it('a keystroke counts as activity', async () => {
    const clock = new FakeClock();
    const { terminals } = setup();
    const lock = lockWith(clock, closeWhenLocked(terminals));
    await lock.setPin(null, 'plum-4826');
    clock.advance(4 * 60_000);
    (await lock.admit('hostTerminal:write'))();
    clock.advance(4 * 60_000);
    expect((await lock.status()).unlocked).toBe(true);
  });
});
