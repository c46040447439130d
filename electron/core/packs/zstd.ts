// zstd for lab packs, in worker threads so a 1 GB export never blocks the process that serves the UI
// (in Electron that is the main process). zstd level 1 was chosen by measuring (docs/design-notes.md,
// "Lab packs"): on this machine it compresses an image 3–4× faster than gzip -1 and to a smaller file.
// The codec is zstd's own C code built to WebAssembly (@bokuweb/zstd-wasm): nothing native to build for
// Electron, the same bytes everywhere.
//
// Each frame is compressed from at most FRAME_BYTES on its own, so frames can be handled in parallel and
// a hostile frame can be refused before it is expanded: a frame must declare its content size in its
// header, and that size must be within FRAME_BYTES (frameContentSize below).
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FRAME_BYTES } from './pack-format';
import { packInvalid } from './pack-file';

const LEVEL = 1;

// CommonJS, evaluated: no separate file to bundle or to find at run time (vitest runs the TypeScript, the
// app its bundle). The codec's path is resolved here and handed over.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zstd = require(workerData.codec);
const ready = zstd.init();
parentPort.on('message', async ({ id, op, buf, level }) => {
  try {
    await ready;
    const input = new Uint8Array(buf);
    const out = op === 'compress' ? zstd.compress(input, level) : zstd.decompress(input);
    parentPort.postMessage({ id, out }, [out.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

interface Pending {
  resolve(out: Uint8Array): void;
  reject(err: Error): void;
}

/**
 * The bytes to hand to a worker: `data`'s own memory when the caller gives it away (`transfer`, and it
 * spans its whole ArrayBuffer), else a copy. A view the caller still reads from must never be transferred:
 * that detaches the memory under it.
 */
function bufferFor(data: Uint8Array, transfer: boolean): ArrayBuffer {
  if (transfer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) return data.buffer;
  // Uint8Array's slice copies (Buffer's does not: it is a view of the same, possibly pooled, memory).
  return Uint8Array.prototype.slice.call(data).buffer as ArrayBuffer;
}

export class ZstdPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private turn = 0;
  private closed = false;

  constructor(readonly size = Math.max(1, Math.min(4, cpus().length))) {}

  /** Compresses `data` into one frame; its memory is given to the worker (the caller must not use it after). */
  compress(data: Uint8Array): Promise<Uint8Array> {
    return this.run('compress', data, true);
  }

  /** Expands one frame, refused unless its header declares a content size within FRAME_BYTES. */
  decompress(frame: Uint8Array): Promise<Uint8Array> {
    const declared = frameContentSize(frame);
    return this.run('decompress', frame, false).then((out) => {
      if (out.length !== declared) throw packInvalid('A layer of the pack expands to another size than its frame declares: the pack is damaged.');
      return out;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const failed = new Error('closed');
    for (const p of this.pending.values()) p.reject(failed);
    this.pending.clear();
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private run(op: 'compress' | 'decompress', data: Uint8Array, transfer: boolean): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('the zstd pool is closed'));
    const id = this.next++;
    const worker = this.worker();
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const buf = bufferFor(data, transfer);
      worker.postMessage({ id, op, buf, level: LEVEL }, [buf]);
    });
  }

  private worker(): Worker {
    if (this.workers.length < this.size) {
      const codec = createRequire(import.meta.url).resolve('@bokuweb/zstd-wasm');
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { codec } });
      w.unref();
      w.on('message', (msg: { id: number; out?: Uint8Array; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.out) p.resolve(msg.out);
        else p.reject(packInvalid(`A layer of the pack cannot be expanded (${msg.error ?? 'zstd error'}): the pack is damaged.`));
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(w);
      return w;
    }
    return this.workers[this.turn++ % this.workers.length] as Worker;
  }
}

/**
 * The content size a zstd frame's header declares (RFC 8878, 3.1.1). Refused: anything that is not a
 * zstd frame, a frame that does not declare its size, and a size beyond FRAME_BYTES, so nothing is
 * expanded before its size is known to be bounded.
 */
export function frameContentSize(frame: Uint8Array): number {
  const bad = (why: string) => packInvalid(`A layer of the pack is damaged: ${why}.`);
  if (frame.length < 6 || frame[0] !== 0x28 || frame[1] !== 0xb5 || frame[2] !== 0x2f || frame[3] !== 0xfd) throw bad('a frame is not zstd');
  const descriptor = frame[4] as number;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const didFlag = descriptor & 3;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] as number;
  if (fcsBytes === 0) throw bad('a frame does not declare its size');
  let at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][didFlag]!;
  if (at + fcsBytes > frame.length) throw bad('a frame header is cut short');
  let size = 0;
  for (let i = 0; i < fcsBytes; i++) size += (frame[at++] as number) * 2 ** (8 * i);
  if (fcsBytes === 2) size += 256;
  if (size > FRAME_BYTES) throw bad(`a frame declares ${size} bytes, more than a pack's frames hold`);
  return size;
}

/** Cuts a stream into pieces of exactly `size` bytes (the last one shorter). */
export async function* fixedPieces(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, size = FRAME_BYTES): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of source) {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (have + data.length >= size) {
      const take = size - have;
      parts.push(data.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      have = 0;
      data = data.subarray(take);
    }
    if (data.length) {
      // Copied: the source may reuse its buffer for the next chunk.
      parts.push(Buffer.from(data));
      have += data.length;
    }
  }
  if (have) yield Buffer.concat(parts, have);
}

/** Maps a stream through an async function with up to `concurrency` calls in flight, in order. */
export async function* mapOrdered<T, U>(source: AsyncIterable<T> | Iterable<T>, fn: (item: T) => Promise<U>, concurrency: number): AsyncGenerator<U> {
  const queue: Array<Promise<U>> = [];
  try {
    for await (const item of source) {
      const p = fn(item);
      p.catch(() => undefined); // awaited below, in order
      queue.push(p);
      if (queue.length >= concurrency) yield await (queue.shift() as Promise<U>);
    }
    while (queue.length) yield await (queue.shift() as Promise<U>);
  } finally {
    queue.length = 0;
  }
}
