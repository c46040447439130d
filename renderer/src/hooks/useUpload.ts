import { useCallback, useRef, useState } from 'react';
import type { ClashChoice, UploadPlan, UploadResult } from '../../../electron/api/contract';
import type { UploadItem } from '../files/uploadItems';
import { sendUpload, uploadUrl, type RunningUpload, type UploadProgress } from '../files/transfer';
import { useApi } from '../context';
import { errorCode } from '../errors';

export type UploadState =
  | { kind: 'idle' }
  | { kind: 'planning'; count: number }
  | { kind: 'asking'; plan: UploadPlan; items: UploadItem[]; dir: string }
  | { kind: 'sending'; progress: UploadProgress; dir: string }
  | { kind: 'done'; result: UploadResult; dir: string }
  /** Cancelled while sending: said so, so the user knows nothing was kept. */
  | { kind: 'cancelled' };

export interface Upload {
  state: UploadState;
  /** Plans an upload of `items` into `dir`; asks about clashes (state 'asking') or sends at once. */
  start(dir: string, items: UploadItem[]): Promise<void>;
  /** The answer to the clash question; null cancels. */
  choose(choice: ClashChoice | null): Promise<void>;
  cancel(): void;
  dismiss(): void;
}

/**
 * One upload at a time: plan (the core checks names, clashes and room), ask about clashes, then send the
 * tar with progress. Errors go to `onError` (a refused plan uploads nothing); `onWritten` refreshes.
 */
export function useUpload(labId: string, onError: (err: unknown) => void, onWritten: () => void): Upload {
  const api = useApi();
  const [state, setState] = useState<UploadState>({ kind: 'idle' });
  const running = useRef<{ upload: RunningUpload; uploadId: string } | null>(null);

  const send = useCallback(
    async (plan: UploadPlan, items: UploadItem[], dir: string, choice: ClashChoice) => {
      const upload = sendUpload(uploadUrl(api, plan.path, choice), items, (progress) => setState({ kind: 'sending', progress, dir }));
      running.current = { upload, uploadId: plan.uploadId };
      try {
        const result = await upload.result;
        setState({ kind: 'done', result, dir });
      } catch (err) {
        const cancelled = errorCode(err) === 'CANCELLED';
        setState(cancelled ? { kind: 'cancelled' } : { kind: 'idle' });
        if (!cancelled) onError(err);
      } finally {
        running.current = null;
        onWritten();
      }
    },
    [api, onError, onWritten],
  );

  const start = useCallback(
    async (dir: string, items: UploadItem[]) => {
      if (items.length === 0 || running.current) return;
      setState({ kind: 'planning', count: items.length });
      let plan: UploadPlan;
      try {
        plan = await api.files.uploadPlan(labId, { dir, entries: items.map(({ path, kind, size }) => ({ path, kind, size })) });
      } catch (err) {
        setState({ kind: 'idle' });
        onError(err);
        return;
      }
      if (plan.clashes.length > 0) setState({ kind: 'asking', plan, items, dir });
      else await send(plan, items, dir, 'keep-both');
    },
    [api, labId, onError, send],
  );

  const choose = useCallback(
    async (choice: ClashChoice | null) => {
      if (state.kind !== 'asking') return;
      const { plan, items, dir } = state;
      if (choice === null) {
        setState({ kind: 'idle' });
        await api.files.uploadCancel(plan.uploadId).catch(() => {});
        return;
      }
      await send(plan, items, dir, choice);
    },
    [api, send, state],
  );

  const cancel = useCallback(() => {
    const r = running.current;
    if (!r) return;
    r.upload.abort();
    void api.files.uploadCancel(r.uploadId).catch(() => {});
  }, [api]);

  const dismiss = useCallback(() => setState((s) => (s.kind === 'done' || s.kind === 'cancelled' ? { kind: 'idle' } : s)), []);

  return { state, start, choose, cancel, dismiss };
}
