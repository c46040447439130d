import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../context';
import { errorCode, errorMessage } from '../errors';
import { saveLink } from '../files/transfer';
import { EXPORT_CHOOSING, exportProgressed, type ExportState } from '../packs/exportFlow';

export interface PackExportJob {
  state: ExportState;
  /** This computer's signing key fingerprint; null before its first export (or while it loads). */
  signer: string | null;
  run(labs: string[]): Promise<void>;
  cancel(): void;
  /** Downloads the finished pack (a fresh single-use link each time). */
  save(): Promise<void>;
}

/** One export at a time, with the signer's fingerprint to show, progress from packs:progress, and the download. */
export function usePackExport(): PackExportJob {
  const api = useApi();
  const [state, setState] = useState<ExportState>(EXPORT_CHOOSING);
  const [signer, setSigner] = useState<string | null>(null);

  useEffect(() => api.on('packs:progress', (p) => setState((s) => exportProgressed(s, p))), [api]);

  useEffect(() => {
    let live = true;
    api.packs.signer().then(
      (s) => live && setSigner(s.fingerprint),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);

  const run = useCallback(
    async (labs: string[]) => {
      setState({ kind: 'running', progress: null, cancelling: false });
      try {
        const result = await api.packs.export({ labs });
        setSigner(result.signer);
        setState({ kind: 'done', result });
      } catch (err) {
        setState(errorCode(err) === 'CANCELLED' ? { kind: 'cancelled' } : { kind: 'failed', message: errorMessage(err) });
      }
    },
    [api],
  );

  const cancel = useCallback(() => {
    setState((s) => (s.kind === 'running' ? { ...s, cancelling: true } : s));
    api.packs.cancel().catch(() => {});
  }, [api]);

  const save = useCallback(async () => {
    if (state.kind !== 'done') return;
    saveLink(api, await api.packs.downloadLink(state.result.exportId));
  }, [api, state]);

  return { state, signer, run, cancel, save };
}
