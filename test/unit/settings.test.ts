import { describe, expect, it } from 'vitest';
import { createSettingsStore, type KeyValueBacking } from '../../electron/core/settings';
import { NO_TRUST } from '../../electron/core/trust/machine-trust';

function memory(initial: Record<string, unknown>): KeyValueBacking {
  const store = { ...initial };
  return {
    get store() {
      return store;
    },
    set: (k, v) => {
      store[k] = v;
    },
  };
}

describe('settings', () => {
  it('falls back field by field when a settings file was edited badly', () => {
    const s = createSettingsStore(memory({ bridgePort: 'eighty', lastOpenedLab: 'python', backupsKeep: 0, adminLockMinutes: 0 }));
    expect(s.get()).toEqual({
      bridgePort: 0,
      lastOpenedLab: 'python',
      trust: NO_TRUST,
      backupsKeep: 10,
      adminLockMinutes: 10,
      quickRuns: { maxConcurrent: 2, maxQueued: 50 },
      theme: 'system',
      maxRunningLabs: 4,
      newLabResources: { memoryMiB: 2048, cpus: 1, pids: 512, diskMiB: 2048 },
      warmLabs: { labs: [], windows: [] },
      engineHost: null,
      hubs: [],
    });
  });
  it('keeps the hubs as addresses and owners only; a bad hubs setting falls back to none', () => {
    const hubs = [{ url: 'https://hub.example.edu/', owner: 'ana', version: '5.2.1' }];
    expect(createSettingsStore(memory({ hubs })).get().hubs).toEqual(hubs);
    expect(createSettingsStore(memory({ hubs: [{ url: 'https://hub.example.edu/' }] })).get().hubs).toEqual([]);
  });
  it('keeps no warm labs unless the machine says so; a bad warm-labs setting falls back to none', () => {
    const w = { labs: ['python'], windows: [{ days: [1, 2], from: '08:55', until: '10:30' }] };
    expect(createSettingsStore(memory({ warmLabs: w })).get().warmLabs).toEqual(w);
    expect(createSettingsStore(memory({ warmLabs: { labs: ['Python!'], windows: [] } })).get().warmLabs).toEqual({ labs: [], windows: [] });
    expect(() => createSettingsStore(memory({})).update({ warmLabs: { labs: [], windows: [{ days: [], from: '08:00', until: '09:00' }] } })).toThrow();
  });
  it('caps running labs at 4 unless the machine says otherwise; a bad cap falls back', () => {
    expect(createSettingsStore(memory({ maxRunningLabs: 2 })).get().maxRunningLabs).toBe(2);
    expect(createSettingsStore(memory({ maxRunningLabs: 0 })).get().maxRunningLabs).toBe(4);
    expect(() => createSettingsStore(memory({})).update({ maxRunningLabs: 65 })).toThrow();
  });
  it('caps quick runs at 2 at once and 50 waiting unless the machine says otherwise; a bad cap falls back', () => {
    expect(createSettingsStore(memory({})).get().quickRuns).toEqual({ maxConcurrent: 2, maxQueued: 50 });
    expect(createSettingsStore(memory({ quickRuns: { maxConcurrent: 4, maxQueued: 10 } })).get().quickRuns).toEqual({ maxConcurrent: 4, maxQueued: 10 });
    expect(createSettingsStore(memory({ quickRuns: { maxConcurrent: 0, maxQueued: 10 } })).get().quickRuns).toEqual({ maxConcurrent: 2, maxQueued: 50 });
  });
  it('validates updates and persists them', () => {
    const backing = memory({});
    const s = createSettingsStore(backing);
    s.update({ bridgePort: 8123 });
    expect(backing.store.bridgePort).toBe(8123);
    expect(() => s.update({ bridgePort: 70000 })).toThrow();
    expect(s.get().bridgePort).toBe(8123);
  });
});
