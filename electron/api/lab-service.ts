// The full contract service for one client (an Electron window, a browser tab): the core's methods,
// plus the notebook placement that each shell does its own way (Electron: a native view of the window
// that asked; the bridge: a frame at the lab's address). Built by iterating the methods table, so a new
// core method is served here, over IPC and over the bridge, with no edit. Admin methods pass the admin
// lock's gate (core/admin): both transports get the same rule from here.
import { METHOD_NAMES, type LabService, type MethodName, type NotebookPlacement, type Rect } from './contract';
import type { MethodFunction } from './by-area';
import { gateAdmin } from '../core/admin/admin-gate';
import type { ClassLabCore, CoreService } from '../core/types';

export interface NotebookPort {
  /** `path`: a workspace file to open in the view, or null to keep what it shows. */
  show(labId: string, rect: Rect, path: string | null): Promise<NotebookPlacement>;
  hide(): Promise<null>;
}

/** The methods the core leaves to the shell (the notebook placement). */
type ShellMethod = Exclude<MethodName, keyof CoreService>;

export function labServiceFor(core: Pick<ClassLabCore, 'service' | 'admin'>, notebook: NotebookPort): LabService {
  const shell: Pick<LabService, ShellMethod> = {
    'notebook:show': (id, rect, path) => notebook.show(id, rect, path),
    'notebook:hide': () => notebook.hide(),
  };
  const service: Partial<Record<MethodName, MethodFunction>> = {};
  for (const channel of METHOD_NAMES) {
    const owner: object = Object.hasOwn(shell, channel) ? shell : core.service;
    const handler = (owner as Partial<Record<MethodName, MethodFunction>>)[channel];
    // A method nobody implements stays absent, so dispatch answers NOT_SUPPORTED rather than crashing.
    // Called on its own object: a core implemented as a class keeps its `this`.
    if (typeof handler === 'function') service[channel] = (...args) => handler.apply(owner, args);
  }
  return gateAdmin(service, core.admin) as LabService;
}
