// The packs area of the methods table: lab packs exported, uploaded, inspected and imported (core/packs).
// The UI never names a file on the host: an export is written into ClassLab's data folder and fetched
// once through a granted download path; a pack to import is sent by PUT to a granted upload path (a drop
// on the launcher, a picker) and kept there under an unguessable id until it is imported or discarded.
// Both paths live under /files/packs/, served by the same transfer handlers as workspace files.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DownloadLink, PackExport, PackUploadPlan } from '../../api/contract';
import { LabError, toApiError } from '../../api/errors';
import { contentDisposition, JSON_HEADERS, statusFor, type TransferRequest, type TransferResponse } from '../files/transfers';
import type { Logger } from '../log';
import { PACK_EXTENSION } from '../packs/pack-format';
import type { Packs } from '../packs/packs';
import type { CoreService } from '../types';

export type PackMethods = Pick<
  CoreService,
  'packs:signer' | 'packs:export' | 'packs:cancel' | 'packs:downloadLink' | 'packs:uploadPlan' | 'packs:inspect' | 'packs:import' | 'packs:discard'
>;

const UPLOAD_TTL_MS = 30 * 60_000;
const DOWNLOAD_TTL_MS = 60_000;
export const PACK_TRANSFER_PREFIX = '/files/packs/';

interface Staged {
  fileName: string;
  bytes: number;
  file: string;
  expires: number;
  state: 'waiting' | 'receiving' | 'here';
}

/** The pack files the UI sends and fetches, in <data>/packs/{incoming,exports}. */
export class PackTransfers {
  private readonly staged = new Map<string, Staged>();
  private readonly exports = new Map<string, { file: string; fileName: string; bytes: number }>();
  private readonly downloads = new Map<string, { exportId: string; expires: number }>();
  private readonly incoming: string;
  private readonly outgoing: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.incoming = path.join(dataDir, 'packs', 'incoming');
    this.outgoing = path.join(dataDir, 'packs', 'exports');
  }

  /** Files left by an earlier run (a closed tab, a crash) are never valid again. */
  async start(): Promise<void> {
    await Promise.all([this.incoming, this.outgoing].map((d) => fs.rm(d, { recursive: true, force: true }).catch(() => undefined)));
  }

  plan(fileName: string, bytes: number): PackUploadPlan {
    this.sweep();
    const packId = `p${randomBytes(16).toString('hex')}`;
    this.staged.set(packId, {
      fileName: path.basename(fileName),
      bytes,
      file: path.join(this.incoming, `${packId}${PACK_EXTENSION}`),
      expires: Date.now() + UPLOAD_TTL_MS,
      state: 'waiting',
    });
    return { packId, path: `${PACK_TRANSFER_PREFIX}upload/${packId}` };
  }

  /** The host file of an uploaded pack, and the name it had on the user's computer. */
  file(packId: string): { file: string; fileName: string } {
    const s = this.staged.get(packId);
    if (!s || s.state !== 'here')
      throw new LabError('NOT_FOUND', 'This pack is no longer here (it was imported, discarded or never sent). Choose the file again.');
    return { file: s.file, fileName: s.fileName };
  }

  async discard(packId: string): Promise<null> {
    const s = this.staged.get(packId);
    this.staged.delete(packId);
    if (s) await fs.rm(s.file, { force: true });
    return null;
  }

  /** A new export's file in the data folder; call exported() once it is written. */
  exportFile(): { exportId: string; file: string } {
    const exportId = `x${randomBytes(16).toString('hex')}`;
    return { exportId, file: path.join(this.outgoing, `${exportId}${PACK_EXTENSION}`) };
  }

  exported(exportId: string, file: string, fileName: string, bytes: number): void {
    this.exports.set(exportId, { file, fileName, bytes });
  }

  link(exportId: string): DownloadLink {
    const ex = this.exports.get(exportId);
    if (!ex) throw new LabError('NOT_FOUND', 'This export is no longer here: export the labs again.');
    const id = `d${randomBytes(16).toString('hex')}`;
    this.downloads.set(id, { exportId, expires: Date.now() + DOWNLOAD_TTL_MS });
    return { path: `${PACK_TRANSFER_PREFIX}download/${id}`, fileName: ex.fileName, kind: 'file' };
  }

  async handle(req: TransferRequest): Promise<TransferResponse> {
    try {
      const m = /^\/files\/packs\/(upload|download)\/([a-z0-9]{1,64})$/.exec(req.pathname);
      if (!m) throw new LabError('NOT_FOUND', 'No such transfer.');
      return m[1] === 'upload' ? await this.receive(m[2] as string, req) : await this.send(m[2] as string, req);
    } catch (err) {
      req.body.resume();
      const error = toApiError(err);
      if (error.code === 'INTERNAL') this.log.error('pack transfer failed', { error: error.message });
      return {
        status: statusFor(error.code),
        headers: JSON_HEADERS,
        body: JSON.stringify(error),
      };
    }
  }

  private async receive(packId: string, req: TransferRequest): Promise<TransferResponse> {
    if (req.method !== 'PUT') throw new LabError('BAD_REQUEST', 'Send a pack with PUT.');
    const s = this.staged.get(packId);
    if (!s || s.state !== 'waiting' || s.expires < Date.now()) throw new LabError('NOT_FOUND', 'This upload is no longer valid. Choose the pack again.');
    s.state = 'receiving';
    await fs.mkdir(this.incoming, { recursive: true, mode: 0o700 });
    try {
      await receiveExactly(req, s.file, s.bytes, 'pack');
    } catch (err) {
      this.staged.delete(packId);
      throw err;
    }
    s.state = 'here';
    return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ packId }) };
  }

  private async send(id: string, req: TransferRequest): Promise<TransferResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new LabError('BAD_REQUEST', 'Fetch a pack with GET.');
    const grant = this.downloads.get(id);
    this.downloads.delete(id);
    const ex = grant && grant.expires >= Date.now() ? this.exports.get(grant.exportId) : undefined;
    if (!ex) throw new LabError('NOT_FOUND', 'This download link is no longer valid: links work once, for a minute. Click Download again.');
    return {
      status: 200,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': contentDisposition(ex.fileName),
        'Content-Length': String(ex.bytes),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
      body: createReadStream(ex.file, { signal: req.signal }),
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.staged) {
      if (s.state === 'waiting' && s.expires < now) this.staged.delete(id);
    }
    for (const [id, d] of this.downloads) if (d.expires < now) this.downloads.delete(id);
  }
}

