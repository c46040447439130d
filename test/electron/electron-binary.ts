// Whether the real Electron can run here, found the way build/start.mjs finds it (never by requiring the
// electron package, whose index.js would try to download the binary).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ElectronHere = { ok: true; binary: string } | { ok: false; reason: string };

export function electronHere(env: NodeJS.ProcessEnv = process.env): ElectronHere {
  const electronDir = path.join(repoRoot, 'node_modules', 'electron');
  const pathTxt = path.join(electronDir, 'path.txt');
  const name = existsSync(pathTxt)
    ? readFileSync(pathTxt, 'utf8').trim()
    : process.platform === 'darwin'
      ? 'Electron.app/Contents/MacOS/Electron'
      : process.platform === 'win32'
        ? 'electron.exe'
        : 'electron';
  const binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist'), name);
  if (!existsSync(binary)) return { ok: false, reason: `Electron binary not installed (${path.relative(repoRoot, binary)} is missing)` };
  if (process.platform !== 'darwin' && process.platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'No display for Electron (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { ok: true, binary };
}
