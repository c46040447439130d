// The files area of the methods table: the lab's workspace (its LabFiles), bulk bytes through Transfers,
// notebooks fetched from a URL. Docker's failures are said in plain words.
import { LabError } from '../../api/errors';
import { isEngineGone } from '../engine/failures';
import type { LabFiles } from '../files/lab-files';
import type { Transfers } from '../files/transfers';
import { fetchNotebook } from '../files/url-import';
import type { Labs } from '../labs/labs';
import type { HostPolicy } from '../profiles/mount-policy';
import type { CoreService } from '../types';

export type FileMethods = Pick<
  CoreService,
  | 'files:list'
  | 'files:mkdir'
  | 'files:move'
  | 'files:trash'
  | 'files:trashList'
  | 'files:restore'
  | 'files:emptyTrash'
  | 'files:uploadPlan'
  | 'files:uploadCancel'
  | 'files:downloadLink'
  | 'files:importUrl'
>;

export interface FilesAreaDeps {
  labs: Labs;
  transfers: Transfers;
  policy: HostPolicy;
  requireEngine(): void;
  asLabError(err: unknown, what: string, fields: Record<string, unknown>): LabError;
}

export function fileHandlers({ labs, transfers, policy, requireEngine, asLabError }: FilesAreaDeps): FileMethods {
  /** A file operation on a lab's workspace, with Docker's failures said in plain words. */
  const onFiles = async <T>(id: string, work: (files: LabFiles) => Promise<T>): Promise<T> => {
    const { lab, files } = labs.get(id);
    requireEngine();
    try {
      return await work(files);
    } catch (err) {
      if (err instanceof LabError) throw err;
      if (!isEngineGone(err) && /no such image/i.test((err as Error).message)) {
        throw new LabError('IMAGE_MISSING', `The image of ${lab.profile.title} is not installed: install it first, then its files can be shown.`);
      }
      throw asLabError(err, 'file operation failed', { lab: id });
    }
  };
  return {
    'files:list': (id, p) => onFiles(id, (f) => f.list(p)),
    'files:mkdir': (id, p) => onFiles(id, (f) => f.mkdir(p)),
    'files:move': (id, from, to) => onFiles(id, (f) => f.move(from, to)),
    'files:trash': (id, paths) => onFiles(id, (f) => f.trash(paths)),
    'files:trashList': (id) => onFiles(id, (f) => f.trashList()),
    'files:restore': (id, trashId) => onFiles(id, (f) => f.restore(trashId)),
    'files:emptyTrash': (id) => onFiles(id, (f) => f.emptyTrash()),
    'files:uploadPlan': (id, request) => onFiles(id, async (f) => transfers.grantUpload(f, await f.plan(request))),
    'files:uploadCancel': async (uploadId) => transfers.cancelUpload(uploadId),
    'files:downloadLink': (id, p) => onFiles(id, async (f) => transfers.grantDownload(f, await f.describe(p))),
    'files:importUrl': (id, dir, url) =>
      onFiles(id, async (f) => {
        const notebook = await fetchNotebook(url, { trust: policy.trust() });
        return { path: await f.writeFile(dir, notebook.name, notebook.data), bytes: notebook.data.length };
      }),
  };
}
