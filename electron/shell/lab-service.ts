// The full contract service for one window: the core's methods, plus the notebook placement that only the
// shell can do, bound to the window that asked (so a reply or a view never lands in another window).
import type { LabService, NotebookPlacement, Rect } from '../api/contract';
import type { CoreService } from '../core/types';

export interface NotebookPort {
  /** `path`: a workspace file to open in the view, or null to keep what it shows. */
  show(labId: string, rect: Rect, path: string | null): Promise<NotebookPlacement>;
  hide(): Promise<null>;
}

export function labServiceFor(core: CoreService, notebook: NotebookPort): LabService {
  // Listed one by one (not spread) so a new contract method is a type error here until it is wired, and a
  // core implemented as a class keeps its `this`.
  return {
    'engine:status': () => core['engine:status'](),
    'labs:list': () => core['labs:list'](),
    'labs:open': (id) => core['labs:open'](id),
    'labs:stop': (id) => core['labs:stop'](id),
    'labs:reset': (id) => core['labs:reset'](id),
    'images:prepare': (id) => core['images:prepare'](id),
    'notebook:show': (id, rect, path) => notebook.show(id, rect, path),
    'notebook:hide': () => notebook.hide(),
    'terminal:open': (labId, size) => core['terminal:open'](labId, size),
    'terminal:write': (id, data) => core['terminal:write'](id, data),
    'terminal:resize': (id, size) => core['terminal:resize'](id, size),
    'terminal:ack': (id, chars) => core['terminal:ack'](id, chars),
    'terminal:close': (id) => core['terminal:close'](id),
    'audit:run': (labId) => core['audit:run'](labId),
    'files:list': (id, p) => core['files:list'](id, p),
    'files:mkdir': (id, p) => core['files:mkdir'](id, p),
    'files:move': (id, from, to) => core['files:move'](id, from, to),
    'files:trash': (id, paths) => core['files:trash'](id, paths),
    'files:trashList': (id) => core['files:trashList'](id),
    'files:restore': (id, trashId) => core['files:restore'](id, trashId),
    'files:emptyTrash': (id) => core['files:emptyTrash'](id),
    'files:uploadPlan': (id, request) => core['files:uploadPlan'](id, request),
    'files:uploadCancel': (uploadId) => core['files:uploadCancel'](uploadId),
    'files:downloadLink': (id, p) => core['files:downloadLink'](id, p),
    'files:importUrl': (id, dir, url) => core['files:importUrl'](id, dir, url),
    'git:courseStatus': (id) => core['git:courseStatus'](id),
    'git:sync': (id) => core['git:sync'](id),
    'git:snapshots': (id) => core['git:snapshots'](id),
    'git:restoreSnapshot': (id, snapshotId) => core['git:restoreSnapshot'](id, snapshotId),
    'git:repoStatus': (id, folder) => core['git:repoStatus'](id, folder),
    'git:commit': (id, folder, message, author) => core['git:commit'](id, folder, message, author),
    'git:push': (id, folder, url) => core['git:push'](id, folder, url),
    'git:setCredentials': (url, username, token) => core['git:setCredentials'](url, username, token),
    'git:forgetCredentials': (url) => core['git:forgetCredentials'](url),
  };
}
