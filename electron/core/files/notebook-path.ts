// The notebook server's address of one workspace file, from the lab's address (readiness.ts
// notebookAddress). JupyterLab (the bundled labs, Jupyter's docker-stacks) opens a notebook, a text file or
// a folder at /lab/tree/PATH, in the page that is already there. A lab whose address is classic Notebook
// 6's file tree ("…/tree?token=", labs from older packs) keeps that server's pages: /notebooks/… for a
// notebook, /edit/… for a text file, /tree/… for a folder. The token stays as it was.
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
  const encoded = rel.split('/').map(encodeURIComponent).join('/');
  const classic = /\/tree\/?$/.test(url.pathname);
  // Pages hang off the server's base ("/", or a prefix such as /user/NAME/), not off /lab or /tree.
  const root = url.pathname.replace(/\/(lab|tree)\/?$/, '/');
  const base = root.endsWith('/') ? root : `${root}/`;
  if (!classic) {
    url.pathname = `${base}lab/tree/${encoded}`;
    return url.toString();
  }
  const page = kind === 'folder' ? 'tree' : rel.toLowerCase().endsWith('.ipynb') ? 'notebooks' : 'edit';
  url.pathname = `${base}${page}/${encoded}`;
  return url.toString();
}
