// The terminal's own shortcuts, by platform. Everything else goes to the shell: Ctrl+C stays SIGINT,
// Ctrl+V stays "insert the next character literally", as in any Linux terminal.
//   Linux, Windows: Ctrl+Shift+C copy, Ctrl+Shift+V paste, Ctrl+Shift+F search.
//   macOS: Cmd+C copy, Cmd+V paste, Cmd+F search (Ctrl+Shift+F too).

export type TerminalShortcut = 'copy' | 'paste' | 'search';

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

export function isMacPlatform(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

/** The letter of a key, layout-independent where possible ("KeyC" → "c"), else the key itself. */
function letterOf(e: KeyLike): string {
  const m = /^Key([A-Z])$/.exec(e.code);
  return m?.[1] ? m[1].toLowerCase() : e.key.toLowerCase();
}

const BY_LETTER: Readonly<Record<string, TerminalShortcut>> = { c: 'copy', v: 'paste', f: 'search' };

export function shortcutOf(e: KeyLike, mac: boolean): TerminalShortcut | null {
  if (e.altKey) return null;
  const letter = letterOf(e);
  if (mac && e.metaKey && !e.ctrlKey && !e.shiftKey) return BY_LETTER[letter] ?? null;
  if (e.ctrlKey && e.shiftKey && !e.metaKey) return BY_LETTER[letter] ?? null;
  return null;
}

/** How the shortcuts read in this platform's words, for tooltips. */
export function shortcutLabel(shortcut: TerminalShortcut, mac: boolean): string {
  const letter = shortcut === 'copy' ? 'C' : shortcut === 'paste' ? 'V' : 'F';
  return mac ? `⌘${letter}` : `Ctrl+Shift+${letter}`;
}
