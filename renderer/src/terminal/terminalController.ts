// A terminal view: an xterm.js Terminal with its add-ons (fit, web links, search) in a host element,
// kept at the host's size, with the platform's copy/paste keys, and one shell at a time behind it
// (ShellSession). Used by the TerminalPane component; knows nothing of React.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type IDisposable } from '@xterm/xterm';
import type { LabApi, TerminalSize } from '../../../electron/api/contract';
import { isMacPlatform, shortcutOf } from './keys';
import { LOST_CONNECTION, ShellSession, type ShellChannel, type ShellState } from './shellSession';
import { SEARCH_DECORATIONS, TERMINAL_OPTIONS } from './theme';

export interface ControllerHooks {
  onState(state: ShellState): void;
  onSearchShortcut(): void;
  onSearchResults(results: { index: number; count: number }): void;
  reportError(err: unknown): void;
}

const FIT_DEBOUNCE_MS = 50;

/** Opens http(s) links in a new browser tab; in Electron the shell hands them to the system browser. */
export function openLink(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  window.open(url.href, '_blank', 'noopener');
}

export class TerminalController {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly search = new SearchAddon({ highlightLimit: 2000 });
  private session: ShellSession | null = null;
  private readonly disposables: IDisposable[] = [];
  private readonly observer: ResizeObserver;
  private fitTimer: ReturnType<typeof setTimeout> | null = null;
  private generation: number | null = null;
  private disposed = false;
  private readonly mac = isMacPlatform();

