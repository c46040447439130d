// The one table of who may call what: every method of the contract is in it, exactly once.
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type MethodName } from '../../../electron/api/contract';
import { isAdminMethod, METHOD_ACCESS } from '../../../electron/core/admin/admin-methods';

describe('the admin methods table', () => {
  it('classifies every method of the contract as student or admin, and nothing else', () => {
    const table = METHOD_ACCESS as Record<string, string>;
    const unclassified = METHOD_NAMES.filter((m) => table[m] !== 'student' && table[m] !== 'admin');
    expect(unclassified, 'methods of the contract that are in neither list (add them to admin-methods.ts)').toEqual([]);
    expect(
      Object.keys(table).filter((m) => !(METHOD_NAMES as string[]).includes(m)),
      'entries for methods the contract does not have',
    ).toEqual([]);
  });

  it('makes the sandbox check, images and every packs method admin', () => {
    const admin = METHOD_NAMES.filter(isAdminMethod);
    expect(admin).toEqual(expect.arrayContaining(['audit:run', 'images:prepare']));
    expect(METHOD_NAMES.filter((m) => m.startsWith('packs:')).every(isAdminMethod)).toBe(true);
  });

  it('leaves students their labs, notebooks, terminals, files, git, and the lock’s own door', () => {
    const student = METHOD_NAMES.filter((m) => !isAdminMethod(m));
    for (const area of ['labs', 'notebook', 'terminal', 'files', 'git', 'admin']) {
      expect(
        METHOD_NAMES.filter((m) => m.startsWith(`${area}:`)).every((m) => student.includes(m)),
        area,
      ).toBe(true);
    }
    expect(student).toContain('engine:status');
  });

  it('fails closed: a name missing from the table counts as admin', () => {
    expect(isAdminMethod('hosts:shell' as MethodName)).toBe(true);
  });
});
