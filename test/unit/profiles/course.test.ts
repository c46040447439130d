// The course part of a lab profile: the git module's URL, branch and folder rules, reported by field.
import { describe, expect, it } from 'vitest';
import { Profile } from '../../../electron/core/profiles/schema';

const base = { id: 'python', title: 'Python', image: 'classlab/python:3' };
const withCourse = (course: Record<string, unknown>) => Profile.safeParse({ ...base, course });
const problems = (course: Record<string, unknown>) => {
  const r = withCourse(course);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('profile course', () => {
  it('is optional', () => {
    const r = Profile.safeParse(base);
    expect(r.success && r.data.course).toBeUndefined();
  });

  it('takes an https course with defaults', () => {
    const r = withCourse({ url: 'https://git.example.org/teach/intro.git' });
    expect(r.success).toBe(true);
    expect(r.success && r.data.course).toEqual({ url: 'https://git.example.org/teach/intro.git', branch: 'main', folder: 'course', syncOnOpen: false });
  });

  it('normalizes the folder and keeps ssh forms', () => {
    const r = withCourse({ url: 'git@example.org:teach/intro.git', branch: 'spring-2024', folder: 'courses/intro/', syncOnOpen: true });
    expect(r.success && r.data.course).toMatchObject({ folder: 'courses/intro', branch: 'spring-2024', syncOnOpen: true });
  });

  it('refuses URLs git would run or read as options, by field', () => {
    for (const url of ['ext::sh -c touch% /tmp/x', '--upload-pack=touch /tmp/x', 'git://example.org/x.git', 'ssh://-oProxyCommand=x/y']) {
      expect(problems({ url }).join('\n')).toMatch(/^course\.url: This git address is not allowed/);
    }
  });

  it("takes a local course address by its shape; reaching it is the machine trust's decision, never the profile's", () => {
    expect(problems({ url: 'file:///srv/course.git' })).toEqual([]);
    expect(problems({ url: '/srv/course.git' })).toEqual([]);
    expect(problems({ url: 'http://127.0.0.1:8080/c.git' })).toEqual([]);
    expect(problems({ url: 'http://example.org/c.git' }).join('\n')).toMatch(/clear text/);
    expect(problems({ url: 'file:///srv/course.git', allowLocal: true })).toEqual([
      expect.stringMatching(/^course\.allowLocal: a profile cannot allow local addresses: only this computer may \(classlab trust local add ADDRESS\)/),
    ]);
    const old = withCourse({ url: 'https://example.org/c.git', allowLocal: false });
    expect(old.success && old.data.course && 'allowLocal' in old.data.course).toBe(false);
  });

  it('refuses a token written into the URL (it belongs in the secret store)', () => {
    expect(problems({ url: 'https://student:ghp_abcdef@example.org/c.git' }).join('\n')).toMatch(/course\.url: .*secret store/);
  });

  it('refuses bad branches and folders', () => {
    expect(problems({ url: 'https://example.org/c.git', branch: '-x' })[0]).toMatch(/^course\.branch:/);
    expect(problems({ url: 'https://example.org/c.git', branch: 'a..b' })[0]).toMatch(/^course\.branch:/);
    for (const folder of ['../up', '/abs', '-rf', 'a/-b', 'con', '.classlab', '.classlab/x']) {
      expect(problems({ url: 'https://example.org/c.git', folder })[0], folder).toMatch(/^course\.folder:/);
    }
  });
});
