// How a terminal looks: dark in both the light and the dark app theme (as most terminals are), with an
// ANSI palette that stays readable on it, and the app's monospace stack.
import type { ITerminalOptions, ITheme } from '@xterm/xterm';

export const TERMINAL_THEME: ITheme = {
  background: '#10151f',
  foreground: '#e3e8ef',
  cursor: '#f8fafc',
  cursorAccent: '#10151f',
  selectionBackground: '#3b82f680',
  selectionInactiveBackground: '#64748b66',
  black: '#1e2430',
  red: '#f87171',
  green: '#4ade80',
  yellow: '#facc15',
  blue: '#60a5fa',
  magenta: '#c084fc',
  cyan: '#22d3ee',
  white: '#d1d5db',
  brightBlack: '#7b8494',
  brightRed: '#fca5a5',
  brightGreen: '#86efac',
  brightYellow: '#fde047',
  brightBlue: '#93c5fd',
  brightMagenta: '#d8b4fe',
  brightCyan: '#67e8f9',
  brightWhite: '#f9fafb',
  scrollbarSliderBackground: '#94a3b84d',
  scrollbarSliderHoverBackground: '#94a3b880',
  scrollbarSliderActiveBackground: '#94a3b8a6',
};

export const TERMINAL_FONT =
  "ui-monospace, 'SFMono-Regular', 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', 'Noto Sans Mono', monospace";

/** Lines kept above the screen. The issue asks for at least 5,000. */
export const SCROLLBACK_LINES = 10_000;

export const TERMINAL_OPTIONS: ITerminalOptions = {
  theme: TERMINAL_THEME,
  fontFamily: TERMINAL_FONT,
  fontSize: 14,
  lineHeight: 1.15,
  scrollback: SCROLLBACK_LINES,
  cursorBlink: true,
  cursorInactiveStyle: 'outline',
  // Dim colours (blue on black) get lifted until they can be read.
  minimumContrastRatio: 4.5,
  // The search add-on highlights matches with decorations, which xterm still calls a proposed API.
  allowProposedApi: true,
  macOptionIsMeta: false,
  rightClickSelectsWord: true,
};

/** Highlights of the search add-on. */
export const SEARCH_DECORATIONS = {
  matchBackground: '#854d0e',
  matchBorder: '#a16207',
  matchOverviewRuler: '#ca8a04',
  activeMatchBackground: '#ca8a04',
  activeMatchBorder: '#fde047',
  activeMatchColorOverviewRuler: '#fde047',
} as const;
