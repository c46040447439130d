// Which web permissions a page may have. Electron grants every permission silently when no handler is
// installed, so shell/session-guard.ts installs one on every session and asks this allowlist. The app page needs
// none (it talks to Node through the preload only); a notebook may write to the clipboard, which "copy"
// buttons in outputs use. Camera, microphone, location, notifications, devices, screen capture: never.

/** Permissions a lab's notebook origin may have, and nothing for any other origin. */
export const NOTEBOOK_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export interface PermissionRequest {
  permission: string;
  /** Who asks: an origin or a full URL, as Electron reports it; may be empty. */
  requesting: string | null | undefined;
  /** The notebook origin this session serves now, or null for the app's own session. */
  notebookOrigin: string | null;
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

export function isPermissionAllowed({ permission, requesting, notebookOrigin }: PermissionRequest): boolean {
  if (!notebookOrigin || !requesting) return false;
  if (originOf(requesting) !== notebookOrigin) return false;
  return NOTEBOOK_PERMISSIONS.has(permission);
}