/**
 * Writes a PUT's body to a new file (0600), exactly `bytes` long: a body that goes on past them is
 * refused as it arrives, one cut short is refused at its end; either way no file is left.
 */
export async function receiveExactly(req: TransferRequest, file: string, bytes: number, what: string): Promise<void> {
  let got = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      got += chunk.length;
      if (got > bytes) done(new LabError('REFUSED', `The ${what} is larger than announced; nothing was kept.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req.body as Readable, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal: req.signal });
    if (got !== bytes) throw new LabError('REFUSED', `The ${what} arrived cut short (${got} of ${bytes} bytes). Send it again.`);
  } catch (err) {
    await fs.rm(file, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new LabError('DISK_FULL', `This computer has no room for the ${what}.`);
    throw err;
  }
}

export function packHandlers(packs: Packs, transfers: PackTransfers): PackMethods {
  return {
    'packs:signer': async () => ({ fingerprint: await packs.ownFingerprint() }),
    'packs:export': async ({ labs }): Promise<PackExport> => {
      const { exportId, file } = transfers.exportFile();
      const { bytes, signer } = await packs.export(labs, file);
      const fileName = `${[...new Set(labs)].join('-').slice(0, 120)}${PACK_EXTENSION}`;
      transfers.exported(exportId, file, fileName, bytes);
      return { exportId, fileName, bytes, signer };
    },
    'packs:cancel': async () => {
      packs.cancel();
      return null;
    },
    'packs:downloadLink': async (exportId) => transfers.link(exportId),
    'packs:uploadPlan': async ({ fileName, bytes }) => transfers.plan(fileName, bytes),
    'packs:inspect': async (packId) => {
      const { file, fileName } = transfers.file(packId);
      return { ...(await packs.inspect(file)), fileName };
    },
    'packs:import': async (packId, { trustSigner }) => {
      const { file } = transfers.file(packId);
      const result = await packs.import(file, { trustSigner });
      await transfers.discard(packId);
      return result;
    },
    'packs:discard': (packId) => transfers.discard(packId),
  };
}
