// settings:update's checks (pure but for real folders made here): the shape and ranges of a patch, and
// each trust change refused exactly as `classlab trust …` refuses it (the same code); a refused patch
// changes nothing, and only a changed theme or lock timeout is announced.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NEW_LAB_RESOURCES, NewLabResources, type Appearance } from '../../electron/api/contract';
import { Profile } from '../../electron/core/profiles/schema';
import { settingsHandlers } from '../../electron/core/areas/settings';
import { createSettingsStore, type KeyValueBacking } from '../../electron/core/settings';

const root = mkdtempSync(path.join(os.tmpdir(), 'classlab-settings-patch-'));
const course = path.join(root, 'courses', 'physics');
mkdirSync(course, { recursive: true });
const home = path.join(root, 'home', 'teacher');
mkdirSync(path.join(home, '.ssh'), { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;

function setup() {
  const store: Record<string, unknown> = {};
  const backing: KeyValueBacking = { store, set: (k, v) => void (store[k] = v) };
  const settings = createSettingsStore(backing);
  const appearance: Appearance[] = [];
  let lockChanges = 0;
  let engineChanges = 0;
  const h = settingsHandlers({
    settings,
    hostFolders: { home, dataDir: path.join(root, 'data') },
    changed: (a) => appearance.push(a),
    lockMinutesChanged: () => lockChanges++,
    engineChanged: () => engineChanges++,
  });
  return { h, settings, store, appearance, lockChanges: () => lockChanges, engineChanges: () => engineChanges };
}

describe('settings:update', () => {
  it('sets the engine to a remote one over ssh and back to a local one, and tells the engine each time', async () => {
    const { h, settings, engineChanges } = setup();
    expect((await h['settings:update']({ engineHost: 'ssh://teacher@[2001:db8::5]:2222' })).engineHost).toBe('ssh://teacher@[2001:db8::5]:2222');
    expect(engineChanges()).toBe(1);
    await h['settings:update']({ engineHost: 'ssh://teacher@[2001:db8::5]:2222' });
    expect(engineChanges()).toBe(1);
    expect((await h['settings:update']({ engineHost: null })).engineHost).toBeNull();
    expect(settings.get().engineHost).toBeNull();
    expect(engineChanges()).toBe(2);
  });

  it.each(['ssh://-oProxyCommand=touch /tmp/x@host', 'ssh://ana:pw@host', 'http://host', 'lab-server', 'ssh://ana@host:70000'])(
    'refuses the engine address %j and saves nothing',
    async (engineHost) => {
      const { h, settings, engineChanges } = setup();
      await expect(h['settings:update']({ engineHost, theme: 'dark' })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^engineHost: /) as unknown,
      });
      expect(settings.get()).toMatchObject({ engineHost: null, theme: 'system' });
      expect(engineChanges()).toBe(0);
    },
  );

  it("saves what new labs start with, one field at a time, within the profile schema's ranges", async () => {
    const { h, settings } = setup();
    expect((await h['settings:get']()).newLabResources).toEqual(NEW_LAB_RESOURCES);
    const next = await h['settings:update']({ newLabResources: { memoryMiB: 4096 } });
    expect(next.newLabResources).toEqual({ ...NEW_LAB_RESOURCES, memoryMiB: 4096 });
    await expect(h['settings:update']({ newLabResources: { pids: 5 } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h['settings:update']({ newLabResources: { gpus: 1 } } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(settings.get().newLabResources.memoryMiB).toBe(4096);
    // Every value the setting allows is one a profile allows.
    for (const edge of ['minValue', 'maxValue'] as const) {
      const resources = Object.fromEntries(Object.entries(NewLabResources.shape).map(([k, field]) => [k, field[edge]]));
      expect(Profile.safeParse({ id: 'edge', title: 'Edge', image: 'debian:trixie-slim', resources }).success, edge).toBe(true);
    }
  });

  it('saves the lock timeout, theme, backups, quick runs and the running-labs cap within their ranges, and announces the theme and lock changes', async () => {
    const { h, appearance, lockChanges } = setup();
    const next = await h['settings:update']({ adminLockMinutes: 3, theme: 'dark', backupsKeep: 4, quickRuns: { maxQueued: 20 }, maxRunningLabs: 2 });
    expect(next).toMatchObject({ adminLockMinutes: 3, theme: 'dark', backupsKeep: 4, quickRuns: { maxConcurrent: 2, maxQueued: 20 }, maxRunningLabs: 2 });
    expect(await h['settings:get']()).toEqual(next);
    expect(await h['settings:appearance']()).toEqual({ theme: 'dark' });
    expect(appearance).toEqual([{ theme: 'dark' }]);
    expect(lockChanges()).toBe(1);
    await h['settings:update']({ backupsKeep: 5 });
    expect(appearance).toHaveLength(1);
    expect(lockChanges()).toBe(1);
  });

  it.each([
    [{ adminLockMinutes: 0 }, /adminLockMinutes: at least 1 minute/],
    [{ adminLockMinutes: 241 }, /at most 240 minutes/],
    [{ adminLockMinutes: 2.5 }, /adminLockMinutes/],
    [{ theme: 'pink' }, /theme/],
    [{ quickRuns: { maxConcurrent: 17 } }, /at most 16 runs at once/],
    [{ maxRunningLabs: 0 }, /maxRunningLabs: at least 1 lab/],
    [{ bridgePort: 80 }, /Unrecognized key|bridgePort/],
    [{ trust: [{ area: 'mount', verb: 'add' }] }, /trust/],
  ])('refuses %j with BAD_REQUEST and saves nothing', async (patch, message) => {
    const { h, store } = setup();
    await expect(h['settings:update'](patch as never)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) as unknown });
    expect(store).toEqual({});
  });

  it('adds and removes course folders, local addresses and signers by the rules of `classlab trust`', async () => {
    const { h } = setup();
    const added = await h['settings:update']({
      trust: [
        { area: 'mount', verb: 'add', value: course },
        { area: 'local', verb: 'add', value: 'http://192.168.1.5:3000/course/' },
        { area: 'local', verb: 'add', value: '/srv/git' },
        { area: 'signer', verb: 'add', value: FINGERPRINT },
        { area: 'unsigned', allow: true },
      ],
    });
    expect(added.trust).toEqual({
      mountFolders: [course],
      localAddresses: ['http://192.168.1.5:3000/course/', 'file:///srv/git'],
      skipGvisorLabs: [],
      packSigners: [FINGERPRINT],
      unsignedPacks: true,
    });
    const removed = await h['settings:update']({
      trust: [
        { area: 'mount', verb: 'remove', value: course },
        { area: 'local', verb: 'remove', value: 'file:///srv/git/' },
        { area: 'signer', verb: 'remove', value: FINGERPRINT },
      ],
    });
    expect(removed.trust).toMatchObject({ mountFolders: [], localAddresses: ['http://192.168.1.5:3000/course/'], packSigners: [] });
  });

  it.each([
    [{ area: 'mount', verb: 'add', value: 'courses/physics' }, /not an absolute path/],
    [{ area: 'mount', verb: 'add', value: path.join(root, 'missing') }, /does not exist/],
    [{ area: 'mount', verb: 'add', value: home }, /a home folder/],
    [{ area: 'mount', verb: 'add', value: path.join(home, '.ssh') }, /hidden folder/],
    [{ area: 'mount', verb: 'add', value: '/etc' }, /belongs to the system/],
    [{ area: 'local', verb: 'add', value: 'ext::sh -c id' }, /not a file:\/\/ or http/],
    [{ area: 'signer', verb: 'add', value: 'SHA256:short' }, /not a signer fingerprint/],
    [{ area: 'gvisor', verb: 'add', value: '../python' }, /not a lab id/],
  ])('refuses the trust change %j and keeps every other change of the patch unsaved', async (change, message) => {
    const { h, settings } = setup();
    await expect(h['settings:update']({ theme: 'light', trust: [{ area: 'unsigned', allow: true }, change as never] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(message) as unknown,
    });
    expect(settings.get().theme).toBe('system');
    expect(settings.get().trust.unsignedPacks).toBe(false);
  });
});
