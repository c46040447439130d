// The installers' configuration (build/electron-builder.yml) through electron-builder's own loader and
// validation (app-builder-lib's getConfig and validateConfiguration, which checks against its
// scheme.json), as `electron-builder` itself does before building: a broken config fails `npm test`.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../support/docker';

// app-builder-lib is electron-builder's own dependency: resolved from electron-builder, wherever npm put it.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const config = fromBuilder('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debug: unknown): Promise<void>;
};
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const CONFIG = path.join(REPO, 'build', 'electron-builder.yml');

async function validate(file: string): Promise<Record<string, unknown>> {
  const loaded = await config.getConfig(REPO, file, null);
  await config.validateConfiguration(loaded, new DebugLogger(false));
  return loaded;
}

describe('build/electron-builder.yml', () => {
  it("passes electron-builder's validation, with every target and file it names", async () => {
    const c = (await validate(CONFIG)) as {
      linux: { target: string[] };
      win: { target: string[] };
      mac: { target: string[] };
      deb: { afterInstall: string; afterRemove: string };
      icon: string;
      extraResources: { from: string; to: string }[];
    };
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c.mac.target).toEqual(['dmg']);
    for (const f of [c.icon, c.deb.afterInstall, c.deb.afterRemove, ...c.extraResources.map((r) => r.from)])
      expect(existsSync(path.join(REPO, f)), `${f} is named in the config`).toBe(true);
    // The deb puts the command line on the PATH.
    expect(c.extraResources).toContainEqual({ from: 'build/electron-builder-classlab.sh', to: 'classlab' });
    // Loading electron-builder's code takes seconds on a busy machine.
  }, 60_000);

  it('refuses a broken configuration (an unknown option, a wrong type)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-builder-'));
    const broken = path.join(dir, 'broken.yml');
    writeFileSync(broken, 'appId: org.classlab.desktop\nlinux:\n  target: AppImage\n  notAnOption: true\n');
    await expect(validate(broken)).rejects.toThrow(/notAnOption|Invalid configuration/);
    writeFileSync(broken, 'appId: org.classlab.desktop\nnsis:\n  oneClick: "sometimes"\n');
    await expect(validate(broken)).rejects.toThrow(/oneClick/);
  }, 60_000);
});
