// Where the shell's files are. main.js is built to dist/electron/, next to preload.cjs, with the renderer
// in dist/renderer/. The catalog (images/) is the repo's folder in development and a resource folder
// beside the app when packaged, where it stays outside the asar archive so Docker can read the build contexts.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface AppPaths {
  preload: string;
  indexHtml: string;
  /** file:// URL of the app page: the only page allowed to call the API. */
  appPageUrl: string;
  /** file:// URL of the renderer folder: its documents get the app CSP. */
  rendererDirUrl: string;
  catalogDir: string;
  /** The app's own images folder: ClassLab's helper images are built only from its Dockerfiles. */
  imagesDir: string;
}

export function resolveAppPaths(mainModuleUrl: string, packaged: { isPackaged: boolean; resourcesPath: string }): AppPaths {
  const electronDir = path.dirname(fileURLToPath(mainModuleUrl));
  const distDir = path.dirname(electronDir);
  const rendererDir = path.join(distDir, 'renderer');
  const indexHtml = path.join(rendererDir, 'index.html');
  const imagesDir = packaged.isPackaged ? path.join(packaged.resourcesPath, 'images') : path.join(path.dirname(distDir), 'images');
  return {
    preload: path.join(electronDir, 'preload.cjs'),
    indexHtml,
    appPageUrl: pathToFileURL(indexHtml).href,
    rendererDirUrl: pathToFileURL(rendererDir + path.sep).href,
    catalogDir: imagesDir,
    imagesDir,
  };
}
