// `npm run dist`: the installers of build/electron-builder.yml (AppImage and deb, NSIS, dmg; each on its
// own platform). electron-builder packs the Electron binary that `npm install` fetched; where there is
// none (ELECTRON_SKIP_BINARY_DOWNLOAD, an offline machine), this says so in one line and exits 1, before
// building anything.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const electronDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const pathFile = path.join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
const why = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
  ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
  : !binary || !existsSync(binary)
    ? `there is no Electron binary in ${path.join(electronDir, 'dist')}`
    : null;
if (why) {
  process.stderr.write(
    `classlab dist: no installers built: ${why} (fetch it where Electron can be downloaded: node node_modules/electron/install.js; then npm run dist again).\n`,
  );
  process.exit(1);
}

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
let status = run(process.execPath, [path.join(root, 'build', 'build.mjs')]);
if (status === 0) {
  const builder = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
  status = run(builder, ['--config', 'build/electron-builder.yml', `-c.electronDist=${path.join(electronDir, 'dist')}`, ...process.argv.slice(2)]);
}
process.exit(status);
