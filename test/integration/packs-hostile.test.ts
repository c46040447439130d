// Hostile lab packs, each refused with a clear pack error and nothing on the machine changed: the very
// forgeries of the Sandbox check's line 13 (audit/attacks/tampered-pack.ts), run against ClassLab's real
// import on the real engine, one test per forgery.
import { beforeAll, describe, expect, it } from 'vitest';
import { tamperedPacks } from '../../electron/core/audit/attacks/tampered-pack';
import type { AttackResult } from '../../electron/core/audit/types';
import { docker, memoryLogger, testPolicy, trustedGateImage } from '../support/docker';

const FORGERIES = [
  'a byte changed in a layer',
  'a byte changed in the manifest',
  'signed by a key this computer does not trust',
  'no signature',
  'cut short (a truncated copy)',
  'an entry named ../../etc/cron.d/classlab',
  'an entry with an absolute path',
  'a symbolic link entry',
  'a device entry',
  'a layer that expands far past its declared size (compression bomb), validly signed',
  'a profile that mounts / and runs as root, validly signed',
  "a lab image named as ClassLab's gate, validly signed",
  'an image that also claims the name debian:bookworm-slim (the helpers\u2019 base), validly signed',
  'a manifest that names an image the pack does not carry, validly signed',
  'a pack from a newer ClassLab format, validly signed',
];

let results: AttackResult[] = [];

beforeAll(async () => {
  results = await tamperedPacks({ docker, policy: testPolicy(), gateImage: trustedGateImage, log: memoryLogger(), signal: new AbortController().signal });
}, 300_000);

describe('hostile lab packs', () => {
  it('tries every forgery', () => {
    expect(results.map((r) => r.attack.replace('13. Tampered lab pack: ', ''))).toEqual(FORGERIES);
  });

  it.each(FORGERIES)('%s: refused, nothing changed', (what) => {
    const r = results.find((x) => x.attack.endsWith(`: ${what}`));
    expect(r?.evidence).toMatch(/^Refused, nothing changed — /);
    expect(r?.blocked).toBe(true);
  });

  it('says what is wrong in plain words', () => {
    const said = (what: string) => results.find((x) => x.attack.endsWith(`: ${what}`))?.evidence ?? '';
    expect(said('a byte changed in a layer')).toMatch(/A layer of classlab-audit\/pack-[a-f0-9]+:1 in the pack does not match its digest/);
    expect(said('a byte changed in the manifest')).toMatch(/changed after it was signed/);
    expect(said('signed by a key this computer does not trust')).toMatch(/does not trust yet/);
    expect(said('no signature')).toMatch(/not signed/);
    expect(said('cut short (a truncated copy)')).toMatch(/truncated/);
    expect(said('a layer that expands far past its declared size (compression bomb), validly signed')).toMatch(/compression bomb/);
    expect(said('a pack from a newer ClassLab format, validly signed')).toMatch(/newer ClassLab/);
  });
});
