// Tars read block by block, without unpacking anything and without copying file data (it passes as
// slices of the incoming chunks, so reading costs almost nothing):
// - UploadTarGate, the gate every upload passes on its way into the lab (`tar -x` run as the lab user
//   unpacks it: files/lab-files.ts). Each entry is shown to `check` (name,
//   type, size, link target) before its bytes go on; `check` refuses by throwing (the hardened reader's
//   rules, the upload's plan), which ends the stream with that error. Each header is rewritten, so what
//   lands belongs to the lab user with plain permissions (0644, 0755 where executable or a folder): no
//   root-owned files, no setuid bits. Owner records in pax headers, which would override that, are refused.
//   The gate and the unpacking tar must agree on every entry's name, so anything two readers may read
//   differently is refused: pax keys beyond path/linkpath/size/times, global headers, two extension
//   headers for one entry, header formats other than POSIX ustar, GNU and v7.
// - TarFileBody, the bytes of the one file in a tar the lab made of a single file.
import { Transform, type TransformCallback } from 'node:stream';
import { HostileArchiveError } from '../workspace/tar';

const BLOCK = 512;
const MAX_EXTENSION_BYTES = 64 * 1024;
const OWNER_KEYS = new Set(['uid', 'gid', 'uname', 'gname']);
const PAX_UPLOAD_KEYS = new Set(['path', 'linkpath', 'size', 'mtime', 'atime', 'ctime', 'comment', 'charset', 'hdrcharset']);
const TYPES: Record<string, string> = {
  '0': 'file',
  '\0': 'file',
  '7': 'contiguous-file',
  '1': 'link',
  '2': 'symlink',
  '3': 'character-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
};

/** An entry as a header (and the pax or GNU long-name records before it) describes it. */
export interface GateEntry {
  name: string;
  type: string;
  size: number;
  mode: number;
  linkname: string | null;
}

/**
 * Walks a tar's 512-byte blocks. A subclass sees each header (`header`), and decides what happens to the
 * bytes that follow: pass or drop them (`data`), or collect a small extension record (`collect`: pax
 * headers, GNU long names). Pax and long-name records are folded into the next entry for `entryOf`.
 */
