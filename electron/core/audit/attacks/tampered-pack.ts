// Attack 13, a tampered lab pack: packs travel on USB sticks and shared folders, so anyone on the way can
// change one. The check makes a real pack of a tiny image of its own (packs/pack-forgery.ts), removes that
// image from the engine, and hands ClassLab's real import (packs/packs.ts, with this machine's trust plus
// the check's throw-away signer) one forged pack after another. Blocked only when each is refused with a
// pack error and the engine and the data folder hold nothing new afterwards.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError } from '../../../api/errors';
import { createSettingsStore } from '../../settings';
import { MemorySecretStore } from '../../secrets/secret-store';
import { editedManifest, putTogether, takeApart, tinyImage, writeValidPack } from '../../packs/pack-forgery';
import { configPart, FRAME_BYTES, layerPart, PACK_FORMAT, type Manifest } from '../../packs/pack-format';
import { ExerciseStore } from '../../exercises/store';
import { PackKeys } from '../../packs/pack-signing';
import { Packs } from '../../packs/packs';
import { ZstdPool } from '../../packs/zstd';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

interface Forgery {
  what: string;
  /** Writes the forged pack to `file`. */
  make(file: string): Promise<void>;
}

export async function tamperedPacks(ctx: Pick<AuditContext, 'docker' | 'policy' | 'gateImage' | 'log' | 'signal'>): Promise<AttackResult[]> {
  const { docker } = ctx;
  const marker = randomBytes(6).toString('hex');
  const tag = `classlab-audit/pack-${marker}:1`;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'classlab-audit-pack-'));
  const pool = new ZstdPool(1);
  const trusted = await new PackKeys(async () => new MemorySecretStore()).signer();
  const stranger = await new PackKeys(async () => new MemorySecretStore()).signer();
  const trust = { ...ctx.policy.trust(), packSigners: [...ctx.policy.trust().packSigners, trusted.fingerprint] };
  const store: Record<string, unknown> = { trust };
  const packs = new Packs({
    docker: () => docker,
    dataDir: path.join(dir, 'data'),
    keys: new PackKeys(async () => new MemorySecretStore()),
    settings: createSettingsStore({ store, set: (k, v) => void (store[k] = v) }),
    policy: ctx.policy,
    profiles: () => [],
    helpers: { state: async () => 'ready', gateId: ctx.gateImage, adoptFromPack: async () => false },
    reloadCatalog: async () => ({ added: [], updated: [], removed: [], waiting: [], problems: [] }),
    exercises: new ExerciseStore(path.join(dir, 'data'), ctx.log),
    bundleCourse: null,
    progress: () => undefined,
    log: ctx.log,
  });
  const results: AttackResult[] = [];
  try {
    const image = await tinyImage(docker, tag, marker);
    const profile = { id: `auditpack-${marker.slice(0, 6)}`, title: 'Forged pack lab', image: tag };
    const valid = path.join(dir, 'valid.classlab');
    await writeValidPack(docker, valid, { image, tag, profile, signer: trusted, pool, signal: ctx.signal });
    await docker.getImage(image).remove({ force: true });
    const imagesBefore = new Set((await docker.listImages({ all: true })).map((i) => i.Id));
    const orig = await takeApart(valid);
    const layer = orig.manifest.images[0]?.layers[0] as string;
    const layerName = layerPart(layer);
    const resign =
      (edit: (m: Manifest) => unknown, parts = orig.parts) =>
      (file: string) =>
        putTogether(file, { manifestBytes: editedManifest(orig.manifest, edit), parts, sign: trusted });
    const flipped = (data: Buffer) => {
      const copy = Buffer.from(data);
      copy[Math.floor(copy.length / 2)] = (copy[Math.floor(copy.length / 2)] as number) ^ 0xff;
      return copy;
    };

    const forgeries: Forgery[] = [
      {
        what: 'a byte changed in a layer',
        make: (f) =>
          putTogether(f, {
            ...orig,
            parts: new Map([...orig.parts, [layerName, flipped(orig.parts.get(layerName) as Buffer)]]),
            sign: { keep: orig.signature as Buffer },
          }),
      },
      {
        what: 'a byte changed in the manifest',
        make: (f) =>
          putTogether(f, {
            ...orig,
            manifestBytes: Buffer.from(orig.manifestBytes.toString().replace('Forged pack lab', 'Forged pack lab!')),
            sign: { keep: orig.signature as Buffer },
          }),
      },
      { what: 'signed by a key this computer does not trust', make: (f) => putTogether(f, { ...orig, sign: stranger }) },
      { what: 'no signature', make: (f) => putTogether(f, { ...orig, sign: 'none' }) },
      {
        what: 'cut short (a truncated copy)',
        make: async (f) => fs.writeFile(f, (await fs.readFile(valid)).subarray(0, Math.floor((await fs.stat(valid)).size / 2))),
      },
      {
        what: 'an entry named ../../etc/cron.d/classlab',
        make: (f) => putTogether(f, { ...orig, sign: trusted, raw: [{ header: { name: '../../etc/cron.d/classlab', size: 4 }, data: Buffer.from('evil') }] }),
      },
      {
        what: 'an entry with an absolute path',
        make: (f) => putTogether(f, { ...orig, sign: trusted, raw: [{ header: { name: '/etc/classlab-evil', size: 4 }, data: Buffer.from('evil') }] }),
      },
      {
        what: 'a symbolic link entry',
        make: (f) => putTogether(f, { ...orig, sign: trusted, raw: [{ header: { name: 'courses/x.bundle', type: 'symlink', linkname: '/etc/shadow' } }] }),
      },
      {
        what: 'a device entry',
        make: (f) =>
          putTogether(f, { ...orig, sign: trusted, raw: [{ header: { name: 'courses/y.bundle', type: 'character-device', devmajor: 1, devminor: 3 } }] }),
      },
      {
        what: 'a layer that expands far past its declared size (compression bomb), validly signed',
        make: async (f) => {
          const frame = await pool.compress(new Uint8Array(FRAME_BYTES));
          const bomb = Buffer.concat(Array.from({ length: 16 }, () => Buffer.from(frame)));
          const { createHash } = await import('node:crypto');
          await resign(
            (m) => {
              m.layers[layer] = { size: m.layers[layer]?.size ?? 0, frames: Array.from({ length: 16 }, () => frame.length) };
              m.parts[layerName] = { size: bomb.length, sha256: createHash('sha256').update(bomb).digest('hex') };
            },
            new Map([...orig.parts, [layerName, bomb]]),
          )(f);
        },
      },
      {
        what: 'a profile that mounts / and runs as root, validly signed',
        make: resign((m) =>
          Object.assign(m.labs[0]?.profile ?? {}, { mounts: [{ kind: 'course', source: '/', target: '/mnt/host' }], server: { user: '0:0' } }),
        ),
      },
      {
        what: "a lab image named as ClassLab's gate, validly signed",
        make: resign((m) => {
          Object.assign(m.labs[0]?.profile ?? {}, { image: 'classlab/gate:3' });
          if (m.images[0]) m.images[0].tags = ['classlab/gate:3'];
        }),
      },
      {
        what: 'an image that also claims the name debian:bookworm-slim (the helpers\u2019 base), validly signed',
        make: resign((m) => m.images[0]?.tags.push('debian:bookworm-slim')),
      },
      {
        what: 'a manifest that names an image the pack does not carry, validly signed',
        make: resign((m) => delete m.parts[configPart(image)], new Map([...orig.parts].filter(([n]) => n !== configPart(image)))),
      },
      { what: 'a pack from a newer ClassLab format, validly signed', make: resign((m) => Object.assign(m, { format: PACK_FORMAT + 1 })) },
    ];

    for (const [i, forgery] of forgeries.entries()) {
      ctx.signal.throwIfAborted();
      const file = path.join(dir, `forged-${i}.classlab`);
      await forgery.make(file);
      const err = await packs.import(file, { trustSigner: false }).then(
        () => null,
        (e: unknown) => e,
      );
      const refused = err instanceof LabError && (err.code === 'PACK_INVALID' || err.code === 'PACK_UNTRUSTED');
      const imagesNow = (await docker.listImages({ all: true })).map((img) => img.Id).filter((id) => !imagesBefore.has(id));
      const installed = await fs.access(path.join(dir, 'data', 'labs', 'catalog.json')).then(
        () => true,
        () => false,
      );
      const changed = imagesNow.length > 0 || installed;
      results.push({
        attack: `13. Tampered lab pack: ${forgery.what}`,
        blocked: refused && !changed,
        evidence: refused
          ? `${changed ? 'Refused, but something changed: ' + (installed ? 'a lab was installed' : `new images ${imagesNow.join(', ')}`) : 'Refused, nothing changed'} — ${(err as Error).message}`
          : err
            ? `Failed without a pack error: ${(err as Error).message}`
            : 'The forged pack was imported.',
      });
      // Whatever an import let in goes, so the next forgery starts from the same engine.
      for (const id of imagesNow)
        await docker
          .getImage(id)
          .remove({ force: true })
          .catch(() => undefined);
      await fs.rm(path.join(dir, 'data'), { recursive: true, force: true });
    }
    return results;
  } finally {
    await packs.close();
    await pool.close();
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export const tamperedPackAttacks: AuditAttack[] = [{ id: 'tampered-pack', number: 13, run: tamperedPacks }];
