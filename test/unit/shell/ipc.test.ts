// The IPC binding with a fake ipcMain and fake webContents: the same code main.ts runs, without Electron.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type EventName, type EventPayload, type LabView, type Reply } from '../../../electron/api/contract';
import type { CoreService } from '../../../electron/core/types';
import { bindIpc, type InvokeEventLike, type IpcMainLike } from '../../../electron/shell/ipc';
import { EVENT_CHANNEL, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL } from '../../../electron/shell/ipc-channels';
import type { NotebookPort } from '../../../electron/api/lab-service';
import type { EventSink } from '../../../electron/shell/ipc';
import { labView } from '../../support/fixtures';
import { LabError } from '../../../electron/api/errors';
import { unservedMethods } from '../../support/served';

const PAGE = 'file:///app/dist/renderer/index.html';

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(event: InvokeEventLike, channel: string, arg?: unknown): Promise<Reply> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return (await handler(event, arg)) as Reply;
  }
}

class FakeContents extends EventEmitter implements EventSink {
  readonly sent: unknown[][] = [];
  destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

const lab = (id: string, phase: LabView['phase']): LabView => labView({ id, title: id, description: '', phase });

function fakeCore() {
  const emitter = new EventEmitter();
  // The methods these tests look into are written out; every other method of the core (the table minus
  // what the shell places itself) answers null, so a new contract method needs no edit here.
  const untouched = Object.fromEntries(METHOD_NAMES.filter((m) => !m.startsWith('notebook:')).map((m) => [m, async () => null]));
  const lookedInto = {
    'engine:status': async () => ({ state: 'up', endpoint: '/var/run/docker.sock', version: '20.10', problem: null, hint: null, nextCheckAt: null }),
    'labs:list': async () => ({ labs: [lab('python', 'stopped')], problems: [] }),
    'labs:open': vi.fn(async (id: string) => lab(id, 'starting')),
  } satisfies Partial<CoreService>;
  const service = { ...untouched, ...lookedInto } as unknown as CoreService;
  const subscribe = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    emitter.on(event, listener);
    return () => emitter.off(event, listener);
  };
  // The admin lock's gate, open or shut by the test (the lock's own rules are tested in test/unit/admin).
  const admin = {
    open: true,
    admit: vi.fn(async (channel: string) => {
      if (!admin.open) throw new LabError('LOCKED', `The admin area is locked: ${channel} needs the admin PIN.`);
      return () => {};
    }),
  };
  return { service, subscribe, emitter, admin };
}

function setup(trusted = new Set<number>([1, 2]), core = fakeCore()) {
  const ipc = new FakeIpcMain();
  const shown: Array<{ sender: number; lab: string }> = [];
  const notebookFor = (sender: EventSink): NotebookPort => ({
    show: async (labId) => {
      shown.push({ sender: sender.id, lab: labId });
      return { kind: 'view' };
    },
    hide: async () => null,
  });
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const binding = bindIpc({
    ipc,
    core: Promise.resolve(core),
    isTrustedSender: (e) => trusted.has(e.sender.id) && e.senderFrame?.url === PAGE && e.senderFrame.parent === null,
    notebookFor,
    log,
  });
  const event = (contents: FakeContents, url = PAGE, parent: unknown = null): InvokeEventLike => ({ sender: contents, senderFrame: { url, parent } });
  return { ipc, core, shown, binding, event, log };
}

