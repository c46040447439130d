// Where ClassLab keeps its own files when Electron is absent (Electron uses app.getPath('userData')).
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  if (env.CLASSLAB_HOME) return path.resolve(env.CLASSLAB_HOME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ClassLab');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ClassLab');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'classlab');
}
