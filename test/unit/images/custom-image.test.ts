// Labs built on a base: the Debian package-name grammar, the expert Dockerfile lines' rules, the generated
// Dockerfile, the tag that follows the list, and images whose VOLUMEs would escape the disk limit.
import { describe, expect, it } from 'vitest';
import { customImageTag, isGeneratedBuild } from '../../../electron/core/images/custom-image';
import { debianPackageProblem } from '../../../electron/core/images/debian-packages';
import { dockerfileLineProblems, generatedDockerfile } from '../../../electron/core/images/dockerfile-lines';
import { imageVolumeProblems } from '../../../electron/core/images/image-volumes';
import { Profile } from '../../../electron/core/profiles/schema';

describe('Debian package names', () => {
  it('takes what Debian Policy allows', () => {
    for (const name of ['jq', 'cowsay', 'g++', 'libstdc++6', 'python3.11', 'r-cran-irkernel', '0ad', 'node-typescript'])
      expect(debianPackageProblem(name), name).toBeNull();
  });
  it('refuses options, versions, releases, architectures, globs, paths and shell', () => {
    for (const name of [
      '-oAPT::x=1',
      '--allow-unauthenticated',
      'jq=1.6',
      'jq/sid',
      'jq:i386',
      'j*',
      './x.deb',
      '/tmp/x.deb',
      'jq;id',
      'jq id',
      'JQ',
      'j',
      '',
      '$(id)',
      'a'.repeat(101),
    ])
      expect(debianPackageProblem(name), name).not.toBeNull();
  });
});

describe('expert Dockerfile lines', () => {
  it('allows RUN, ENV, ARG, WORKDIR and USER, comments, blank lines and continuations', () => {
    expect(
      dockerfileLineProblems(['# set up', 'ENV A=1', 'ARG X', 'RUN apt-get update && \\', '    true', '', 'WORKDIR /opt', 'USER root', 'run echo lower']),
    ).toEqual([]);
  });
  it('refuses what would break the floor, by line', () => {
    const refused = [
      'FROM debian:trixie-slim',
      'VOLUME /data',
      'ONBUILD RUN x',
      'ENTRYPOINT ["/bin/sh"]',
      'CMD sh',
      'LABEL classlab.lab=python',
      'ADD https://x/y /y',
      'COPY --from=evil / /',
      'HEALTHCHECK NONE',
      'SHELL ["/bin/sh"]',
      'STOPSIGNAL 9',
      'EXPOSE 22',
      'from x',
    ];
    for (const line of refused) expect(dockerfileLineProblems([line]), line).toHaveLength(1);
    expect(dockerfileLineProblems(['RUN true', 'nonsense here'])[0]?.message).toMatch(/line 2/);
    // Continued or not, a refused instruction word is refused.
    expect(dockerfileLineProblems(['RUN echo \\', 'FROM x'])).toHaveLength(1);
  });
  it('refuses a last line that would swallow ClassLab’s USER, line breaks inside a line, and here-documents', () => {
    expect(dockerfileLineProblems(['RUN echo \\'])[0]?.message).toMatch(/last line/);
    expect(dockerfileLineProblems(['RUN echo \\', '# comment', ''])[0]?.message).toMatch(/last line/);
    expect(dockerfileLineProblems(['RUN true\nUSER root'])).toHaveLength(1);
    expect(dockerfileLineProblems(['RUN cat <<EOF > /x'])).toHaveLength(1);
    expect(dockerfileLineProblems(Array.from({ length: 101 }, () => 'RUN true')).length).toBeGreaterThan(0);
  });
  it('writes the Dockerfile FROM the base, packages as root, the lines, and the lab user last', () => {
    const text = generatedDockerfile({
      baseImage: 'classlab/python:2',
      packages: ['jq', 'cowsay'],
      lines: ['USER root', 'RUN true'],
      user: '1000:1000',
      labels: { 'classlab.custom.lab': 'x"y' },
    });
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('FROM classlab/python:2');
    expect(lines[1]).toBe('USER root');
    expect(text).toMatch(/apt-get install -y --no-install-recommends -- jq cowsay/);
    expect(text).toContain('LABEL classlab.custom.lab="x\\"y"');
    expect(lines.at(-1)).toBe('USER 1000:1000');
    expect(lines.filter((l) => l.startsWith('FROM'))).toHaveLength(1);
  });
});

describe('the tag of a lab built on a base', () => {
  const tag = (base: string, packages: string[], lines: string[] = []) => customImageTag('stats', base, packages, lines);
  it('is the same for the same list and changes with the base, a package, their order or a line', () => {
    const one = tag('classlab/python:2', ['jq']);
    expect(one).toMatch(/^classlab\/custom-stats:[0-9a-f]{16}$/);
    expect(tag('classlab/python:2', ['jq'])).toBe(one);
    const others = [
      tag('classlab/python:3', ['jq']),
      tag('classlab/python:2', ['jq', 'cowsay']),
      tag('classlab/python:2', ['cowsay', 'jq']),
      tag('classlab/python:2', ['jq'], ['RUN true']),
    ];
    expect(new Set([one, ...others]).size).toBe(5);
    expect(customImageTag('other', 'classlab/python:2', ['jq'], [])).not.toBe(one);
  });
  it('is for builds on a base without a folder of their own', () => {
    expect(isGeneratedBuild({ build: { base: 'python' } })).toBe(true);
    expect(isGeneratedBuild({ build: { context: 'python' } })).toBe(false);
    expect(isGeneratedBuild({})).toBe(false);
  });
});

describe("an image's VOLUMEs", () => {
  const profile = Profile.parse({ id: 'x', title: 'X', image: 'a/b:1', mounts: [{ kind: 'course', source: '/srv/c', target: '/home/student/course' }] });
  it('may only be where the lab mounts something of its own', () => {
    expect(
      imageVolumeProblems(['/home/student/work', '/home/student/work/', '/run/classlab', '/tmp', '/home/student', '/home/student/course'], profile),
    ).toEqual([]);
  });
  it('are refused anywhere else, also inside the workspace', () => {
    expect(imageVolumeProblems(['/data', '/home/student/work/big', '/var/lib/mysql'], profile)).toHaveLength(3);
  });
});
