import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleCommit, CourseBundleError, courseBundlePath, parseBundleHeader } from '../../../electron/core/git/course-bundle';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const PACK = Buffer.from('PACK\u0000\u0000\u0000\u0002', 'latin1');
/** A bundle's first bytes: header lines, the blank line, then a pack signature. */
const bundle = (...lines: string[]) => Buffer.concat([Buffer.from(`${lines.join('\n')}\n\n`, 'latin1'), PACK]);

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CourseBundleError);
    expect((err as CourseBundleError).code).toBe('REFUSED');
    return (err as CourseBundleError).message;
  }
  throw new Error('not refused');
}

describe('course bundle path', () => {
  it('lives in the data folder, named by the lab id', () => {
    expect(courseBundlePath('/data', 'python')).toBe(path.join('/data', 'labs', 'courses', 'python.bundle'));
  });

  it('refuses an id that is not a lab id (no path can come out of it)', () => {
    for (const id of ['../x', 'a/b', '', 'Python', '.hidden']) expect(() => courseBundlePath('/data', id), id).toThrow();
  });
});

describe('bundle header', () => {
  it('reads a v2 bundle of one branch', () => {
    const header = parseBundleHeader(bundle('# v2 git bundle', `${A} refs/heads/main`));
    expect(header).toEqual({ version: 2, capabilities: [], prerequisites: [], refs: [{ oid: A, name: 'refs/heads/main' }], packFollows: true });
    expect(bundleCommit(header, 'main')).toBe(A);
  });

  it('reads a v3 bundle: sha1 is fine, any other capability is refused (a filter means missing objects)', () => {
    expect(bundleCommit(parseBundleHeader(bundle('# v3 git bundle', '@object-format=sha1', `${A} refs/heads/main`)), 'main')).toBe(A);
    expect(refused(() => bundleCommit(parseBundleHeader(bundle('# v3 git bundle', '@filter=blob:none', `${A} refs/heads/main`)), 'main'))).toMatch(
      /filter=blob:none/,
    );
    expect(refused(() => bundleCommit(parseBundleHeader(bundle('# v3 git bundle', '@object-format=sha256', `${A} refs/heads/main`)), 'main'))).toMatch(
      /object-format=sha256/,
    );
  });

  it('refuses what is not a bundle', () => {
    for (const head of [Buffer.alloc(0), Buffer.from('hello\n\n'), PACK, Buffer.from('# v4 git bundle\n\n'), Buffer.from('# v2 git bundle')])
      expect(refused(() => parseBundleHeader(head))).toMatch(/not a git bundle/);
  });

  it('refuses a header that does not end, or lines that are not refs', () => {
    expect(refused(() => parseBundleHeader(Buffer.from(`# v2 git bundle\n${A} refs/heads/main\n`)))).toMatch(/does not end/);
    for (const line of ['nonsense', `${A}`, `${A} `, `${A.slice(1)} refs/heads/main`, '-xyz comment', `${'A'.repeat(40)} refs/heads/main`])
      expect(
        refused(() => parseBundleHeader(bundle('# v2 git bundle', line))),
        line,
      ).toMatch(/malformed/);
  });

  it('refuses prerequisites (a thin bundle)', () => {
    const header = parseBundleHeader(bundle('# v2 git bundle', `-${B} some commit`, `${A} refs/heads/main`));
    expect(header.prerequisites).toEqual([B]);
    expect(refused(() => bundleCommit(header, 'main'))).toMatch(/thin bundle/);
  });

  it('refuses anything but exactly refs/heads/<branch>', () => {
    for (const refs of [
      [`${A} refs/heads/main`, `${B} refs/heads/solutions`],
      [`${A} HEAD`, `${A} refs/heads/main`],
      [`${A} refs/tags/main`],
      [`${A} refs/heads/main2`],
      [`${A} refs/remotes/origin/main`],
      [],
    ])
      expect(
        refused(() => bundleCommit(parseBundleHeader(bundle('# v2 git bundle', ...refs)), 'main')),
        refs.join(),
      ).toMatch(/exactly the branch main/);
  });

  it('refuses a header followed by something other than a pack', () => {
    const head = Buffer.from(`# v2 git bundle\n${A} refs/heads/main\n\nNOPE`);
    expect(parseBundleHeader(head).packFollows).toBe(false);
    expect(refused(() => bundleCommit(parseBundleHeader(head), 'main'))).toMatch(/no git pack/);
    expect(refused(() => bundleCommit(parseBundleHeader(Buffer.from(`# v2 git bundle\n${A} refs/heads/main\n\n`)), 'main'))).toMatch(/no git pack/);
  });
});
