import { describe, expect, it } from 'vitest';
import { formatBytes, formatMiB } from '../../electron/api/units';
import * as rendererFormat from '../../renderer/src/files/format';

describe('sizes in words: one formatter for the core and the UI', () => {
  it('counts bytes in powers of 1000, as file managers do', () => {
    expect(formatBytes(273)).toBe('273 B');
    expect(formatBytes(1234567)).toBe('1.2 MB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.1 MB');
    expect(formatBytes(150_000_000)).toBe('150 MB');
  });
  it('writes a MiB limit as the profile states it', () => {
    expect([formatMiB(256), formatMiB(1024), formatMiB(1536), formatMiB(2048)]).toEqual(['256 MiB', '1 GiB', '1.5 GiB', '2 GiB']);
  });
  it('the renderer shows the very same functions', () => {
    expect(rendererFormat.formatBytes).toBe(formatBytes);
    expect(rendererFormat.formatMiB).toBe(formatMiB);
  });
});
