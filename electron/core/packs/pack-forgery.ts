// Forged lab packs, for the Sandbox check's line 13 and the hostile-pack tests: a real pack of a tiny
// image made on the spot (ClassLab's own save, manifest and signature code), then taken apart and put
// back together with one thing wrong — a byte changed, a part left out, a profile that breaks the rules,
// names that leave the archive, a layer that expands past its declared size — re-signed where the point
// is that a valid signature must not be enough.
import { imageId } from '../images/images';
import type Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { saveImages } from './image-save';
import { indexPack, PackWriter, readEntry } from './pack-file';
import { Manifest, MANIFEST_ENTRY, PACK_FORMAT, SIGNATURE_ENTRY } from './pack-format';
import type { PackSigner } from './pack-signing';
import type { ZstdPool } from './zstd';

/** A one-layer image of a few kilobytes, unique to `marker` (a new ID every time). */
export async function tinyImage(docker: Docker, tag: string, marker: string): Promise<string> {
  const layer = tar.pack();
  layer.entry({ name: 'etc/classlab-forged-pack', mode: 0o644 }, `${marker}\n`);
  layer.finalize();
  const [repo, version] = tag.split(':') as [string, string];
  const stream = (await docker.importImage(layer as never, { repo, tag: version } as never)) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  if (!(await imageId(docker, tag))) {
    // Podman 4.3's compatible import takes the repository but not the tag (the image comes out as
    // REPO:latest): the tag is set by hand, and the stray one removed (the repository is the check's own).
    const id = await imageId(docker, `${repo}:latest`);
    if (!id) throw new Error(`the engine imported the check's image under neither ${tag} nor ${repo}:latest`);
    await docker.getImage(id).tag({ repo, tag: version });
    await docker.getImage(`${repo}:latest`).remove({ noprune: true });
  }
  return (await docker.getImage(tag).inspect()).Id;
}

export interface ForgedParts {
  manifest: Manifest;
  /** Every entry but the manifest and the signature, by name. */
  parts: Map<string, Buffer>;
}

/** A valid, signed pack of one lab whose image is `image`. */
export async function writeValidPack(
  docker: Docker,
  file: string,
  opts: { image: string; tag: string; profile: Record<string, unknown>; signer: PackSigner; pool: ZstdPool; signal: AbortSignal },
): Promise<void> {
  const writer = await PackWriter.create(file);
  try {
    const saved = await saveImages(docker, [{ id: opts.image, tags: [opts.tag], role: 'lab' }], writer, opts.pool, {
      signal: opts.signal,
      onBytes: () => undefined,
    });
    const manifest: Manifest = {
      kind: 'classlab-pack',
      format: PACK_FORMAT,
      classlab: 'forged',
      created: new Date().toISOString(),
      labs: [{ profile: opts.profile, image: opts.image, course: null, exercises: [] }],
      images: saved.images,
      layers: saved.layers,
      parts: saved.parts,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    await writer.add(MANIFEST_ENTRY, [bytes]);
    await writer.add(SIGNATURE_ENTRY, [Buffer.from(JSON.stringify(opts.signer.sign(bytes)))]);
    await writer.finish();
  } catch (err) {
    await writer.close();
    throw err;
  }
}

export async function takeApart(file: string): Promise<ForgedParts & { manifestBytes: Buffer; signature: Buffer | null }> {
  const handle = await fs.open(file, 'r');
  try {
    const entries = await indexPack(handle);
    const parts = new Map<string, Buffer>();
    let manifestBytes: Buffer = Buffer.alloc(0);
    let signature: Buffer | null = null;
    for (const entry of entries.values()) {
      const data = await readEntry(handle, entry, 1 << 30);
      if (entry.name === MANIFEST_ENTRY) manifestBytes = data;
      else if (entry.name === SIGNATURE_ENTRY) signature = data;
      else parts.set(entry.name, data);
    }
    return { manifest: Manifest.parse(JSON.parse(manifestBytes.toString('utf8'))), parts, manifestBytes, signature };
  } finally {
    await handle.close();
  }
}

/**
 * Writes a pack from parts. `sign`: a signer (re-signed), 'keep' (the given signature bytes as they are)
 * or 'none'. `raw` entries go in as given (any name, type or link), for archives no writer of ours makes.
 */
export async function putTogether(
  file: string,
  opts: {
    manifestBytes: Buffer;
    parts: Map<string, Buffer>;
    sign: PackSigner | { keep: Buffer } | 'none';
    raw?: Array<{ header: Partial<tar.Header>; data?: Buffer }>;
  },
): Promise<void> {
  const pack = tar.pack();
  const out = (async () => {
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  })();
  const add = (header: Partial<tar.Header>, data?: Buffer) =>
    new Promise<void>((resolve, reject) =>
      pack.entry({ mode: 0o644, ...header } as tar.Header, data ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
    );
  for (const [name, data] of opts.parts) await add({ name, size: data.length }, data);
  for (const r of opts.raw ?? []) await add(r.header, r.data);
  await add({ name: MANIFEST_ENTRY, size: opts.manifestBytes.length }, opts.manifestBytes);
  if (opts.sign !== 'none') {
    const sig = 'keep' in opts.sign ? opts.sign.keep : Buffer.from(JSON.stringify(opts.sign.sign(opts.manifestBytes)));
    await add({ name: SIGNATURE_ENTRY, size: sig.length }, sig);
  }
  pack.finalize();
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, await out);
}

/** The manifest's bytes with `edit` applied (the parts' digests are the caller's to keep right or wrong). */
export function editedManifest(manifest: Manifest, edit: (m: Manifest) => unknown): Buffer {
  const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
  edit(copy);
  return Buffer.from(JSON.stringify(copy));
}
