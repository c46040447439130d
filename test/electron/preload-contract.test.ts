// The preload contract: the BUILT preload (dist/electron/preload.cjs, what Electron really loads) runs in
// a bare V8 context whose `require` knows only a fake 'electron' module, as in a sandboxed renderer. What
// it exposes must be exactly the LabApi: the keys of API_KEYS, the methods of the contract, and nowhere a
// path to the raw ipcRenderer.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_KEYS, METHOD_NAMES, type LabView } from '../../electron/api/contract';
import { labView } from '../support/fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRELOAD = path.join(root, 'dist', 'electron', 'preload.cjs');

type Fn = (...args: unknown[]) => unknown;

interface Loaded {
  exposed: Map<string, unknown>;
  invokes: unknown[][];
  ipcOn: Array<{ channel: string; listener: Fn }>;
  required: string[];
  ipcRenderer: Record<string, Fn>;
  replies: Map<string, unknown>;
}

function loadPreload(source: string): Loaded {
  const exposed = new Map<string, unknown>();
  const invokes: unknown[][] = [];
  const ipcOn: Array<{ channel: string; listener: Fn }> = [];
  const required: string[] = [];
  const replies = new Map<string, unknown>();
  const refuse =
    (name: string): Fn =>
    () => {
      throw new Error(`the preload called ipcRenderer.${name}`);
    };
  const ipcRenderer: Record<string, Fn> = {
    invoke: (channel, ...args) => {
      invokes.push([channel, ...args]);
      return Promise.resolve(replies.get(String(channel)) ?? { ok: true, value: null });
    },
    on: (channel, listener) => {
      ipcOn.push({ channel: String(channel), listener: listener as Fn });
      return ipcRenderer;
    },
    send: refuse('send'),
    sendSync: refuse('sendSync'),
    sendToHost: refuse('sendToHost'),
    postMessage: refuse('postMessage'),
    once: refuse('once'),
    removeListener: refuse('removeListener'),
    removeAllListeners: refuse('removeAllListeners'),
  };
  const contextBridge = {
    exposeInMainWorld: (key: unknown, api: unknown) => {
      if (exposed.has(String(key))) throw new Error(`exposed twice: ${String(key)}`);
      exposed.set(String(key), api);
    },
  };
  // A sandboxed preload's require serves 'electron' (and a few polyfills we do not use); nothing from disk.
  const sandboxRequire = (id: unknown) => {
    required.push(String(id));
    if (id === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`module not found: ${String(id)}`);
  };
  const module = { exports: {} };
  const context = vm.createContext({ require: sandboxRequire, module, exports: module.exports, console, setTimeout, clearTimeout, queueMicrotask });
  vm.runInContext(source, context, { filename: PRELOAD });
  return { exposed, invokes, ipcOn, required, ipcRenderer, replies };
}

/** Every value reachable from `value` through own properties (objects and functions alike). */
function reachable(value: unknown, seen = new Set<unknown>()): unknown[] {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return [];
  seen.add(value);
  const out: unknown[] = [value];
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) out.push(...reachable(descriptor.value, seen));
  }
  return out;
}

const lab = (phase: LabView['phase']): LabView => labView({ phase });

if (!existsSync(PRELOAD)) {
  throw new Error(`${path.relative(root, PRELOAD)} is missing: run \`npm run build\` before the preload contract test`);
}
const SOURCE = readFileSync(PRELOAD, 'utf8');