describe('IPC binding', () => {
  it('handles exactly the contract methods plus subscribe and unsubscribe', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...METHOD_NAMES, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL].sort());
  });

  it('serves every method of the contract table', async () => {
    const { ipc, event } = setup();
    const win = new FakeContents(1);
    expect(await unservedMethods((channel, args) => ipc.invoke(event(win), channel, args))).toEqual([]);
  });

  it('answers NOT_SUPPORTED for a method of the table the core has no handler for (what the test above finds)', async () => {
    const core = fakeCore();
    delete (core.service as Partial<CoreService>)['git:push'];
    const { ipc, event } = setup(undefined, core);
    const unserved = await unservedMethods((channel, args) => ipc.invoke(event(new FakeContents(1)), channel, args));
    expect(unserved).toEqual([
      { channel: 'git:push', reply: { ok: false, error: { code: 'NOT_SUPPORTED', message: 'git:push has no handler in this ClassLab' } } },
    ]);
  });

  it('puts admin methods behind the admin lock, and only those', async () => {
    const { ipc, core, event } = setup();
    const win = new FakeContents(1);
    core.admin.open = false;
    expect(await ipc.invoke(event(win), 'audit:run', [null])).toEqual({
      ok: false,
      error: { code: 'LOCKED', message: 'The admin area is locked: audit:run needs the admin PIN.' },
    });
    expect(await ipc.invoke(event(win), 'labs:open', ['python'])).toMatchObject({ ok: true });
    expect(core.admin.admit.mock.calls.map((c) => c[0])).toEqual(['audit:run']);
    core.admin.open = true;
    expect(await ipc.invoke(event(win), 'audit:run', [null])).toEqual({ ok: true, value: null });
  });

  it('answers a trusted window with the Reply envelope, arguments checked', async () => {
    const { ipc, core, event } = setup();
    const win = new FakeContents(1);
    const reply = await ipc.invoke(event(win), 'labs:list', []);
    expect(reply).toMatchObject({ ok: true, value: { labs: [{ id: 'python' }] } });
    expect(await ipc.invoke(event(win), 'labs:open', ['python'])).toMatchObject({ ok: true, value: { phase: 'starting' } });
    expect(await ipc.invoke(event(win), 'labs:open', ['../etc'])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await ipc.invoke(event(win), 'labs:open', 'python')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(core.service['labs:open']).toHaveBeenCalledTimes(1);
  });

  it('refuses frames that are not the app page of one of our windows', async () => {
    const { ipc, core, event, log } = setup();
    const stranger = new FakeContents(9);
    const win = new FakeContents(1);
    const refused = { ok: false, error: { code: 'UNAUTHORIZED' } };
    expect(await ipc.invoke(event(stranger), 'labs:open', ['python'])).toMatchObject(refused);
    expect(await ipc.invoke(event(win, 'http://127.0.0.1:49153/tree?token=s3cret'), 'labs:open', ['python'])).toMatchObject(refused);
    expect(await ipc.invoke(event(win, PAGE, { url: PAGE }), 'labs:open', ['python'])).toMatchObject(refused);
    expect(await ipc.invoke({ sender: win, senderFrame: null }, 'labs:list', [])).toMatchObject(refused);
    expect(await ipc.invoke(event(stranger), SUBSCRIBE_CHANNEL, 'labs:changed')).toMatchObject(refused);
    expect(core.service['labs:open']).not.toHaveBeenCalled();
    // The log names where the call came from, never the token in its address.
    expect(JSON.stringify(log.warn.mock.calls)).not.toContain('s3cret');
  });

  it('places the notebook for the window that asked', async () => {
    const { ipc, shown, event } = setup();
    const reply = await ipc.invoke(event(new FakeContents(2)), 'notebook:show', ['python', { x: 0, y: 40, width: 800, height: 600 }, null]);
    expect(reply).toEqual({ ok: true, value: { kind: 'view' } });
    expect(shown).toEqual([{ sender: 2, lab: 'python' }]);
    expect(await ipc.invoke(event(new FakeContents(2)), 'notebook:show', ['python', { x: -1, y: 0, width: 1, height: 1 }, null])).toMatchObject({ ok: false });
  });

  it('sends events only to the windows that subscribed, once each however often they ask', async () => {
    const { ipc, core, event } = setup();
    const a = new FakeContents(1);
    const b = new FakeContents(2);
    expect(await ipc.invoke(event(a), SUBSCRIBE_CHANNEL, 'labs:changed')).toEqual({ ok: true, value: null });
    await ipc.invoke(event(a), SUBSCRIBE_CHANNEL, 'labs:changed');
    await ipc.invoke(event(b), SUBSCRIBE_CHANNEL, 'engine:changed');
    core.emitter.emit('labs:changed', lab('python', 'ready'));
    expect(a.sent).toEqual([[EVENT_CHANNEL, 'labs:changed', lab('python', 'ready')]]);
    expect(b.sent).toEqual([]);
    expect(core.emitter.listenerCount('labs:changed')).toBe(1);

    await ipc.invoke(event(a), UNSUBSCRIBE_CHANNEL, 'labs:changed');
    core.emitter.emit('labs:changed', lab('python', 'stopped'));
    expect(a.sent).toHaveLength(1);
    expect(core.emitter.listenerCount('labs:changed')).toBe(0);
  });

  it('refuses unknown events', async () => {
    const { ipc, event } = setup();
    expect(await ipc.invoke(event(new FakeContents(1)), SUBSCRIBE_CHANNEL, 'anything')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('ends a window’s subscriptions when its webContents is destroyed', async () => {
    const { ipc, core, event } = setup();
    const win = new FakeContents(1);
    await ipc.invoke(event(win), SUBSCRIBE_CHANNEL, 'labs:changed');
    await ipc.invoke(event(win), SUBSCRIBE_CHANNEL, 'images:progress');
    expect(core.emitter.listenerCount('labs:changed') + core.emitter.listenerCount('images:progress')).toBe(2);
    win.destroy();
    expect(core.emitter.listenerCount('labs:changed') + core.emitter.listenerCount('images:progress')).toBe(0);
    expect(win.listenerCount('destroyed')).toBe(0);
  });

  it('removes its handlers and every subscription when disposed', async () => {
    const { ipc, core, binding, event } = setup();
    await ipc.invoke(event(new FakeContents(1)), SUBSCRIBE_CHANNEL, 'engine:changed');
    binding.dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(core.emitter.listenerCount('engine:changed')).toBe(0);
  });

  it('reports a core that failed to start on every call, with its reason', async () => {
    const ipc = new FakeIpcMain();
    bindIpc({
      ipc,
      core: Promise.reject(new Error('catalog.json is missing')),
      isTrustedSender: () => true,
      notebookFor: () => ({ show: async () => ({ kind: 'view' }), hide: async () => null }),
      log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    });
    const win = new FakeContents(1);
    const reply = await ipc.invoke({ sender: win, senderFrame: { url: PAGE, parent: null } }, 'labs:list', []);
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'catalog.json is missing' } });
  });
});
