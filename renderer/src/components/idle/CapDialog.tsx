import { useEffect, useState } from 'react';
import type { LabIdle, LabView } from '../../../../electron/api/contract';
import { isRunning } from '../../../../electron/api/phase-rules';
import { useApi, useReportError } from '../../context';
import { idleTimeWords } from '../../idleWords';
import { ModalDialog } from '../ModalDialog';

interface Props {
  /** The refusal's message (TOO_MANY_LABS); null: closed. */
  message: string | null;
  labs: LabView[];
  /** The lab that was refused, opened again once one was stopped. */
  opening: LabView | null;
  stop(labId: string): Promise<unknown>;
  open(labId: string): Promise<unknown>;
  onClose(): void;
}

/**
 * Too many labs run: the running labs with their idle time, longest idle first, and an offer to stop the
 * longest-idle one (then open the refused lab). Nothing is stopped unless the user presses Stop.
 */
export function CapDialog({ message, labs, opening, stop, open, onClose }: Props) {
  const api = useApi();
  const reportError = useReportError();
  const [idle, setIdle] = useState<LabIdle[] | null>(null);
  const [stopping, setStopping] = useState(false);

  useEffect(() => {
    if (message === null) return;
    let live = true;
    setIdle(null);
    api.labs
      .idle()
      .then((list) => live && setIdle(list))
      .catch(() => live && setIdle([]));
    return () => {
      live = false;
    };
  }, [api, message]);

  const running = labs.filter((l) => isRunning(l.phase) && l.id !== opening?.id);
  const idleOf = new Map((idle ?? []).map((l) => [l.labId, l]));
  // Longest idle first; busy labs and those not measured yet after them.
  const rows = [...running].sort((a, b) => score(idleOf.get(b.id)) - score(idleOf.get(a.id)) || a.title.localeCompare(b.title));
  const longest = rows.find((l) => {
    const i = idleOf.get(l.id);
    return i && i.busy.length === 0;
  });

  const stopLongest = async () => {
    if (!longest) return;
    setStopping(true);
    try {
      await stop(longest.id);
      onClose();
      if (opening) await open(opening.id);
    } catch (err) {
      reportError(err);
    } finally {
      setStopping(false);
    }
  };

  return (
    <ModalDialog
      open={message !== null}
      title="Too many labs are running"
      size="wide"
      onCancel={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose} disabled={stopping}>
            Cancel
          </button>
          {longest && (
            <button type="button" className="button button-primary" onClick={() => void stopLongest()} disabled={stopping || idle === null}>
              {stopping ? `Stopping ${longest.title}…` : `Stop ${longest.title}${opening ? ` and open ${opening.title}` : ''}`}
            </button>
          )}
        </>
      }
    >
      <p>{message}</p>
      {idle === null ? (
        <p className="muted">
          <span className="spinner spinner-small" aria-hidden="true" /> Reading how long each lab has been idle…
        </p>
      ) : (
        <ul className="cap-list" aria-label="Running labs">
          {rows.map((l) => (
            <li key={l.id}>
              <strong>{l.title}</strong> — {idleTimeWords(idleOf.get(l.id))}
              {l.id === longest?.id && <span className="cap-longest"> (longest idle)</span>}
            </li>
          ))}
        </ul>
      )}
      {idle !== null && !longest && <p>Every running lab is busy: stop one yourself from the launcher if you want to.</p>}
      <p className="muted small">Stopping keeps the lab's files; you can open it again later.</p>
    </ModalDialog>
  );
}

function score(i: LabIdle | undefined): number {
  if (!i) return -2;
  if (i.busy.length > 0) return -1;
  return i.idleSeconds;
}
