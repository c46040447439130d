// Images out of the engine into a pack: one `docker save` of every image (by ID, so a moved tag cannot
// change what is packed; one call, so layers the images share are read once), read as it streams. Each
// layer is stored once, named by its diff ID (the SHA-256 of the uncompressed layer, computed here) and
// compressed into zstd frames in worker threads; each image's config is kept whole. Works with both
// layouts `docker save` writes: the classic one (<id>/layer.tar, <config>.json, 20.10 to 24) and the OCI
// one (blobs/sha256/<digest>, 25 and later): every file is hashed, and the configs say which are layers.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { LabError } from '../../api/errors';
import { packInvalid, type PackWriter } from './pack-file';
import { configPart, layerPart, MAX_CONFIG_BYTES, type PackImageEntry, type PackLayer, type PackPart } from './pack-format';
import { fixedPieces, mapOrdered, type ZstdPool } from './zstd';

export interface ImageToSave {
  id: string;
  tags: string[];
  role: PackImageEntry['role'];
}

export interface SavedImages {
  images: PackImageEntry[];
  layers: Record<string, PackLayer>;
  parts: Record<string, PackPart>;
}

export interface SaveJob {
  signal: AbortSignal;
  /** Uncompressed bytes read from the engine so far. */
  onBytes(bytes: number): void;
}

/** What the config of an image says its layers are. */
export function diffIdsOf(config: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.toString('utf8'));
  } catch {
    throw packInvalid('An image config in the pack is not JSON.');
  }
  const ids = (parsed as { rootfs?: { diff_ids?: unknown } })?.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((d): d is string => typeof d === 'string' && /^sha256:[a-f0-9]{64}$/.test(d)))
    throw packInvalid('An image config in the pack does not list its layers.');
  return ids;
}

export async function saveImages(docker: Docker, wanted: ImageToSave[], writer: PackWriter, pool: ZstdPool, job: SaveJob): Promise<SavedImages> {
  // GET /images/get?names=…: one archive of several images (dockerode's getImages, which its types lack).
  const stream = (await (docker as unknown as { getImages(opts: object): Promise<unknown> }).getImages({
    names: wanted.map((w) => w.id),
    abortSignal: job.signal,
  })) as Readable;
  const extract = tar.extract();
  stream.on('error', (err) => extract.destroy(err));
  stream.pipe(extract);
  const small = new Map<string, Buffer>(); // sha256 hex → bytes: configs, manifests, and layers under 2 MiB
  const layers: Record<string, PackLayer> = {};
  const parts: Record<string, PackPart> = {};
  let read = 0;
  try {
    for await (const entry of extract) {
      job.signal.throwIfAborted();
      // Classic layouts link a layer that two images share from the second one's folder: it is already here.
      if (entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      const size = entry.header.size ?? 0;
      if (size <= MAX_CONFIG_BYTES) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        const data = Buffer.concat(chunks);
        small.set(createHash('sha256').update(data).digest('hex'), data);
        read += data.length;
        job.onBytes(read);
        continue;
      }
      // A large file can only be a layer: hashed and compressed as it streams.
      const hash = createHash('sha256');
      const frames: number[] = [];
      let raw = 0;
      let diffId = '';
      const counted = async function* () {
        for await (const chunk of entry) {
          hash.update(chunk as Buffer);
          raw += (chunk as Buffer).length;
          read += (chunk as Buffer).length;
          job.onBytes(read);
          yield chunk as Buffer;
        }
      };
      const compressed = async function* () {
        for await (const frame of mapOrdered(fixedPieces(counted()), (piece) => pool.compress(piece), pool.size * 2)) {
          frames.push(frame.length);
          yield frame;
        }
        diffId = `sha256:${hash.digest('hex')}`;
      };
      const part = await writer.add(() => layerPart(diffId), compressed());
      if (!layers[diffId]) {
        layers[diffId] = { size: raw, frames };
        parts[layerPart(diffId)] = part;
      }
    }
  } catch (err) {
    stream.destroy();
    if (job.signal.aborted) throw new LabError('CANCELLED', 'The export was cancelled.');
    if (err instanceof LabError) throw err;
    throw new LabError('INTERNAL', `Docker could not save the images: ${(err as Error).message}`);
  }

  const images: PackImageEntry[] = [];
  for (const w of wanted) {
    const config = small.get(w.id.slice('sha256:'.length));
    if (!config) throw new LabError('INTERNAL', `Docker's save of ${w.tags[0] ?? w.id} held no config for it.`);
    const diffIds = diffIdsOf(config);
    for (const d of diffIds) {
      if (layers[d]) continue;
      const data = small.get(d.slice('sha256:'.length));
      if (!data) throw new LabError('INTERNAL', `Docker's save of ${w.tags[0] ?? w.id} lacks its layer ${d}.`);
      const frames: number[] = [];
      const framed = async function* () {
        for await (const frame of mapOrdered(fixedPieces([data]), (piece) => pool.compress(piece), pool.size)) {
          frames.push(frame.length);
          yield frame;
        }
      };
      parts[layerPart(d)] = await writer.add(layerPart(d), framed());
      layers[d] = { size: data.length, frames };
    }
    if (!parts[configPart(w.id)]) parts[configPart(w.id)] = await writer.add(configPart(w.id), [config]);
    images.push({ id: w.id, tags: w.tags, role: w.role, layers: diffIds });
  }
  // Only the layers the images use are listed (a classic save's tiny per-folder files are not layers).
  const used = new Set(images.flatMap((i) => i.layers));
  for (const d of Object.keys(layers)) {
    if (!used.has(d)) throw new LabError('INTERNAL', `Docker's save held a large file (${d}) that no image uses as a layer.`);
  }
  return { images, layers, parts };
}
