import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSLAB_VERSION } from '../../electron/core/version';

describe('CLASSLAB_VERSION', () => {
  it("is package.json's version (it is written into every lab pack)", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(CLASSLAB_VERSION).toBe(pkg.version);
  });
});
