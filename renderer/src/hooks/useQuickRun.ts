import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunLanguage, RunResult } from '../../../electron/api/contract';
import { useApi } from '../context';
import { errorMessage } from '../errors';
import { newRunId, queueWords } from '../quickRun';

export type QuickRunState =
  { phase: 'idle' } | { phase: 'waiting'; runId: string; words: string } | { phase: 'done'; result: RunResult } | { phase: 'failed'; message: string };

/**
 * One quick run at a time for the panel: Run sends it with an id of its own, runs:queue for that id says
 * where it waits, and the result (or the reason it could not run) replaces it.
 */
export function useQuickRun(labId: string): { state: QuickRunState; run(lang: RunLanguage, code: string, stdin: string): Promise<void> } {
  const api = useApi();
  const [state, setState] = useState<QuickRunState>({ phase: 'idle' });
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      api.on('runs:queue', (event) => {
        if (event.runId !== current.current) return;
        setState((s) => (s.phase === 'waiting' && s.runId === event.runId ? { ...s, words: queueWords(event) } : s));
      }),
    [api],
  );

  const run = useCallback(
    async (lang: RunLanguage, code: string, stdin: string) => {
      const runId = newRunId();
      current.current = runId;
      setState({ phase: 'waiting', runId, words: 'Starting a fresh sandbox…' });
      try {
        const result = await api.runs.run({ lab: labId, lang, code, stdin, runId });
        if (current.current === runId) setState({ phase: 'done', result });
      } catch (err) {
        if (current.current === runId) setState({ phase: 'failed', message: errorMessage(err) });
      }
    },
    [api, labId],
  );

  return { state, run };
}
