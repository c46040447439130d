import { useEffect, useRef, useState } from 'react';
import type { LabView, NotebookPlacement, Rect } from '../../../electron/api/contract';
import { useApi, useReportError } from '../context';
import { enqueueNotebookCall } from '../notebookQueue';
import { takeNotebookRequest, useNotebookRequestSeq } from '../notebookRequest';
import { useOverlayOpen } from '../overlays';

const px = (v: number): number => Math.min(20000, Math.max(0, Math.round(v)));

function rectOf(el: HTMLElement): Rect {
  const r = el.getBoundingClientRect();
  return { x: px(r.left), y: px(r.top), width: px(r.width), height: px(r.height) };
}

/**
 * Where the notebook of a ready lab is drawn. Tells the Node side the area's rectangle (again on every
 * resize): Electron lays a native view over it; a browser gets an address for a frame. Hidden on unmount,
 * while a dialog is open, and while `hidden` (another tab is shown): the frame stays loaded meanwhile.
 */
export function NotebookArea({ lab, hidden = false }: { lab: Pick<LabView, 'id' | 'title'>; hidden?: boolean }) {
  const api = useApi();
  const reportError = useReportError();
  const ref = useRef<HTMLDivElement>(null);
  const [placement, setPlacement] = useState<NotebookPlacement | null>(null);
  // While a dialog is open the native view (Electron) must not cover it: hide it until the dialog closes.
  const covered = useOverlayOpen();
  const stepAside = covered || hidden;
  // The Files panel asked to open a notebook: show it on the next call (now, when the area is shown).
  const requestSeq = useNotebookRequestSeq();
  const placeNow = useRef<(() => void) | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el || stepAside) return;
    let alive = true;
    let last = '';
    let frame = 0;
    const place = (): void => {
      const rect = rectOf(el);
      const key = `${rect.x},${rect.y},${rect.width},${rect.height}`;
      const path = takeNotebookRequest(lab.id);
      if (key === last && path === null) return;
      last = key;
      enqueueNotebookCall(() => api.notebook.show(lab.id, rect, path)).then(
        (p) => {
          if (!alive) return;
          // A frame keeps the page it navigated to: only a requested path (or the first show) changes its address.
          setPlacement((old) => {
            if (old && JSON.stringify(old) === JSON.stringify(p)) return old;
            if (old?.kind === 'frame' && p.kind === 'frame' && path === null) return old;
            return p;
          });
        },
        (err: unknown) => {
          if (alive) reportError(err);
        },
      );
    };
    const schedule = (): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    };
    const observer = new ResizeObserver(schedule);
    observer.observe(el);
    window.addEventListener('resize', schedule);
    placeNow.current = place;
    place();
    return () => {
      alive = false;
      placeNow.current = null;
      cancelAnimationFrame(frame);
      observer.disconnect();
      window.removeEventListener('resize', schedule);
      enqueueNotebookCall(() => api.notebook.hide()).catch(() => {});
    };
  }, [api, lab.id, reportError, stepAside]);

  useEffect(() => {
    if (requestSeq > 0) placeNow.current?.();
  }, [requestSeq]);

  return (
    <div ref={ref} className="notebook-area">
      {placement?.kind === 'frame' && (
        // The notebook page renders student output. What keeps it to its lab is the gate's CSP (images/gate);
        // the sandbox adds what a frame needs and no more: scripts and its own origin (Jupyter's cookies),
        // forms, downloads, dialogs, and popups, which Chromium and Firefox open only within a moment of the
        // user's click or key (a script alone opens none: test/e2e/page-egress.test.ts). Never top
        // navigation: the frame cannot replace ClassLab's page. A frame may always navigate itself, though:
        // docs/design-notes.md says what a browser cannot stop.
        <iframe
          className="notebook-frame"
          title={`Notebook for ${lab.title}`}
          src={placement.url}
          sandbox="allow-scripts allow-same-origin allow-forms allow-downloads allow-modals allow-popups"
          referrerPolicy="no-referrer"
        />
      )}
      {placement?.kind === 'view' && <div className="notebook-view" aria-label={`Notebook for ${lab.title}`} role="region" />}
      {placement === null && (
        <div className="notebook-loading" role="status">
          <span className="spinner" aria-hidden="true" /> Opening the notebook…
        </div>
      )}
    </div>
  );
}
