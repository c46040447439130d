// The pack's container: a plain POSIX ustar archive, written and read here without a tar library, because
// a pack is hostile input and only a very small tar is allowed: regular files under the names of
// pack-format.ts, each once, no links, devices, long names, pax headers or `..`. Reading indexes the
// headers by positional reads (skipping the data), so inspecting a 1 GB pack reads a few kilobytes.
//
// Writing streams each part straight into the file: its header is written with size 0 first and patched
// with the real size once the part is written, so nothing is held in memory or copied twice.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LabError } from '../../api/errors';
import { MANIFEST_ENTRY, PART_NAME, SIGNATURE_ENTRY, type PackPart } from './pack-format';

const BLOCK = 512;
/** 11 octal digits: the largest size a ustar header holds without extensions. */
const MAX_ENTRY_BYTES = 0o77777777777;
const MAX_ENTRIES = 4096;

export function packInvalid(message: string): LabError {
  return new LabError('PACK_INVALID', message);
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 99) throw new Error(`pack entry name too long: ${name}`);
  if (size > MAX_ENTRY_BYTES) throw packInvalid(`A part of the pack (${name}) is larger than 8 GiB, which a pack cannot hold.`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** Writes a pack file part by part. The caller writes to a temporary name and renames it when done. */
export class PackWriter {
  private pos = 0;
  private constructor(private readonly handle: FileHandle) {}

  static async create(file: string): Promise<PackWriter> {
    return new PackWriter(await fs.open(file, 'wx', 0o644));
  }

  /**
   * Writes one entry from chunks; returns its size and SHA-256. The name may be known only at the end (a
   * layer is named by the digest of what it turns out to hold): then pass a function, called once written.
   */
  async add(name: string | ((written: PackPart) => string), chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<PackPart> {
    const start = this.pos;
    await this.write(Buffer.alloc(BLOCK));
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      await this.write(chunk);
    }
    const part = { size, sha256: hash.digest('hex') };
    await this.handle.write(header(typeof name === 'string' ? name : name(part), size), 0, BLOCK, start);
    await this.write(Buffer.alloc(padding(size)));
    return part;
  }

  /** Two zero blocks end the archive; the data is flushed to disk before the caller renames the file. Returns the file's size. */
  async finish(): Promise<number> {
    await this.write(Buffer.alloc(BLOCK * 2));
    await this.handle.sync();
    await this.handle.close();
    return this.pos;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.handle.write(data, off, data.length - off, this.pos);
      off += bytesWritten;
      this.pos += bytesWritten;
    }
  }
}

export interface PackEntry {
  name: string;
  /** Where the entry's data starts in the file. */
  offset: number;
  size: number;
}

function field(h: Buffer, start: number, length: number): string {
  const raw = h.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? length : nul).toString('latin1');
}

function parseOctal(h: Buffer, start: number, length: number, what: string): number {
  const text = field(h, start, length).trim();
  if (!/^[0-7]{1,11}$/.test(text)) throw packInvalid(`The pack is damaged: an entry's ${what} is not a number (${JSON.stringify(text.slice(0, 20))}).`);
  return parseInt(text, 8);
}

/**
 * The entries of a pack, checked: every header's checksum, ustar magic, a regular file, an allowed name,
 * each name once, and its data inside the file (a truncated pack says so).
 */
export async function indexPack(handle: FileHandle): Promise<Map<string, PackEntry>> {
  const { size: fileSize } = await handle.stat();
  const entries = new Map<string, PackEntry>();
  const h = Buffer.alloc(BLOCK);
  let pos = 0;
  for (;;) {
    if (pos + BLOCK > fileSize) throw packInvalid('The pack is truncated: it ends in the middle of its contents. Copy the file again.');
    const { bytesRead } = await handle.read(h, 0, BLOCK, pos);
    if (bytesRead < BLOCK) throw packInvalid('The pack is truncated: it ends in the middle of its contents. Copy the file again.');
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
    if (parseOctal(h, 148, 8, 'checksum') !== sum) throw packInvalid('The pack is damaged (a header checksum does not match) or is not a ClassLab lab pack.');
    if (field(h, 257, 6) !== 'ustar' || field(h, 263, 2) !== '00') throw packInvalid('This file is not a ClassLab lab pack (not a ustar archive).');
    const name = field(h, 0, 100);
    const type = String.fromCharCode(h[156] as number);
    if (type !== '0') throw packInvalid(`The pack holds ${JSON.stringify(name)}, which is not a plain file (links, folders and devices are refused).`);
    if (field(h, 345, 155) !== '' || field(h, 157, 100) !== '') throw packInvalid(`The pack's entry ${JSON.stringify(name)} has a path prefix or link target.`);
    if (name !== MANIFEST_ENTRY && name !== SIGNATURE_ENTRY && !PART_NAME.test(name))
      throw packInvalid(
        `The pack holds ${JSON.stringify(name.slice(0, 120))}, a name no lab pack has (paths with .., absolute paths and other files are refused).`,
      );
    if (entries.has(name)) throw packInvalid(`The pack holds ${name} twice.`);
    if (entries.size >= MAX_ENTRIES) throw packInvalid('The pack holds too many entries.');
    const size = parseOctal(h, 124, 12, 'size');
    const offset = pos + BLOCK;
    if (offset + size > fileSize) throw packInvalid('The pack is truncated: it ends in the middle of its contents. Copy the file again.');
    entries.set(name, { name, offset, size });
    pos = offset + size + padding(size);
  }
  return entries;
}

/** Reads a small entry whole, refusing one larger than `max`. */
export async function readEntry(handle: FileHandle, entry: PackEntry, max: number): Promise<Buffer> {
  if (entry.size > max) throw packInvalid(`The pack's ${entry.name} is ${entry.size} bytes, more than any lab pack's (${max}).`);
  const buf = Buffer.alloc(entry.size);
  let off = 0;
  while (off < entry.size) {
    const { bytesRead } = await handle.read(buf, off, entry.size - off, entry.offset + off);
    if (bytesRead === 0) throw packInvalid('The pack is truncated: it ends in the middle of its contents. Copy the file again.');
    off += bytesRead;
  }
  return buf;
}

/** An entry's bytes in chunks of up to 1 MiB, read by position from the one open handle. */
export async function* entryChunks(handle: FileHandle, entry: PackEntry, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const CHUNK = 1024 * 1024;
  let off = 0;
  while (off < entry.size) {
    signal?.throwIfAborted();
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, entry.size - off));
    const { bytesRead } = await handle.read(buf, 0, buf.length, entry.offset + off);
    if (bytesRead === 0) throw packInvalid('The pack is truncated: it ends in the middle of its contents. Copy the file again.');
    off += bytesRead;
    yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }
}
