// Tars read block by block, without unpacking anything and without copying file data (it passes as
// slices of the incoming chunks): the gate every upload passes, and the body of a downloaded file.
//
// UploadTarGate: the gate every upload passes on its way to the engine (Docker's archive API unpacks it, and gives every
// file the owner and mode its header names). Block by block, without unpacking anything:
// - each entry is shown to `check` (name, type, size, link target) before its bytes go on: it refuses
//   by throwing (the hardened reader's rules, the upload's plan), which ends the stream with the error;
// - each header is rewritten, so whatever a client sends, what lands belongs to the lab user with plain
//   permissions (0644, 0755 where executable or a folder): no root-owned files, no setuid bits;
// - owner records in pax headers (uid, gid, uname, gname), which would override that, are refused.
// File data passes through untouched (slices of the incoming chunks): the gate costs almost nothing.
import { Transform, type TransformCallback } from 'node:stream';
import { HostileArchiveError } from '../workspace/tar';

const BLOCK = 512;
const MAX_PAX_BYTES = 64 * 1024;
const OWNER_KEYS = new Set(['uid', 'gid', 'uname', 'gname']);
const TYPES: Record<string, string> = { '0': 'file', '\0': 'file', '7': 'contiguous-file', '1': 'link', '2': 'symlink', '3': 'character-device', '4': 'block-device', '5': 'directory', '6': 'fifo' };

/** What `check` sees of each entry: the fields the hardened reader's TarGuard takes. */
export interface GateEntry {
  name: string;
  type: string;
  size: number;
  mode: number;
  linkname: string | null;
}

export class UploadTarGate extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Data bytes (with padding) of the current entry still to pass through. */
  private passing = 0;
  /** A pax header's data being collected: its length and what has come so far. */
  private pax: { size: number; padded: number; chunks: Buffer[]; got: number } | null = null;
  /** A size from a pax record, for the next entry. */
  private nextSize: number | null = null;
  /** A name and link target from a pax record or a GNU long-name entry, for the next entry. */
  private nextName: string | null = null;
  private nextLink: string | null = null;
  /** A GNU long name/link being collected. */
  private longName: { kind: 'L' | 'K'; size: number; padded: number; chunks: Buffer[]; got: number } | null = null;
  /** Files and their bytes that passed. */
  readonly summary = { files: 0, bytes: 0 };

  constructor(
    private readonly uid: number,
    private readonly gid: number,
    private readonly check: (entry: GateEntry) => void = () => undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      let rest = chunk;
      while (rest.length > 0) {
        if (this.passing > 0) {
          const n = Math.min(this.passing, rest.length);
          this.push(rest.subarray(0, n));
          this.passing -= n;
          rest = rest.subarray(n);
          continue;
        }
        const collecting = this.pax ?? this.longName;
        if (collecting) {
          const n = Math.min(collecting.padded - collecting.got, rest.length);
          collecting.chunks.push(rest.subarray(0, n));
          collecting.got += n;
          rest = rest.subarray(n);
          if (collecting.got === collecting.padded) {
            if (this.pax) this.endPax();
            else this.endLongName();
          }
          continue;
        }
        const need = BLOCK - this.pending.length;
        const take = rest.subarray(0, need);
        rest = rest.subarray(take.length);
        this.pending = this.pending.length ? Buffer.concat([this.pending, take]) : Buffer.from(take);
        if (this.pending.length === BLOCK) {
          const header = this.pending;
          this.pending = Buffer.alloc(0);
          this.onHeader(header);
        }
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length || this.passing || this.pax || this.longName) done(new HostileArchiveError('(end)', 'the upload ended in the middle of a file'));
    else done();
  }

  private onHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.push(h);
      return;
    }
    if (checksum(h) !== parseNumber(h.subarray(148, 156))) throw new HostileArchiveError(readName(h), 'a damaged header (checksum)');
    const type = String.fromCharCode(h[156] || 48);
    const size = parseNumber(h.subarray(124, 136));
    if (type === 'x' || type === 'g') {
      if (size > MAX_PAX_BYTES) throw new HostileArchiveError(readName(h), 'an extended header that is too long');
      this.push(h);
      this.pax = { size, padded: roundUp(size), chunks: [], got: 0 };
      if (size === 0) this.endPax();
      return;
    }
    if (type === 'L' || type === 'K') {
      // GNU long name or link name: its data is the name of the next entry.
      if (size > MAX_PAX_BYTES) throw new HostileArchiveError(readName(h), 'a long name that is too long');
      this.push(h);
      this.longName = { kind: type, size, padded: roundUp(size), chunks: [], got: 0 };
      if (size === 0) this.endLongName();
      return;
    }
    const entrySize = this.nextSize ?? size;
    const name = this.nextName ?? ustarName(h);
    const linkname = this.nextLink ?? (cString(h.subarray(157, 257)) || null);
    this.nextSize = null;
    this.nextName = null;
    this.nextLink = null;
    const kind = TYPES[String.fromCharCode(h[156]!)] ?? `type ${type}`;
    this.check({ name, type: kind, size: entrySize, mode: parseNumber(h.subarray(100, 108)), linkname });
    if (kind === 'file' || kind === 'contiguous-file') {
      this.summary.files += 1;
      this.summary.bytes += entrySize;
    }
    const stamped = Buffer.from(h);
    const folder = type === '5';
    const mode = parseNumber(h.subarray(100, 108));
    writeOctal(stamped, 100, 8, folder || mode & 0o111 ? 0o755 : 0o644);
    writeOctal(stamped, 108, 8, this.uid);
    writeOctal(stamped, 116, 8, this.gid);
    stamped.fill(0, 265, 329); // uname, gname
    writeOctal(stamped, 148, 7, checksum(stamped));
    stamped[154] = 0;
    stamped[155] = 0x20;
    this.push(stamped);
    // Only regular files carry data (links and folders do not, whatever their size field says).
    this.passing = type === '0' || type === '7' || h[156] === 0 ? roundUp(entrySize) : 0;
  }

  private endPax(): void {
    const pax = this.pax!;
    this.pax = null;
    const data = Buffer.concat(pax.chunks);
    for (const [key, value] of paxRecords(data.subarray(0, pax.size))) {
      if (OWNER_KEYS.has(key)) throw new HostileArchiveError(key, 'an owner in an extended header; uploads take the lab user as owner');
      if (key === 'size') this.nextSize = Number(value);
      if (key === 'path') this.nextName = value;
      if (key === 'linkpath') this.nextLink = value;
    }
    this.push(data);
  }

  private endLongName(): void {
    const long = this.longName!;
    this.longName = null;
    const data = Buffer.concat(long.chunks);
    const text = cString(data.subarray(0, long.size));
    if (long.kind === 'L') this.nextName = text;
    else this.nextLink = text;
    this.push(data);
  }
}

