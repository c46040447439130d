// Exercise folders sent from the admin screen. The page never names a folder on the host (in the browser
// bridge it could not pick one, and a typed path would let the page choose what the host reads): it picks
// the folder on its own side and PUTs its two files, each announced with its size and capped at the folder
// install's limits, to paths granted here. They land in <data>/exercises/.uploads/<id>/ (inside ClassLab's
// data folder: never a lab's mount, never a workspace), and `exercises:install` installs that folder by
// ExerciseStore.install — the very checks of `classlab exercises install` (regular files, no links, strict
// UTF-8, sizes, the schema) — then removes it. An upload not installed within 30 minutes is dropped.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ExerciseSummary, ExerciseUploadPlan, ExerciseUploadRequest } from '../../api/contract';
import { LabError, toApiError } from '../../api/errors';
import { exercisesDir, type ExerciseStore } from '../exercises/store';
import { EXERCISE_FILE, STATEMENT_FILE } from '../exercises/schema';
import { summaryOf } from '../exercises/views';
import { JSON_HEADERS, statusFor, type TransferRequest, type TransferResponse } from '../files/transfers';
import type { Logger } from '../log';
import { PACK_STAGING_PREFIX } from '../packs/pack-exercises';
import type { CoreService } from '../types';
import { receiveExactly } from './packs';

export const EXERCISE_TRANSFER_PREFIX = '/files/exercises/';
const UPLOAD_TTL_MS = 30 * 60_000;
const FILES = { 'exercise.json': EXERCISE_FILE, 'statement.md': STATEMENT_FILE } as const;

interface Upload {
  request: ExerciseUploadRequest;
  folder: string;
  expires: number;
  /** The files received whole so far. */
  got: Set<string>;
  receiving: Set<string>;
}

export class ExerciseUploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly store: Pick<ExerciseStore, 'install'>,
    private readonly log: Logger,
  ) {
    this.root = path.join(exercisesDir(dataDir), '.uploads');
  }

  /** Uploads left by an earlier run are never valid again; nor are a killed pack import's staged exercises (.pack-*). */
  async start(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true }).catch(() => undefined);
    const dir = path.dirname(this.root);
    const left = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of left.filter((n) => n.startsWith(PACK_STAGING_PREFIX))) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }

  async plan(request: ExerciseUploadRequest): Promise<ExerciseUploadPlan> {
    await this.sweep();
    const uploadId = `e${randomBytes(16).toString('hex')}`;
    const folder = path.join(this.root, uploadId, request.id);
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    this.uploads.set(uploadId, { request, folder, expires: Date.now() + UPLOAD_TTL_MS, got: new Set(), receiving: new Set() });
    const base = `${EXERCISE_TRANSFER_PREFIX}upload/${uploadId}`;
    return { uploadId, exercisePath: `${base}/exercise.json`, statementPath: `${base}/statement.md` };
  }

  async install(uploadId: string): Promise<ExerciseSummary> {
    const u = this.uploads.get(uploadId);
    if (!u || u.expires < Date.now()) throw new LabError('NOT_FOUND', 'This exercise upload is no longer here. Choose the folder again.');
    if (u.got.size !== Object.keys(FILES).length) throw new LabError('BAD_REQUEST', 'Both files of the exercise must arrive before it is installed.');
    this.uploads.delete(uploadId);
    try {
      return summaryOf(await this.store.install(u.request.lab, u.folder, u.request.id));
    } finally {
      await fs.rm(path.dirname(u.folder), { recursive: true, force: true });
    }
  }

  async handle(req: TransferRequest): Promise<TransferResponse> {
    try {
      const m = /^\/files\/exercises\/upload\/(e[a-f0-9]{32})\/(exercise\.json|statement\.md)$/.exec(req.pathname);
      if (!m) throw new LabError('NOT_FOUND', 'No such transfer.');
      if (req.method !== 'PUT') throw new LabError('BAD_REQUEST', 'Send an exercise file with PUT.');
      const id = m[1] as string;
      const name = m[2] as keyof typeof FILES;
      const u = this.uploads.get(id);
      if (!u || u.expires < Date.now() || u.got.has(name) || u.receiving.has(name))
        throw new LabError('NOT_FOUND', 'This upload is no longer valid. Choose the folder again.');
      u.receiving.add(name);
      try {
        const bytes = name === 'exercise.json' ? u.request.exerciseBytes : u.request.statementBytes;
        await receiveExactly(req, path.join(u.folder, FILES[name]), bytes, name);
        u.got.add(name);
      } finally {
        u.receiving.delete(name);
      }
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ uploadId: id }) };
    } catch (err) {
      req.body.resume();
      const error = toApiError(err);
      if (error.code === 'INTERNAL') this.log.error('exercise upload failed', { error: error.message });
      return { status: statusFor(error.code), headers: JSON_HEADERS, body: JSON.stringify(error) };
    }
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [id, u] of this.uploads) {
      if (u.expires >= now) continue;
      this.uploads.delete(id);
      await fs.rm(path.dirname(u.folder), { recursive: true, force: true });
    }
  }
}

export type ExerciseAdminMethods = Pick<CoreService, 'exercises:uploadPlan' | 'exercises:install' | 'exercises:remove'>;

export function exerciseAdminHandlers(store: Pick<ExerciseStore, 'remove'>, uploads: ExerciseUploads, labExists: (lab: string) => void): ExerciseAdminMethods {
  return {
    'exercises:uploadPlan': async (request) => {
      labExists(request.lab);
      return uploads.plan(request);
    },
    'exercises:install': (uploadId) => uploads.install(uploadId),
    'exercises:remove': async (lab, id) => {
      labExists(lab);
      return { removed: await store.remove(lab, id) };
    },
  };
}
