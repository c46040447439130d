import { useCallback, useEffect, useRef, useState } from 'react';
import { PackUploadPlan, type PackSummary } from '../../../electron/api/contract';
import { useApi } from '../context';
import { errorCode, errorMessage } from '../errors';
import { putWithProgress, type Running } from '../files/transfer';
import type { DroppedFile } from '../packs/dropItems';
import { IMPORT_IDLE, importProgressed, type ImportState } from '../packs/importFlow';
import { choosePackFile } from '../packs/packFile';

/** The PUT of a pack file answers with the pack's id (or an error {code, message}). */
const Uploaded = PackUploadPlan.pick({ packId: true });

export interface PackImport {
  state: ImportState;
  /** Checks what was dropped or picked, uploads the pack with progress, then reads what it holds. */
  start(items: DroppedFile[]): Promise<void>;
  setTrustAnswered(answered: boolean): void;
  /** Imports the inspected pack (trusting its signer first when the question was answered). */
  importNow(): Promise<void>;
  /** Stops the upload or the import (nothing is kept, nothing changes). */
  cancel(): void;
  /** Closes the dialog; an uploaded pack that was not imported is discarded. */
  close(): void;
}

/**
 * One lab pack import at a time: the file is checked in the page, PUT to the path the core planned (the
 * browser streams it from disk), inspected, and imported only when the user says so. Every error stays
 * in the dialog, worded as the core worded it.
 */
export function usePackImport(): PackImport {
  const api = useApi();
  const [state, setState] = useState<ImportState>(IMPORT_IDLE);
  // The uploaded pack this dialog holds (discarded on close unless imported), and the upload under way.
  const packId = useRef<string | null>(null);
  const upload = useRef<Running<unknown> | null>(null);

  useEffect(() => api.on('packs:progress', (p) => setState((s) => importProgressed(s, p))), [api]);

  const start = useCallback(
    async (items: DroppedFile[]) => {
      if (packId.current || upload.current) return;
      const choice = choosePackFile(items);
      if (!choice.ok || !choice.item.file) {
        setState({ kind: 'refused', problem: choice.ok ? `“${choice.item.name}” could not be read.` : choice.problem });
        return;
      }
      const file = choice.item.file;
      setState({ kind: 'uploading', fileName: file.name, sent: 0, total: file.size });
      let summary: PackSummary | null = null;
      try {
        const plan = await api.packs.uploadPlan({ fileName: file.name, bytes: file.size });
        packId.current = plan.packId;
        const running = putWithProgress(`${api.files.transferBase}${plan.path}`, file, 'application/octet-stream', Uploaded, (sent) =>
          setState((s) => (s.kind === 'uploading' ? { ...s, sent } : s)),
        );
        upload.current = running;
        const reply = await running.result;
        upload.current = null;
        packId.current = reply.packId;
        setState({ kind: 'inspecting', fileName: file.name });
        summary = await api.packs.inspect(reply.packId);
        setState({ kind: 'summary', summary, trustAnswered: false });
      } catch (err) {
        upload.current = null;
        const code = errorCode(err);
        setState(
          code === 'CANCELLED' ? { kind: 'cancelled', during: 'upload' } : { kind: 'failed', fileName: file.name, summary, code, message: errorMessage(err) },
        );
      }
    },
    [api],
  );

  const setTrustAnswered = useCallback((answered: boolean) => setState((s) => (s.kind === 'summary' ? { ...s, trustAnswered: answered } : s)), []);

  const importNow = useCallback(async () => {
    if (state.kind !== 'summary' || !packId.current) return;
    const { summary, trustAnswered } = state;
    setState({ kind: 'importing', summary, progress: null, cancelling: false });
    try {
      const result = await api.packs.import(packId.current, { trustSigner: trustAnswered });
      // Imported: the core owns the pack's labs now; there is nothing left to discard.
      packId.current = null;
      setState({ kind: 'done', summary, result });
    } catch (err) {
      const code = errorCode(err);
      setState(
        code === 'CANCELLED'
          ? { kind: 'cancelled', during: 'import' }
          : { kind: 'failed', fileName: summary.fileName, summary, code, message: errorMessage(err) },
      );
    }
  }, [api, state]);

  const cancel = useCallback(() => {
    if (upload.current) {
      upload.current.abort();
      return;
    }
    setState((s) => (s.kind === 'importing' ? { ...s, cancelling: true } : s));
    api.packs.cancel().catch(() => {});
  }, [api]);

  const close = useCallback(() => {
    upload.current?.abort();
    upload.current = null;
    const id = packId.current;
    packId.current = null;
    if (id) api.packs.discard(id).catch(() => {});
    setState(IMPORT_IDLE);
  }, [api]);

  return { state, start, setTrustAnswered, importNow, cancel, close };
}
