// Images from a verified pack into the engine: one `docker load` of a stream made here, in the classic
// layout every engine reads (<config>.json, <diff id>/layer.tar, manifest.json). Layers are expanded from
// their zstd frames in worker threads, so the engine gets plain tar and spends no time decompressing
// (Debian's Docker 20.10 cannot read zstd layers at all).
//
// Layers the engine already has (a base shared with an image already here) are left out of the stream:
// the classic loader looks a layer up by its chain before it opens the file. Where an engine wants every
// file (containerd's image store), the load fails and is retried with all of them.
//
// A layer that expands past the size the signed manifest declares (a compression bomb) or short of it
// ends the stream at once: the engine's load then fails before it makes any image.
import type Docker from 'dockerode';
import type { FileHandle } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { LabError } from '../../api/errors';
import { imageId } from '../images/images';
import { entryChunks, packInvalid, type PackEntry } from './pack-file';
import type { Manifest, PackImageEntry } from './pack-format';
import { layerPart } from './pack-format';
import { mapOrdered, type ZstdPool } from './zstd';

export interface LoadJob {
  signal: AbortSignal;
  /** Bytes of layers expanded so far. */
  onBytes(bytes: number): void;
}

export interface PackSource {
  handle: FileHandle;
  entries: Map<string, PackEntry>;
  manifest: Manifest;
  /** Each image's config bytes, already checked against its ID. */
  configs: Map<string, Buffer>;
}

/** Diff IDs by the chains this engine holds: a layer is there when some image has the same layers below it. */
export async function layersPresent(docker: Docker): Promise<Set<string>> {
  const chains = new Set<string>();
  const list = await docker.listImages();
  await Promise.all(
    list.map(async (img) => {
      try {
        const layers = (await docker.getImage(img.Id).inspect()).RootFS?.Layers ?? [];
        for (let i = 1; i <= layers.length; i++) chains.add(layers.slice(0, i).join('/'));
      } catch {
        // removed meanwhile
      }
    }),
  );
  return chains;
}

/** The leading layers of `image` that the engine has (by chain), which the load may leave out. */
function presentPrefix(image: PackImageEntry, chains: Set<string>): number {
  let n = 0;
  while (n < image.layers.length && chains.has(image.layers.slice(0, n + 1).join('/'))) n++;
  return n;
}

/** Loads `images` (those not already here); every image's ID is checked afterwards. */
export async function loadImages(docker: Docker, source: PackSource, images: PackImageEntry[], pool: ZstdPool, job: LoadJob): Promise<void> {
  if (!images.length) return;
  const chains = await layersPresent(docker);
  try {
    await loadOnce(docker, source, images, pool, job, chains);
  } catch (err) {
    if (err instanceof LabError && (err.code === 'PACK_INVALID' || err.code === 'CANCELLED')) throw err;
    if (!chains.size) throw err;
    // An engine that wants every layer file: once more, with all of them.
    await loadOnce(docker, source, images, pool, job, new Set());
  }
  for (const image of images) {
    if ((await imageId(docker, image.id)) !== image.id)
      throw new LabError('INTERNAL', `Docker loaded the pack but does not have its image ${image.tags[0] ?? image.id} afterwards.`);
    await tagLoaded(docker, image);
  }
}

/**
 * Each of the pack's (checked) tags names the image's ID afterwards. Docker's load applies the archive's
 * RepoTags itself; Podman 4.3's compatible load can leave an image without them (measured: the audit's
 * pack image came out untagged), so every tag that does not resolve to the ID is set here by ID.
 */
async function tagLoaded(docker: Docker, image: PackImageEntry): Promise<void> {
  for (const ref of image.tags) {
    if ((await imageId(docker, ref)) === image.id) continue;
    const at = ref.lastIndexOf(':');
    const slash = ref.lastIndexOf('/');
    const [repo, tag] = at > slash ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, 'latest'];
    await docker.getImage(image.id).tag({ repo, tag });
  }
}

