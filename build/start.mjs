// `npm start` (after `npm run build`): opens ClassLab in Electron. Where Electron cannot run — its binary
// was never downloaded, or there is no display — it says so in one line that names `npm run serve` (the
// same UI in a browser) and exits 1, instead of a stack trace from Electron's installer.
//
// It deliberately never require()s the electron package: electron 45's index.js downloads the binary
// lazily on first require, which would turn a missing binary into a long failure here.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const electronDir = path.join(root, 'node_modules', 'electron');
/** How long the one download attempt may take before we give up on it. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

function cannotStart(reason) {
  console.error(`ClassLab can't open its window here (${reason}). Run \`npm run serve\` to use ClassLab in your browser.`);
  process.exit(1);
}

/** The executable's path inside dist/, as the electron package's installer names it. */
function platformExecutable() {
  const fromInstaller = path.join(electronDir, 'path.txt');
  if (existsSync(fromInstaller)) return readFileSync(fromInstaller, 'utf8').trim();
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** Where the binary is, or null. ELECTRON_OVERRIDE_DIST_PATH is honoured as the electron package does. */
function findBinary() {
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  const binary = path.join(distDir, platformExecutable());
  return existsSync(binary) ? binary : null;
}

function locateElectron() {
  if (!existsSync(path.join(electronDir, 'package.json'))) cannotStart('the electron package is not installed: run `npm install`');
  let binary = findBinary();
  if (binary) return binary;
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) cannotStart('no Electron binary: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was never downloaded');
  // One try at the package's own installer, quietly: on a normal machine it fetches the binary; offline it
  // fails, and its stack trace would only bury the one line that matters.
  const install = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: 'ignore',
    timeout: DOWNLOAD_TIMEOUT_MS,
  });
  binary = findBinary();
  if (binary) return binary;
  cannotStart(install.error?.code === 'ETIMEDOUT' ? 'no Electron binary: its download timed out' : 'no Electron binary: its download failed');
}

function checkDisplay() {
  // Linux and the BSDs draw through X11 or Wayland; without either Electron aborts with a cryptic error.
  if (process.platform === 'darwin' || process.platform === 'win32') return;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) cannotStart('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
}

function checkBuilt() {
  let main;
  try {
    main = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main;
  } catch {
    cannotStart('package.json cannot be read');
  }
  if (typeof main !== 'string' || !existsSync(path.join(root, main))) {
    cannotStart(`the app is not built: ${typeof main === 'string' ? main : 'package.json "main"'} is missing, run \`npm run build\``);
  }
}

function run(binary) {
  const env = { ...process.env };
  // Inherited from a parent Electron tool, this would make the binary behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, ['.', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit', windowsHide: false });
  child.on('error', (err) => cannotStart(`Electron could not be started: ${err.message}`));
  // Ctrl-C and service stops go to the app, which quits in order (closing its core) and exits by itself.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => {
    if (code === null) {
      console.error(`ClassLab's window was stopped by ${signal}.`);
      process.exit(1);
    }
    process.exit(code);
  });
}

const binary = locateElectron();
checkDisplay();
checkBuilt();
run(binary);
