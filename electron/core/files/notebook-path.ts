// The notebook server's address of one workspace file: its page opens a notebook (/notebooks/…), a
// text file in the editor (/edit/…), and a folder in the tree (/tree/…). The token stays as it was.
import { LabError } from '../../api/errors';
import { normalizeWorkspacePath, UnsafePathError } from '../workspace/paths';

export function notebookPageUrl(notebookUrl: string, path: string | null, kind: 'file' | 'folder' = 'file'): string {
  if (path === null || path === '') return notebookUrl;
  let rel: string;
  try {
    rel = normalizeWorkspacePath(path);
  } catch (err) {
    if (err instanceof UnsafePathError) throw new LabError('PATH_INVALID', err.message);
    throw err;
  }
  const url = new URL(notebookUrl);
  const page = kind === 'folder' ? 'tree' : rel.toLowerCase().endsWith('.ipynb') ? 'notebooks' : 'edit';
  // The lab's address opens the tree ("…/tree?token="): pages hang off the server's base, not off /tree.
  const root = url.pathname.replace(/\/tree\/?$/, '/');
  const base = root.endsWith('/') ? root : `${root}/`;
  url.pathname = `${base}${page}/${rel.split('/').map(encodeURIComponent).join('/')}`;
  return url.toString();
}