abstract class TarBlockWalker extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private dataLeft = 0;
  private keepData = false;
  private afterData: (() => void) | null = null;
  private collecting: { size: number; padded: number; chunks: Buffer[]; got: number; done: (record: Buffer, padded: Buffer) => void } | null = null;
  /** Everything after this is dropped. */
  protected ended = false;
  private next: { name?: string; linkname?: string; size?: number } = {};
  /** The extension records seen for the coming entry ('pax', 'L', 'K'). */
  private readonly extensions = new Set<string>();

  protected abstract header(h: Buffer): void;
  protected abstract incomplete(): Error;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      let rest = chunk;
      while (rest.length > 0 && !this.ended) {
        if (this.dataLeft > 0) {
          const n = Math.min(this.dataLeft, rest.length);
          if (this.keepData) this.push(rest.subarray(0, n));
          this.dataLeft -= n;
          rest = rest.subarray(n);
          if (this.dataLeft === 0) this.afterData?.();
          continue;
        }
        const c = this.collecting;
        if (c) {
          const n = Math.min(c.padded - c.got, rest.length);
          c.chunks.push(rest.subarray(0, n));
          c.got += n;
          rest = rest.subarray(n);
          if (c.got === c.padded) this.finishCollecting();
          continue;
        }
        const take = rest.subarray(0, BLOCK - this.pending.length);
        rest = rest.subarray(take.length);
        this.pending = this.pending.length ? Buffer.concat([this.pending, take]) : Buffer.from(take);
        if (this.pending.length === BLOCK) {
          const h = this.pending;
          this.pending = Buffer.alloc(0);
          if (!h.every((b) => b === 0) && checksum(h) !== parseNumber(h.subarray(148, 156)))
            throw new HostileArchiveError(readName(h), 'a damaged header (checksum)');
          this.header(h);
        }
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    const cut = !this.ended && (this.pending.length > 0 || this.dataLeft > 0 || this.collecting !== null);
    done(cut || !this.complete() ? this.incomplete() : null);
  }

  /** Whether what came is whole (beyond not stopping mid-block): a file body needs its one file. */
  protected complete(): boolean {
    return true;
  }

  /** The next `size` bytes of entry data: passed on (`keep`) or dropped; `then` runs when they are through. */
  protected data(size: number, keep: boolean, then: (() => void) | null = null): void {
    this.dataLeft = size;
    this.keepData = keep;
    this.afterData = then;
    if (size === 0) then?.();
  }

  /** Collects the record that follows a pax ('x', 'g') or GNU long-name ('L', 'K') header. */
  protected collect(h: Buffer, done: (padded: Buffer) => void): void {
    const type = String.fromCharCode(h[156]!);
    const size = parseNumber(h.subarray(124, 136));
    if (size > MAX_EXTENSION_BYTES) throw new HostileArchiveError(readName(h), 'an extended header that is too long');
    this.collecting = {
      size,
      padded: roundUp(size),
      chunks: [],
      got: 0,
      done: (record, padded) => {
        // Readers differ here (Go ignores global records and keeps the last pax header, GNU tar applies
        // global records; which of a GNU long name and a pax path wins differs too): one extension of one
        // kind per entry, so this walker and the unpacking tar always agree on the name.
        if (type === 'g') {
          this.globalRecord();
          done(padded);
          return;
        }
        const kind = type === 'x' ? 'pax' : type;
        if (this.extensions.has(kind) || (kind === 'pax' ? this.extensions.has('L') || this.extensions.has('K') : this.extensions.has('pax'))) {
          throw new HostileArchiveError(readName(h), 'more than one extended header for one entry');
        }
        this.extensions.add(kind);
        if (type === 'x') {
          for (const [key, value] of paxRecords(record)) {
            this.paxKey(key);
            if (OWNER_KEYS.has(key)) this.ownerRecord(key);
            if (key === 'size') this.next.size = Number(value);
            if (key === 'path') this.next.name = value;
            if (key === 'linkpath') this.next.linkname = value;
          }
        } else if (type === 'L') this.next.name = cString(record);
        else this.next.linkname = cString(record);
        done(padded);
      },
    };
    if (size === 0) this.finishCollecting();
  }

  /** A pax global header ('g'): ignored by this walker unless told otherwise (the upload gate refuses it). */
  protected globalRecord(): void {}

  /** Every key of a pax header, before it is used. */
  protected paxKey(_key: string): void {}

  /** A pax record naming an owner: refused by default. */
  protected ownerRecord(key: string): void {
    throw new HostileArchiveError(key, 'an owner in an extended header; uploads take the lab user as owner');
  }

  /** The entry a (non-extension) header describes, with the records before it folded in. */
  protected entryOf(h: Buffer): GateEntry {
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const entry = {
      name: (this.next.name ?? ustarName(h)).replace(/^(\.\/)+/, ''),
      type: TYPES[type] ?? `type ${type}`,
      size: this.next.size ?? parseNumber(h.subarray(124, 136)),
      mode: parseNumber(h.subarray(100, 108)),
      linkname: this.next.linkname ?? (cString(h.subarray(157, 257)) || null),
    };
    this.next = {};
    this.extensions.clear();
    return entry;
  }

  private finishCollecting(): void {
    const c = this.collecting!;
    this.collecting = null;
    const padded = Buffer.concat(c.chunks);
    c.done(padded.subarray(0, c.size), padded);
  }
}

export class UploadTarGate extends TarBlockWalker {
  /** Files and their bytes that passed. */
  readonly summary = { files: 0, bytes: 0 };

  constructor(
    private readonly uid: number,
    private readonly gid: number,
    private readonly check: (entry: GateEntry) => void = () => undefined,
  ) {
    super();
  }

