// The profile editor's form model against the real profile schema: a form becomes a draft, the draft goes
// through the very parse the catalog uses (parseCatalog, as profiles:check does), and each problem lands
// beside the field the instructor typed it in.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../electron/core/profiles/catalog';
import {
  blankForm,
  draftFromForm,
  fieldErrors,
  fieldOf,
  formFromProfile,
  hasErrors,
  packageLines,
  type ProfileForm,
} from '../../../renderer/src/editor/profileForm';

const form = (over: Partial<ProfileForm> = {}): ProfileForm => ({ ...blankForm('base', 'python'), id: 'stats', title: 'Statistics', ...over });
/** What profiles:check does with a draft built on a base: a placeholder image, then the catalog's parse. */
const check = (f: ProfileForm) => {
  const draft = draftFromForm(f);
  const input = f.source === 'base' ? { ...draft, image: 'classlab/custom-pending:unbuilt' } : draft;
  const parsed = parseCatalog({ schema: 1, labs: [input] }, { allowBuildLines: true });
  return { parsed, errors: fieldErrors(f, parsed.problems) };
};

describe('the profile form model', () => {
  it('a complete form is a profile the schema accepts, with what was typed', () => {
    const { parsed, errors } = check(
      form({
        description: ' Descriptive statistics ',
        packages: 'jq\n# a comment\n\ncowsay\njq\n',
        lines: 'RUN echo hi > /etc/hi\n\n',
        memoryMiB: '1024',
        cpus: '1.5',
        diskMiB: '512',
        network: 'internet',
        idleMinutes: '15',
        courseUrl: 'https://git.example.org/teach/stats.git',
        courseSyncOnOpen: true,
      }),
    );
    expect(hasErrors(errors)).toBe(false);
    expect(parsed.profiles[0]).toMatchObject({
      id: 'stats',
      description: 'Descriptive statistics',
      build: { base: 'python', packages: ['jq', 'cowsay'], lines: ['RUN echo hi > /etc/hi'] },
      resources: { memoryMiB: 1024, cpus: 1.5, diskMiB: 512, pids: 512 },
      network: 'internet',
      idleMinutes: 15,
      course: { url: 'https://git.example.org/teach/stats.git', branch: 'main', folder: 'course', syncOnOpen: true },
    });
  });

  it("puts each of the schema's problems beside its field", () => {
    const { errors } = check(
      form({
        id: 'Stats Lab',
        title: '',
        memoryMiB: '64',
        cpus: '500',
        pids: '1',
        diskMiB: '8',
        idleMinutes: '99999',
        courseUrl: 'ext::sh -c touch% /tmp/x',
        courseBranch: '--upload-pack=x',
        courseFolder: '../out',
      }),
    );
    expect(errors.id?.[0]).toMatch(/lower-case/);
    expect(errors.title).toBeDefined();
    for (const f of ['memoryMiB', 'cpus', 'pids', 'diskMiB', 'idleMinutes', 'courseUrl', 'courseBranch', 'courseFolder'] as const) {
      expect(errors[f], f).toBeDefined();
    }
    expect(errors.other).toBeUndefined();
  });

  it('names the package line a problem is about, and refuses what is no Debian package name', () => {
    const { errors } = check(form({ packages: 'jq\n-oAPT::Get::AllowUnauthenticated=1\npython3=3.11\nA\n' }));
    expect(errors.packages).toHaveLength(3);
    expect(errors.packages?.join(' ')).toMatch(/-oAPT/);
    expect(errors.packages?.join(' ')).toMatch(/without a version/);
    expect(errors.packages?.join(' ')).toMatch(/"A"|at least two/);
  });

  it('puts expert-line problems under the lines field, by line number', () => {
    const { errors } = check(form({ lines: 'RUN true\nFROM debian:trixie-slim\nVOLUME /data\nRUN echo \\' }));
    expect(errors.lines?.some((m) => /line 2: FROM/.test(m))).toBe(true);
    expect(errors.lines?.some((m) => /line 3: VOLUME/.test(m))).toBe(true);
    expect(errors.lines?.some((m) => /last line must not end/.test(m))).toBe(true);
  });

  it('says itself when a number field holds no number (rather than "expected number")', () => {
    const { errors } = check(form({ memoryMiB: 'lots' }));
    expect(errors.memoryMiB).toEqual(['a number, such as 2048']);
  });

  it('a public image: the image field, checked by the schema (reserved names too)', () => {
    const ok = check(form({ source: 'image', image: 'jupyter/scipy-notebook:2024-01-15' }));
    expect(hasErrors(ok.errors)).toBe(false);
    expect(ok.parsed.profiles[0]?.build).toBeUndefined();
    expect(check(form({ source: 'image', image: 'classlab/gate:3' })).errors.image?.[0]).toMatch(/ClassLab/i);
    expect(check(form({ source: 'image', image: 'Not An Image' })).errors.image).toBeDefined();
    expect(check(form({ source: 'image', image: '' })).errors.image?.[0]).toMatch(/public image/);
  });

  it('reads a profile back into the same form (round trip), keeping fields it does not edit', () => {
    const profile = {
      id: 'python',
      title: 'Python notebook',
      description: 'Jupyter',
      image: 'classlab/python:3',
      build: { context: 'python' },
      server: { user: '1000:1000', workspace: '/home/student/work' },
      runtime: 'auto',
      resources: { memoryMiB: 2048, cpus: 1, pids: 512, diskMiB: 2048 },
      network: 'none',
      mounts: [{ kind: 'course', source: '/srv/course', target: '/home/student/shared', readOnly: true }],
      idleMinutes: 60,
    };
    const f = formFromProfile(profile);
    expect(f).toMatchObject({
      source: 'folder',
      context: 'python',
      image: 'classlab/python:3',
      mounts: [{ source: '/srv/course', target: '/home/student/shared' }],
    });
    expect(draftFromForm(f)).toMatchObject({ ...profile, description: 'Jupyter' });
  });

  it("a new lab starts with this machine's default resources", () => {
    expect(blankForm('base', 'python', { memoryMiB: 4096, cpus: 2, pids: 256, diskMiB: 8192 })).toMatchObject({
      memoryMiB: '4096',
      cpus: '2',
      pids: '256',
      diskMiB: '8192',
    });
    expect(blankForm()).toMatchObject({ memoryMiB: '2048', cpus: '1', pids: '512', diskMiB: '2048' });
  });

  it('keeps the base of a bundled folder built on another lab, and what the lab opens on', () => {
    const profile = {
      id: 'code',
      title: 'Programming lab',
      description: 'C, C++, Java and JavaScript',
      image: 'classlab/code:1',
      build: { context: 'code', base: 'python' },
      resources: { memoryMiB: 2048, cpus: 1, pids: 512, diskMiB: 2048 },
      network: 'none',
      mounts: [],
      idleMinutes: 60,
      layout: 'terminal',
    };
    const f = formFromProfile(profile);
    expect(f).toMatchObject({ source: 'folder', context: 'code', base: 'python', layout: 'terminal' });
    expect(draftFromForm(f)).toMatchObject({ build: { context: 'code', base: 'python' }, layout: 'terminal' });
    expect(formFromProfile({ ...profile, layout: undefined }).layout).toBe('notebook');
    expect(draftFromForm({ ...f, layout: 'notebook' }).layout).toBe('notebook');
    expect(fieldOf('layout')).toBe('layout');
  });

  it('maps every path of the schema to a field', () => {
    expect(fieldOf('resources.memoryMiB')).toBe('memoryMiB');
    expect(fieldOf('build.packages.3')).toBe('packages');
    expect(fieldOf('build.lines.0')).toBe('lines');
    expect(fieldOf('build.context')).toBe('source');
    expect(fieldOf('build.base')).toBe('base');
    expect(fieldOf('course.allowLocal')).toBe('courseUrl');
    expect(fieldOf('mounts.0.source')).toBe('mounts');
    expect(fieldOf('server.user')).toBe('other');
    expect(packageLines(' jq \r\ncowsay # talks\n')).toEqual(['jq', 'cowsay']);
  });
});
