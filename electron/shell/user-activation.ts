// Whether the person at the keyboard just asked for something. A page may hand a link to the desktop's
// browser (shell.openExternal) only right after a real click, tap or Enter/Space in its view: what
// Electron reports from the window system ('input-event', 'before-input-event'), which no script can
// fake (dispatchEvent never reaches the main process). A redirect, a timer or a script that opens a link
// on its own gets nothing; and one input opens at most one link.

/** How long an input counts, like a browser's transient user activation. */
export const USER_ACTIVATION_MS = 2000;

/** Mouse and touch events that end a click or a tap (a move, a wheel or a hover is no request). */
const POINTER_ACTIVATIONS: ReadonlySet<string> = new Set(['mouseDown', 'mouseUp', 'gestureTap', 'touchEnd']);
/** Keys that activate a focused link or button; typing code in a cell is not a request to open a link. */
const KEY_ACTIVATIONS: ReadonlySet<string> = new Set(['Enter', ' ']);

export interface InputLike {
  type: string;
  /** For keyboard input ('before-input-event'): the key, as KeyboardEvent.key. */
  key?: string;
}

export function isUserActivation(input: InputLike): boolean {
  if (POINTER_ACTIVATIONS.has(input.type)) return true;
  return (input.type === 'keyDown' || input.type === 'rawKeyDown') && input.key !== undefined && KEY_ACTIVATIONS.has(input.key);
}

/** The activation of one page: recorded on real input, used up by one external open. */
export class UserActivation {
  private lastAt: number | null = null;

  constructor(private readonly windowMs = USER_ACTIVATION_MS) {}

  record(input: InputLike, now: number): void {
    if (isUserActivation(input)) this.lastAt = now;
  }

  /** True (once) when real input came within the window before `now`. */
  consume(now: number): boolean {
    const at = this.lastAt;
    if (at === null || now < at || now - at > this.windowMs) return false;
    this.lastAt = null;
    return true;
  }
}
