// A POSIX tar (ustar, with pax extended headers where ustar cannot hold a name or a size) built as a Blob
// whose parts are small header buffers, the uploaded File objects themselves and zero padding: nothing is
// read into memory, the browser streams each File from disk as it sends the request. Pure: no DOM needed.

export interface TarItem {
  /** Relative path, '/'-separated, without a trailing slash. */
  path: string;
  kind: 'file' | 'folder';
  /** The content of a file (a File or any Blob); null for a folder. */
  body: Blob | null;
  /** Modification time, ms since epoch. */
  mtimeMs: number;
}

export interface TarLayout {
  blob: Blob;
  /** Per item, in order: where its data starts and ends in the tar (a folder's start equals its end). */
  dataStart: number[];
  dataEnd: number[];
  /** Per item: the file bytes and the number of files before it, plus one final total at the end. */
  bytesBefore: number[];
  filesBefore: number[];
}

/** A part of a Blob, in terms both the DOM's and Node's typings accept. */
type Part = NonNullable<ConstructorParameters<typeof Blob>[0]>[number];

const BLOCK = 512;
const encoder = new TextEncoder();
/** The largest size an 11-digit octal field holds. */
const MAX_OCTAL_11 = 0o77777777777;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as GNU tar writes them.
  return (
    Math.floor(value)
      .toString(8)
      .padStart(width - 1, '0') + '\0'
  );
}

function put(header: Uint8Array, offset: number, width: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > width) throw new Error(`tar field too long: ${text}`);
  header.set(bytes, offset);
}

const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

/** ustar's split of a name into prefix (≤155 bytes) and name (≤100 bytes) at a '/', or null. */
export function ustarSplit(name: string): { prefix: string; name: string } | null {
  if (!isAscii(name)) return null;
  if (name.length <= 100) return { prefix: '', name };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length > 0 && rest.length <= 100) return { prefix, name: rest };
    if (prefix.length > 155) break;
  }
  return null;
}

/** One pax record: "<length> <key>=<value>\n", where the length counts itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restBytes = encoder.encode(rest).length;
  let length = restBytes + 1;
  while (String(length).length + restBytes !== length) length = String(length).length + restBytes;
  return `${length}${rest}`;
}

interface HeaderFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  type: '0' | '5' | 'x';
}

function header(f: HeaderFields): Uint8Array {
  const h = new Uint8Array(BLOCK);
  put(h, 0, 100, f.name);
  put(h, 100, 8, octal(f.mode, 8));
  put(h, 108, 8, octal(0, 8));
  put(h, 116, 8, octal(0, 8));
  put(h, 124, 12, octal(f.size, 12));
  put(h, 136, 12, octal(f.mtime, 12));
  put(h, 148, 8, '        ');
  put(h, 156, 1, f.type);
  put(h, 257, 6, 'ustar\0');
  put(h, 263, 2, '00');
  put(h, 345, 155, f.prefix);
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** A stand-in name for the ustar header when a pax record carries the real one: ASCII, ≤100 bytes. */
function fallbackName(name: string, folder: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  const tail = folder ? '/' : '';
  const base = ascii.replace(/\/$/, '');
  return base.length + tail.length <= 100 ? base + tail : base.slice(base.length - (100 - tail.length)) + tail;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/** Builds the tar of `items` in their order. Folder names get a trailing '/'. */
export function buildTar(items: readonly TarItem[]): TarLayout {
  const parts: Part[] = [];
  const dataStart: number[] = [];
  const dataEnd: number[] = [];
  const bytesBefore: number[] = [0];
  const filesBefore: number[] = [0];
  let offset = 0;
  const zeros = new Uint8Array(BLOCK);
  const push = (part: Uint8Array | Blob, length: number): void => {
    parts.push(part as Part);
    offset += length;
  };

  for (const item of items) {
    const folder = item.kind === 'folder';
    const name = folder ? `${item.path.replace(/\/+$/, '')}/` : item.path;
    const size = folder ? 0 : (item.body?.size ?? 0);
    const mtime = Math.max(0, Math.floor(item.mtimeMs / 1000));
    const split = ustarSplit(name);
    const records: string[] = [];
    if (!split) records.push(paxRecord('path', name));
    if (size > MAX_OCTAL_11) records.push(paxRecord('size', String(size)));
    if (records.length > 0) {
      const body = encoder.encode(records.join(''));
      const paxName = `PaxHeaders/${fallbackName(name, false).split('/').filter(Boolean).pop() ?? 'entry'}`.slice(0, 100);
      push(header({ name: paxName, prefix: '', mode: 0o644, size: body.length, mtime, type: 'x' }), BLOCK);
      push(body, body.length);
      push(zeros.subarray(0, padding(body.length)), padding(body.length));
    }
    const fields = split ?? { prefix: '', name: fallbackName(name, folder) };
    const ustarSize = size > MAX_OCTAL_11 ? 0 : size;
    push(header({ ...fields, mode: folder ? 0o755 : 0o644, size: ustarSize, mtime, type: folder ? '5' : '0' }), BLOCK);
    dataStart.push(offset);
    if (!folder && item.body && size > 0) {
      push(item.body, size);
      push(zeros.subarray(0, padding(size)), padding(size));
    }
    dataEnd.push(folder ? offset : offset - padding(size));
    bytesBefore.push((bytesBefore.at(-1) ?? 0) + size);
    filesBefore.push((filesBefore.at(-1) ?? 0) + (folder ? 0 : 1));
  }
  push(new Uint8Array(2 * BLOCK), 2 * BLOCK);
  return { blob: new Blob(parts, { type: 'application/x-tar' }), dataStart, dataEnd, bytesBefore, filesBefore };
}

/** How much of the payload `loaded` bytes of the tar carry: file bytes sent, and files complete. */
export function progressAt(layout: Omit<TarLayout, 'blob'>, loaded: number): { bytes: number; files: number } {
  const { dataStart, dataEnd, bytesBefore, filesBefore } = layout;
  // The first item whose data end lies beyond `loaded` (binary search: ends ascend).
  let lo = 0;
  let hi = dataEnd.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((dataEnd[mid] ?? 0) <= loaded) lo = mid + 1;
    else hi = mid;
  }
  const partial = lo < dataEnd.length ? Math.max(0, loaded - (dataStart[lo] ?? 0)) : 0;
  return { bytes: (bytesBefore[lo] ?? 0) + partial, files: filesBefore[lo] ?? 0 };
}
