// A folder's download: the lab's tar (hostile input, read through the hardened reader) re-written as a
// zip while it streams, so nothing is unpacked on this computer and a desktop can open the result
// anywhere. Links, devices and names the host cannot hold never reach the zip (the reader refuses or
// skips them).
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import type { Logger } from '../log';
import { readTar } from '../workspace/tar';
import type { HostPlatform } from '../workspace/paths';

export function zipFromTar(source: Readable, opts: { host: HostPlatform; signal: AbortSignal; log: Logger }): Readable {
  const zip = new yazl.ZipFile();
  const out = zip.outputStream as Readable;
  readTar(
    source,
    async (entry, content) => {
      if (entry.kind === 'directory') {
        zip.addEmptyDirectory(entry.path, { mtime: entry.mtime ?? new Date(), mode: 0o40755 });
        return;
      }
      if (entry.kind !== 'file' || !content) return;
      // Stored, not deflated: a download is as fast as a copy (docker cp is the yardstick), and what
      // is big in a workspace (data, images, archives) is mostly compressed already.
      zip.addReadStream(content, entry.path, { mtime: entry.mtime ?? new Date(), mode: entry.mode | 0o100000, compress: false, size: entry.size });
      await finished(content);
    },
    { host: opts.host, signal: opts.signal },
  ).then(
    () => zip.end(),
    (err: Error) => {
      // The answer has started: the only honest way to fail now is to break the download.
      opts.log.warn('zip download failed', { error: err.message });
      out.destroy(err);
    },
  );
  return out;
}
