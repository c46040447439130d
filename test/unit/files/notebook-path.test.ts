import { describe, expect, it } from 'vitest';
import { notebookPageUrl } from '../../../electron/core/files/notebook-path';
import { notebookAddress } from '../../../electron/core/labs/readiness';

const LAB = notebookAddress(40001, 'tok');

describe('notebookPageUrl', () => {
  it("opens a workspace file or folder in JupyterLab's page, the token kept", () => {
    expect(LAB).toBe('http://127.0.0.1:40001/lab?token=tok');
    expect(notebookPageUrl(LAB, 'week 1/intro.ipynb')).toBe('http://127.0.0.1:40001/lab/tree/week%201/intro.ipynb?token=tok');
    expect(notebookPageUrl(LAB, 'data.csv')).toBe('http://127.0.0.1:40001/lab/tree/data.csv?token=tok');
    expect(notebookPageUrl(LAB, 'week 1', 'folder')).toBe('http://127.0.0.1:40001/lab/tree/week%201?token=tok');
    expect(notebookPageUrl(LAB, null)).toBe(LAB);
  });

  it('keeps a server prefix and encodes every segment (#, ?, %)', () => {
    expect(notebookPageUrl('http://127.0.0.1:40001/user/ana/lab?token=t', 'a#b/c?d%e.ipynb')).toBe(
      'http://127.0.0.1:40001/user/ana/lab/tree/a%23b/c%3Fd%25e.ipynb?token=t',
    );
  });

  it("keeps classic Notebook 6's pages for a lab whose address is its file tree", () => {
    const classic = 'http://127.0.0.1:40001/tree?token=tok';
    expect(notebookPageUrl(classic, 'a.ipynb')).toBe('http://127.0.0.1:40001/notebooks/a.ipynb?token=tok');
    expect(notebookPageUrl(classic, 'notes.txt')).toBe('http://127.0.0.1:40001/edit/notes.txt?token=tok');
    expect(notebookPageUrl(classic, 'week 1', 'folder')).toBe('http://127.0.0.1:40001/tree/week%201?token=tok');
  });

  it('refuses a path that leaves the workspace', () => {
    expect(() => notebookPageUrl(LAB, '../etc/passwd')).toThrow(expect.objectContaining({ code: 'PATH_INVALID' }));
    expect(() => notebookPageUrl(LAB, '/etc/passwd')).toThrow(expect.objectContaining({ code: 'PATH_INVALID' }));
  });
});
