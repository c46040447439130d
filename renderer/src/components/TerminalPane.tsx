import '@xterm/xterm/css/xterm.css';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useApi, useReportError } from '../context';
import { useConnection } from '../hooks/useConnection';
import { TerminalController } from '../terminal/terminalController';
import { endMessage, labShell, type ShellState } from '../terminal/shellSession';
import { TerminalSearch } from './TerminalSearch';

interface Props {
  labId: string;
  /** The lab is ready: a new shell can start. */
  labReady: boolean;
  tabId: string;
  panelId: string;
  active: boolean;
  /** Changes on every activation of this tab (even of the active one): the terminal takes the focus. */
  focusToken: number;
  /** Changes when the tab strip's Search button asks for this terminal's search box. */
  searchToken: number;
  onEnded(ended: boolean): void;
}

/** How long the lab may be gone before the view stops waiting for the shell's exit event. */
const LAB_GONE_GRACE_MS = 8000;

/**
 * One terminal tab's panel: an xterm.js view of a shell in the lab. Stays mounted while other tabs are
 * shown (its scrollback survives); closes its shell and drops every listener when it unmounts.
 */
export function TerminalPane({ labId, labReady, tabId, panelId, active, focusToken, searchToken, onEnded }: Props) {
  const api = useApi();
  const reportError = useReportError();
  const connection = useConnection();
  const generation = connection.kind === 'open' ? connection.generation : null;
  const host = useRef<HTMLDivElement>(null);
  const controller = useRef<TerminalController | null>(null);
  const [state, setState] = useState<ShellState>({ kind: 'starting' });
  const [search, setSearch] = useState<{ focus: number } | null>(null);
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);

  // The controller lives as long as the panel; callbacks reach the newest props through refs.
  const latest = useRef({ onEnded, reportError, generation });
  useLayoutEffect(() => {
    latest.current = { onEnded, reportError, generation };
  });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const c = new TerminalController(api, labShell(api, labId), el, {
      onState: (s) => {
        setState(s);
        latest.current.onEnded(s.kind === 'ended' || s.kind === 'failed');
      },
      onSearchShortcut: () => setSearch((s) => ({ focus: (s?.focus ?? 0) + 1 })),
      onSearchResults: setResults,
      reportError: (err) => latest.current.reportError(err),
    });
    controller.current = c;
    c.start(latest.current.generation);
    return () => {
      controller.current = null;
      c.dispose();
    };
  }, [api, labId]);

  useEffect(() => {
    controller.current?.connectionChanged(generation);
  }, [generation]);

  const running = state.kind === 'running' || state.kind === 'starting';
  useEffect(() => {
    if (labReady || !running) return;
    const timer = setTimeout(() => controller.current?.labGone(), LAB_GONE_GRACE_MS);
    return () => clearTimeout(timer);
  }, [labReady, running]);

  // Shown: fit to the (possibly changed) size and take the focus.
  useEffect(() => {
    if (!active) return;
    controller.current?.fitNow();
    controller.current?.focus();
  }, [active, focusToken]);

  useEffect(() => {
    if (searchToken > 0) setSearch((s) => ({ focus: (s?.focus ?? 0) + 1 }));
  }, [searchToken]);

  const closeSearch = (): void => {
    setSearch(null);
    setResults(null);
    controller.current?.clearSearch();
    controller.current?.focus();
  };

  const message = endMessage(state);
  return (
    <div role="tabpanel" id={panelId} aria-labelledby={tabId} hidden={!active} className="lab-panel terminal-panel">
      <div className="terminal-frame">
        <div ref={host} className="terminal-host" data-state={state.kind} />
        <ShellStarting state={state} />
        {search && (
          <TerminalSearch
            focusToken={search.focus}
            results={results}
            onClose={closeSearch}
            onFind={(text, direction) => {
              const c = controller.current;
              if (!c) return;
              if (!text) {
                c.clearSearch();
                setResults(null);
              } else if (direction === 'previous') c.findPrevious(text);
              else c.findNext(text, direction === 'incremental');
            }}
          />
        )}
      </div>
      <div className="terminal-status" role="status" aria-live="polite">
        {message && (
          <div className="terminal-ended">
            <p className="terminal-ended-message">{message}</p>
            {!labReady && <p className="muted small">Open the lab again to start a new shell.</p>}
            <button
              type="button"
              className="button button-primary button-small"
              disabled={!labReady}
              onClick={() => {
                controller.current?.restart(latest.current.generation);
                controller.current?.focus();
              }}
            >
              Start a new shell
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

/** The badge over a terminal while its shell starts (lab or host terminal). */
export function ShellStarting({ state }: { state: ShellState }) {
  if (state.kind !== 'starting') return null;
  return (
    <p className="terminal-starting" role="status">
      <span className="spinner" aria-hidden="true" /> Starting a shell…
    </p>
  );
}
