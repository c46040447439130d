// Image references as Docker reads them, and the list of reserved base images kept equal to the FROM
// lines of ClassLab's own helper Dockerfiles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELPER_BASE_IMAGES, parseImageName, reservedImageReason } from '../../../electron/core/images/reserved-names';
import { GATE_IMAGE } from '../../../electron/core/sandbox/policy';

describe('image names', () => {
  it('splits registry, repository and tag as Docker does', () => {
    expect(parseImageName('classlab/gate:2')).toEqual({ registry: null, repository: 'classlab/gate', tag: '2', dockerHub: true });
    expect(parseImageName('debian')).toMatchObject({ repository: 'debian', tag: 'latest', dockerHub: true });
    expect(parseImageName('docker.io/library/debian:bookworm-slim')).toMatchObject({
      registry: 'docker.io',
      repository: 'debian',
      tag: 'bookworm-slim',
      dockerHub: true,
    });
    expect(parseImageName('localhost:5000/a/b:1@sha256:' + 'f'.repeat(64))).toEqual({
      registry: 'localhost:5000',
      repository: 'a/b',
      tag: '1',
      dockerHub: false,
    });
    // "a/b": a is a Hub user, not a registry (no dot, no port, not localhost).
    expect(parseImageName('a/b')).toMatchObject({ registry: null, repository: 'a/b' });
  });

  it("reserves the gate's own tag", () => {
    expect(reservedImageReason(GATE_IMAGE)).toContain("ClassLab's own helper image");
  });

  it('reserves exactly the images the helper Dockerfiles are built FROM', () => {
    const dockerfile = readFileSync(new URL('../../../images/gate/Dockerfile', import.meta.url), 'utf8');
    const from = [...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]);
    expect(from.length).toBeGreaterThan(0);
    for (const base of from) expect(HELPER_BASE_IMAGES as readonly string[], `add ${base} to HELPER_BASE_IMAGES`).toContain(base);
    for (const base of from) expect(reservedImageReason(base!)).toMatch(/base of ClassLab/);
  });
});