/**
 * The bytes of the one regular file in an archive the engine made of a single file (GET /archive): its
 * data is passed on, headers, padding and anything after it dropped. The entry must be a regular file
 * named `name` of `size` bytes (what the lab user saw a moment before), or the stream fails.
 */
export class TarFileBody extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private skipping = 0;
  private passing = 0;
  private done = false;
  private pax: { padded: number; size: number; chunks: Buffer[]; got: number } | null = null;
  private nextName: string | null = null;
  private nextSize: number | null = null;

  constructor(
    private readonly name: string,
    private readonly size: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let rest = chunk;
      while (rest.length > 0 && !this.done) {
        if (this.passing > 0) {
          const n = Math.min(this.passing, rest.length);
          this.push(rest.subarray(0, n));
          this.passing -= n;
          rest = rest.subarray(n);
          if (this.passing === 0) this.done = true;
          continue;
        }
        if (this.skipping > 0) {
          const n = Math.min(this.skipping, rest.length);
          this.skipping -= n;
          rest = rest.subarray(n);
          continue;
        }
        if (this.pax) {
          const n = Math.min(this.pax.padded - this.pax.got, rest.length);
          this.pax.chunks.push(rest.subarray(0, n));
          this.pax.got += n;
          rest = rest.subarray(n);
          if (this.pax.got === this.pax.padded) {
            for (const [key, value] of paxRecords(Buffer.concat(this.pax.chunks).subarray(0, this.pax.size))) {
              if (key === 'path') this.nextName = value;
              if (key === 'size') this.nextSize = Number(value);
            }
            this.pax = null;
          }
          continue;
        }
        const take = rest.subarray(0, BLOCK - this.pending.length);
        rest = rest.subarray(take.length);
        this.pending = this.pending.length ? Buffer.concat([this.pending, take]) : Buffer.from(take);
        if (this.pending.length === BLOCK) {
          const h = this.pending;
          this.pending = Buffer.alloc(0);
          this.onHeader(h);
        }
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    cb(this.done ? null : new HostileArchiveError(this.name, 'the download ended before the whole file came'));
  }

  private onHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) throw new HostileArchiveError(this.name, 'the archive holds no file');
    if (checksum(h) !== parseNumber(h.subarray(148, 156))) throw new HostileArchiveError(readName(h), 'a damaged header (checksum)');
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const size = parseNumber(h.subarray(124, 136));
    if (type === 'x' || type === 'g') {
      if (size > MAX_PAX_BYTES) throw new HostileArchiveError(readName(h), 'an extended header that is too long');
      this.pax = { size, padded: roundUp(size), chunks: [], got: 0 };
      return;
    }
    if (type === 'L') {
      // GNU long names: skip (the name check below then uses the pax/ustar name, which must match).
      this.skipping = roundUp(size);
      return;
    }
    const name = (this.nextName ?? ustarName(h)).replace(/^\.\//, '');
    const entrySize = this.nextSize ?? size;
    if (type !== '0' && type !== '7') throw new HostileArchiveError(name, 'not a regular file');
    if (name !== this.name || entrySize !== this.size) throw new HostileArchiveError(name, `not the file that was asked for (${this.name}, ${this.size} bytes)`);
    this.passing = entrySize;
    if (entrySize === 0) this.done = true;
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

/** An octal field (NUL or space terminated), or GNU's base-256 for big numbers. */
function parseNumber(field: Buffer): number {
  if (field[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/g, '').trim();
  return text ? Number.parseInt(text, 8) : 0;
}

function writeOctal(h: Buffer, offset: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  h.write(`${digits}\0`.slice(-length), offset, length, 'latin1');
}

function readName(h: Buffer): string {
  return cString(h.subarray(0, 100));
}

/** A NUL-terminated text field. */
function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** The ustar name: prefix + '/' + name when the header is ustar and has a prefix. */
function ustarName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  const ustar = h.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = ustar ? cString(h.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** "len key=value\n" records of a pax header. */
function paxRecords(data: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number(data.subarray(i, space).toString('latin1'));
    if (!Number.isFinite(len) || len <= 0 || i + len > data.length) throw new HostileArchiveError('(extended header)', 'a damaged extended header');
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.push([record.slice(0, eq), record.slice(eq + 1)]);
    i += len;
  }
  return out;
}