  constructor(
    private readonly api: LabApi,
    private readonly channel: ShellChannel,
    private readonly host: HTMLElement,
    private readonly hooks: ControllerHooks,
  ) {
    this.term = new Terminal({
      ...TERMINAL_OPTIONS,
      // OSC 8 hyperlinks (ls --hyperlink, …): the same rule as plain links, http(s) only.
      linkHandler: { activate: (_event, text) => openLink(text), allowNonHttpProtocols: false },
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.loadAddon(new WebLinksAddon((_event, uri) => openLink(uri)));
    this.term.attachCustomKeyEventHandler((ev) => this.onKey(ev));
    this.disposables.push(
      this.term.onData((data) => this.session?.write(data)),
      // Some mouse reports come as "binary": one character per byte. Only 7-bit ones survive a UTF-8 trip.
      this.term.onBinary((data) => {
        // eslint-disable-next-line no-control-regex -- binary input is passed on only when it is 7-bit
        if (/^[\x00-\x7f]*$/.test(data)) this.session?.write(data);
      }),
      this.term.onResize((size) => {
        this.host.dataset.cols = String(size.cols);
        this.host.dataset.rows = String(size.rows);
        this.session?.resize(size);
      }),
      this.search.onDidChangeResults(({ resultIndex, resultCount }) => this.hooks.onSearchResults({ index: resultIndex, count: resultCount })),
    );
    this.term.open(host);
    this.host.dataset.cols = String(this.term.cols);
    this.host.dataset.rows = String(this.term.rows);
    this.fitNow();
    this.observer = new ResizeObserver(() => this.scheduleFit());
    this.observer.observe(host);
    window.addEventListener('resize', this.scheduleFit);
  }

  /** Starts a shell (the first, or a new one after the last ended). */
  start(generation: number | null): void {
    if (this.disposed) return;
    this.session?.dispose();
    this.fitNow();
    this.generation = generation;
    const size: TerminalSize = { cols: this.term.cols, rows: this.term.rows };
    const onState = (state: ShellState): void => {
      // A shell that has ended takes no more keys, and its cursor stops blinking; the output stays.
      const over = state.kind === 'ended' || state.kind === 'failed';
      this.term.options.disableStdin = over;
      this.term.options.cursorBlink = !over;
      if (over) this.term.write('\x1b[?25l');
      this.hooks.onState(state);
    };
    const session = new ShellSession(this.api, this.channel, this.term, size, { onState, reportError: this.hooks.reportError }, generation);
    this.session = session;
    void session.open();
  }

  /** A fresh shell in the same view: the old output stays above, the terminal's modes are reset. */
  restart(generation: number | null): void {
    if (this.disposed) return;
    const leaveAlternate = this.term.buffer.active.type === 'alternate' ? '\x1b[?1049l' : '';
    // Mouse reporting, bracketed paste and application keys off, cursor shown, colours reset; then a rule.
    this.term.write(`${leaveAlternate}\x1b[!p\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1l\x1b[?25h\x1b[0m`);
    this.term.write(`\r\n\x1b[2m── new shell ──\x1b[0m\r\n`);
    this.start(generation);
  }

  /** The connection to ClassLab came back as a new generation: the bridge has closed this view's shells. */
  connectionChanged(generation: number | null): void {
    if (generation === null || this.generation === null || generation === this.generation) return;
    this.session?.endLocally(LOST_CONNECTION);
  }

  /** The lab stopped but no exit arrived (an event can be missed): show the end anyway. */
  labGone(): void {
    this.session?.endLocally('The lab is no longer running.');
  }

  focus(): void {
    this.term.focus();
  }

  /** Fits the terminal to its host now, if the host is shown (a hidden tab has no size). */
  fitNow(): void {
    if (this.disposed || this.host.clientWidth === 0 || this.host.clientHeight === 0) return;
    try {
      this.fit.fit();
    } catch {
      // Not measurable yet (fonts, layout): the next resize fits.
    }
  }

  findNext(text: string, incremental = false): boolean {
    return this.search.findNext(text, this.searchOptions(incremental));
  }

  findPrevious(text: string): boolean {
    return this.search.findPrevious(text, this.searchOptions(false));
  }

  clearSearch(): void {
    this.search.clearDecorations();
    this.term.clearSelection();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.fitTimer) clearTimeout(this.fitTimer);
    this.observer.disconnect();
    window.removeEventListener('resize', this.scheduleFit);
    this.session?.dispose();
    this.session = null;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.term.dispose();
  }

  private searchOptions(incremental: boolean): ISearchOptions {
    return { incremental, caseSensitive: false, decorations: SEARCH_DECORATIONS };
  }

  private readonly scheduleFit = (): void => {
    if (this.fitTimer) clearTimeout(this.fitTimer);
    this.fitTimer = setTimeout(() => {
      this.fitTimer = null;
      this.fitNow();
    }, FIT_DEBOUNCE_MS);
  };

  /** false: xterm leaves the key alone (no data to the shell; the browser's default may run). */
  private onKey(ev: KeyboardEvent): boolean {
    const shortcut = shortcutOf(ev, this.mac);
    if (!shortcut) return true;
    if (ev.type !== 'keydown') return false;
    if (shortcut === 'copy') {
      ev.preventDefault();
      this.copySelection();
    } else if (shortcut === 'search') {
      ev.preventDefault();
      this.hooks.onSearchShortcut();
    } else {
      this.paste();
    }
    return false;
  }

  private copySelection(): void {
    const text = this.term.getSelection();
    if (!text) return;
    // The clipboard API where the page may use it; otherwise the browser's copy command, whose copy event
    // xterm answers with its selection (the Electron app page has no clipboard permission, for one).
    const viaCommand = (): void => {
      document.execCommand('copy');
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).catch(viaCommand);
    else viaCommand();
  }

  /**
   * Paste without asking for a permission: the browser's own paste (Chromium pastes on Ctrl+Shift+V,
   * macOS on Cmd+V) fires a paste event that xterm handles, bracketed-paste aware. Where no paste event
   * follows the key, read the clipboard through the clipboard API, if the page may.
   */
  private paste(): void {
    const target = this.term.element;
    if (!target) return;
    let pasted = false;
    const seen = (): void => {
      pasted = true;
    };
    target.addEventListener('paste', seen, { capture: true, once: true });
    setTimeout(() => {
      target.removeEventListener('paste', seen, { capture: true });
      if (pasted || this.disposed || !navigator.clipboard?.readText) return;
      navigator.clipboard.readText().then(
        (text) => {
          if (text && !this.disposed) this.term.paste(text);
        },
        () => undefined,
      );
    }, 0);
  }
}