  protected header(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.push(h);
      return;
    }
    const type = String.fromCharCode(h[156] || 48);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      this.push(h);
      this.collect(h, (padded) => this.push(padded));
      return;
    }
    const entry = this.entryOf(h);
    this.check(entry);
    const regular = entry.type === 'file' || entry.type === 'contiguous-file';
    if (regular) {
      this.summary.files += 1;
      this.summary.bytes += entry.size;
    }
    const stamped = Buffer.from(h);
    writeOctal(stamped, 100, 8, entry.type === 'directory' || entry.mode & 0o111 ? 0o755 : 0o644);
    writeOctal(stamped, 108, 8, this.uid);
    writeOctal(stamped, 116, 8, this.gid);
    stamped.fill(0, 265, 329); // uname, gname
    writeOctal(stamped, 148, 7, checksum(stamped));
    stamped[155] = 0x20;
    this.push(stamped);
    // Only regular files carry data (links and folders do not, whatever their size field says).
    this.data(regular ? roundUp(entry.size) : 0, true);
  }

  protected incomplete(): Error {
    return new HostileArchiveError('(end)', 'the upload ended in the middle of a file');
  }

  protected override globalRecord(): void {
    throw new HostileArchiveError('(global header)', 'a pax global header; uploads do not carry one');
  }

  /**
   * Only the pax keys that say what an entry is. Everything else is refused: extended attributes
   * (SCHILY.xattr.*, which the engine would set as root: file capabilities, security labels), GNU sparse
   * maps (GNU.sparse.*, which also rename the entry) and any other vendor's keys.
   */
  protected override paxKey(key: string): void {
    if (!PAX_UPLOAD_KEYS.has(key) && !OWNER_KEYS.has(key))
      throw new HostileArchiveError(key, 'a pax record an upload does not need (only path, linkpath, size and times are accepted)');
  }
}

/**
 * The bytes of the one regular file in an archive the engine made of a single file (GET /archive): its
 * data is passed on, headers, padding and anything after it dropped. The entry must be a regular file
 * named `name` of `size` bytes (what the lab user saw a moment before), or the stream fails.
 */
export class TarFileBody extends TarBlockWalker {
  constructor(
    private readonly name: string,
    private readonly size: number,
  ) {
    super();
  }

  protected header(h: Buffer): void {
    if (h.every((b) => b === 0)) throw new HostileArchiveError(this.name, 'the archive holds no file');
    const type = String.fromCharCode(h[156] || 48);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      this.collect(h, () => undefined);
      return;
    }
    const entry = this.entryOf(h);
    if (entry.type !== 'file' && entry.type !== 'contiguous-file') throw new HostileArchiveError(entry.name, 'not a regular file');
    if (entry.name !== this.name || entry.size !== this.size)
      throw new HostileArchiveError(entry.name, `not the file that was asked for (${this.name}, ${this.size} bytes)`);
    this.data(entry.size, true, () => (this.ended = true));
  }

  protected override complete(): boolean {
    return this.ended;
  }

  protected override ownerRecord(): void {
    // The engine's own archive may name owners: they do not matter for the bytes.
  }

  protected incomplete(): Error {
    return new HostileArchiveError(this.name, 'the download ended before the whole file came');
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
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/g, '')
    .trim();
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
  const magic = h.subarray(257, 265).toString('latin1');
  // As GNU tar and Go read it: the prefix field is a name's first part only in POSIX ustar (GNU keeps times there);
  // a format it reads otherwise (star's shorter prefix, an unknown magic) is refused.
  const posix = magic === 'ustar\u000000';
  const gnu = magic === 'ustar  \u0000';
  const v7 = h.subarray(257, 265).every((b) => b === 0);
  if (!posix && !gnu && !v7) throw new HostileArchiveError(name, 'a tar header of an unknown format');
  if (posix && h.subarray(508, 512).toString('latin1') === 'tar\u0000') throw new HostileArchiveError(name, "a tar header of star's format");
  const prefix = posix ? cString(h.subarray(345, 500)) : '';
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