describe('the built preload', () => {
  let loaded: Loaded;
  let api: Record<string, unknown> & { labs: Record<string, Fn>; engine: Record<string, Fn>; on: Fn };

  beforeEach(() => {
    loaded = loadPreload(SOURCE);
    api = loaded.exposed.get('classlab') as typeof api;
  });

  it('loads with nothing but require("electron"), as a sandboxed preload must', () => {
    expect(loaded.required).toEqual(['electron']);
    // Also requires that would only run later, inside a function: none may name anything else.
    const requires = [...SOURCE.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  it('exposes exactly one global, window.classlab', () => {
    expect([...loaded.exposed.keys()]).toEqual(['classlab']);
  });

  it('has exactly the top-level keys of API_KEYS', () => {
    expect(Object.keys(api).sort()).toEqual([...API_KEYS].sort());
  });

  it('has exactly the contract’s methods in each area', () => {
    const expected = new Map<string, string[]>();
    for (const channel of METHOD_NAMES) {
      const [area, method] = channel.split(':') as [string, string];
      expected.set(area, [...(expected.get(area) ?? []), method]);
    }
    const areas = Object.keys(api).filter((k) => k !== 'on');
    expect(areas.sort()).toEqual([...expected.keys()].sort());
    for (const [area, methods] of expected) {
      const exposedArea = api[area] as Record<string, unknown>;
      // files.transferBase is data, not a method: where uploads and downloads go (ClassLab's own scheme).
      const functions = Object.keys(exposedArea).filter((k) => typeof exposedArea[k] === 'function');
      expect(functions.sort(), area).toEqual(methods.sort());
      expect(
        Object.keys(exposedArea).filter((k) => typeof exposedArea[k] !== 'function'),
        area,
      ).toEqual(area === 'files' ? ['transferBase'] : []);
      for (const method of methods) expect(typeof exposedArea[method], `${area}.${method}`).toBe('function');
    }
    expect(typeof api.on).toBe('function');
  });

  it('never exposes ipcRenderer or any of its functions', () => {
    const values = reachable(api);
    expect(values).not.toContain(loaded.ipcRenderer);
    for (const fn of Object.values(loaded.ipcRenderer)) expect(values).not.toContain(fn);
    for (const value of values) {
      if (value === api || (typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
      for (const key of ['send', 'sendSync', 'invoke', 'ipcRenderer', 'sendToHost', 'postMessage']) {
        expect(Object.hasOwn(value, key), `exposed value has "${key}"`).toBe(false);
      }
    }
  });

  it('calls the contract channel with the argument tuple, and returns the checked value', async () => {
    loaded.replies.set('labs:list', { ok: true, value: { labs: [], problems: [] } });
    await expect(api.labs.list!()).resolves.toEqual({ labs: [], problems: [] });
    expect(loaded.invokes).toEqual([['labs:list', []]]);
    loaded.replies.set('labs:open', { ok: true, value: lab('starting') });
    await expect(api.labs.open!('python')).resolves.toEqual(lab('starting'));
    expect(loaded.invokes.at(-1)).toEqual(['labs:open', ['python']]);
  });

  it('rejects with a plain {code, message} object, which contextBridge copies whole (an Error keeps only its message)', async () => {
    loaded.replies.set('engine:status', { ok: false, error: { code: 'ENGINE_DOWN', message: 'Docker is not running' } });
    const err: unknown = await (api.engine.status!() as Promise<unknown>).catch((e: unknown) => e);
    expect(err).toEqual({ name: 'LabApiError', code: 'ENGINE_DOWN', message: 'Docker is not running' });
    expect(Object.prototype.toString.call(err)).toBe('[object Object]');
    loaded.replies.set('labs:list', { ok: true, value: { labs: 'not a list' } });
    await expect(api.labs.list!()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('listens on one IPC channel and asks main once per event for what this window wants', async () => {
    expect(loaded.ipcOn.map((l) => l.channel)).toEqual(['classlab:event']);
    const deliver = (name: string, payload: unknown) => loaded.ipcOn[0]!.listener({ sender: null }, name, payload);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = api.on('labs:changed', (p: unknown) => first.push(p)) as () => void;
    const stopSecond = api.on('labs:changed', (p: unknown) => second.push(p)) as () => void;
    expect(loaded.invokes).toEqual([['classlab:subscribe', 'labs:changed']]);

    deliver('labs:changed', lab('ready'));
    deliver('labs:changed', { id: 'python', phase: 'nonsense' });
    deliver('engine:changed', { state: 'up' });
    expect(first).toEqual([lab('ready')]);
    expect(second).toEqual([lab('ready')]);

    stopFirst();
    stopFirst();
    expect(loaded.invokes).toHaveLength(1);
    deliver('labs:changed', lab('stopping'));
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);

    stopSecond();
    expect(loaded.invokes.at(-1)).toEqual(['classlab:unsubscribe', 'labs:changed']);
    deliver('labs:changed', lab('stopped'));
    expect(second).toHaveLength(2);
  });

  it('refuses to subscribe to an event outside the contract', () => {
    expect(() => api.on('labs:secret', () => undefined)).toThrow(/unknown event/);
    expect(loaded.invokes).toEqual([]);
  });
});
