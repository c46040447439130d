import { useEffect, useState } from 'react';
import type { RunLanguage } from '../../../electron/api/contract';
import { useApi } from '../context';
import { errorMessage } from '../errors';

export type LabLanguages = { phase: 'loading' } | { phase: 'ready'; languages: RunLanguage[] } | { phase: 'failed'; message: string };

/**
 * The quick-run languages this lab's image has, asked once when the panel opens (the core probes each
 * image once), so the picker never offers a language whose run could only fail.
 */
export function useLabLanguages(labId: string): LabLanguages {
  const api = useApi();
  const [state, setState] = useState<LabLanguages>({ phase: 'loading' });
  useEffect(() => {
    let live = true;
    setState({ phase: 'loading' });
    api.runs.languages(labId).then(
      (languages) => live && setState({ phase: 'ready', languages }),
      (err: unknown) => live && setState({ phase: 'failed', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [api, labId]);
  return state;
}