async function loadOnce(docker: Docker, source: PackSource, images: PackImageEntry[], pool: ZstdPool, job: LoadJob, chains: Set<string>): Promise<void> {
  const pack = tar.pack();
  const out = new PassThrough({ highWaterMark: 8 * 1024 * 1024 });
  // A failure is kept in `failure` and thrown from here; the streams' own error events are only its echo.
  pack.on('error', () => undefined);
  out.on('error', () => undefined);
  pack.pipe(out);
  let failure: Error | null = null;
  const feeding = feed(pack, source, images, pool, job, chains).catch((err: Error) => {
    failure = err;
    // The engine sees a broken stream and loads nothing of it.
    out.destroy(err);
    pack.destroy(err);
  });
  let reply: Readable;
  try {
    reply = (await docker.loadImage(out as never, { quiet: true, abortSignal: job.signal } as never)) as unknown as Readable;
  } catch (err) {
    await feeding;
    throw failure ?? new LabError('INTERNAL', `Docker refused the images: ${(err as Error).message}`);
  }
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    reply.on('data', (c: Buffer) => chunks.push(c));
    reply.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    reply.on('error', reject);
  }).catch((err: Error) => {
    throw failure ?? new LabError('INTERNAL', `Docker's load failed: ${err.message}`);
  });
  await feeding;
  if (failure) throw failure;
  if (job.signal.aborted) throw new LabError('CANCELLED', 'The import was cancelled.');
  const error = /"error(?:Detail)?"\s*:\s*(?:\{"message":)?"((?:[^"\\]|\\.)*)"/.exec(text);
  if (error) throw new LabError('INTERNAL', `Docker's load failed: ${JSON.parse(`"${error[1]}"`) as string}`);
}

async function feed(pack: tar.Pack, source: PackSource, images: PackImageEntry[], pool: ZstdPool, job: LoadJob, chains: Set<string>): Promise<void> {
  const { manifest } = source;
  const sent = new Set<string>();
  const loadManifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  let expanded = 0;
  for (const image of images) {
    const hex = image.id.slice('sha256:'.length);
    await entry(pack, `${hex}.json`, source.configs.get(image.id) as Buffer);
    const skip = presentPrefix(image, chains);
    for (const [i, d] of image.layers.entries()) {
      // Below `skip` the engine has the layer; a layer two images share is sent once.
      if (i < skip || sent.has(d)) continue;
      sent.add(d);
      const layer = manifest.layers[d];
      const part = source.entries.get(layerPart(d));
      if (!layer || !part) throw packInvalid(`The pack's manifest names the layer ${d} but the pack does not carry it.`);
      const stream = pack.entry({ name: `${d.slice('sha256:'.length)}/layer.tar`, size: layer.size, type: 'file', mode: 0o644 });
      stream.on('error', () => undefined); // the pack's own failure, destroyed with it (kept in `failure`)
      let got = 0;
      for await (const piece of mapOrdered(framesOf(source.handle, part, layer.frames, job.signal), (frame) => pool.decompress(frame), pool.size * 2)) {
        got += piece.length;
        if (got > layer.size)
          throw packInvalid(`A layer of the pack expands past the ${layer.size} bytes its manifest declares (a compression bomb?): nothing was loaded.`);
        expanded += piece.length;
        job.onBytes(expanded);
        if (!stream.write(piece)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      }
      if (got !== layer.size)
        throw packInvalid(`A layer of the pack expands to ${got} bytes, not the ${layer.size} its manifest declares: the pack is damaged.`);
      await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    loadManifest.push({ Config: `${hex}.json`, RepoTags: image.tags, Layers: image.layers.map((d) => `${d.slice('sha256:'.length)}/layer.tar`) });
  }
  await entry(pack, 'manifest.json', Buffer.from(JSON.stringify(loadManifest)));
  pack.finalize();
}

function entry(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644 }, data, (err) => (err ? reject(err) : resolve())));
}

/** A layer part cut into its frames, by the sizes the manifest lists (they must add up to the part). */
async function* framesOf(handle: FileHandle, part: PackEntry, frames: number[], signal: AbortSignal): AsyncGenerator<Buffer> {
  const total = frames.reduce((a, b) => a + b, 0);
  if (total !== part.size) throw packInvalid(`A layer of the pack (${part.name}) does not match its manifest's frame list: the pack is damaged.`);
  let pending: Buffer[] = [];
  let have = 0;
  let next = 0;
  for await (const chunk of entryChunks(handle, part, signal)) {
    pending.push(chunk);
    have += chunk.length;
    while (next < frames.length && have >= (frames[next] as number)) {
      const all = Buffer.concat(pending, have);
      const size = frames[next++] as number;
      yield all.subarray(0, size);
      const rest = all.subarray(size);
      pending = rest.length ? [rest] : [];
      have = rest.length;
    }
  }
}
