import '@xterm/xterm/css/xterm.css';
import './hostterm.css';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useAdminLock, useApi, useReportError } from '../../context';
import { useConnection } from '../../hooks/useConnection';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import { endMessage, hostShell, type ShellState } from '../../terminal/shellSession';
import { TerminalController } from '../../terminal/terminalController';
import { ScreenToolbar } from '../ScreenToolbar';
import { ShellStarting } from '../TerminalPane';

interface Props {
  onBack(): void;
}

/**
 * The host terminal (admin only): a shell on this computer as the desktop user, in the same xterm view as
 * a lab's terminals, for engine set-up and diagnostics. It ends when the admin area locks; a new one needs
 * the PIN again.
 */
export function HostTerminalScreen({ onBack }: Props) {
  const api = useApi();
  const admin = useAdminLock();
  const reportError = useReportError();
  const connection = useConnection();
  const generation = connection.kind === 'open' ? connection.generation : null;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const host = useRef<HTMLDivElement>(null);
  const controller = useRef<TerminalController | null>(null);
  const [state, setState] = useState<ShellState>({ kind: 'starting' });
  const latest = useRef({ reportError, generation });
  useLayoutEffect(() => {
    latest.current = { reportError, generation };
  });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const c = new TerminalController(api, hostShell(api), el, {
      onState: setState,
      onSearchShortcut: () => {},
      onSearchResults: () => {},
      reportError: (err) => latest.current.reportError(err),
    });
    controller.current = c;
    c.start(latest.current.generation);
    c.focus();
    return () => {
      controller.current = null;
      c.dispose();
    };
  }, [api]);

  useEffect(() => {
    controller.current?.connectionChanged(generation);
  }, [generation]);

  const startAgain = async (): Promise<void> => {
    if (!(await admin.ensure('Opening the host terminal'))) return;
    controller.current?.restart(latest.current.generation);
    controller.current?.focus();
  };

  const message = endMessage(state);
  const unlocked = admin.status?.unlocked ?? false;
  return (
    <div className="screen host-terminal-screen">
      <ScreenToolbar title="Host terminal" headingRef={heading} onBack={onBack} />
      <p className="host-terminal-note" id="host-terminal-note">
        A shell on <strong>this computer</strong>, as its desktop user, not in a lab: for Docker set-up and diagnostics (<code>docker info</code>,{' '}
        <code>docker logs</code>). It closes when the admin area locks. What it shows is not kept in ClassLab’s log.
      </p>
      <main className="lab-panel terminal-panel host-terminal-panel" aria-label="Host terminal" aria-describedby="host-terminal-note">
        <div className="terminal-frame">
          <div ref={host} className="terminal-host" data-state={state.kind} />
          <ShellStarting state={state} />
        </div>
        <div className="terminal-status" role="status" aria-live="polite">
          {message && (
            <div className="terminal-ended">
              <p className="terminal-ended-message">{message}</p>
              <button type="button" className="button button-primary button-small" onClick={() => void startAgain()}>
                {unlocked ? 'Start a new shell' : 'Unlock and start a new shell'}
              </button>
            </div>
          )}
        </div>
      </main>
    </div>
  );
}
