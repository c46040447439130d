import { useCallback, useEffect, useState } from 'react';
import type { CheckResult, ExerciseSummary, ExerciseView, RunLanguage } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import { errorMessage } from '../../errors';

export type Loaded<T> = { phase: 'loading' } | { phase: 'ready'; value: T } | { phase: 'failed'; message: string };

/** The lab's exercises, read when the panel opens (and on Refresh). */
export function useExerciseList(labId: string): { list: Loaded<ExerciseSummary[]>; refresh(): void } {
  const api = useApi();
  const [list, setList] = useState<Loaded<ExerciseSummary[]>>({ phase: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    api.exercises.list(labId).then(
      (value) => live && setList({ phase: 'ready', value }),
      (err: unknown) => live && setList({ phase: 'failed', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [api, labId, round]);
  return {
    list,
    refresh: () => {
      setList({ phase: 'loading' });
      setRound((r) => r + 1);
    },
  };
}

export function useExercise(labId: string, id: string): Loaded<ExerciseView> {
  const api = useApi();
  const [view, setView] = useState<Loaded<ExerciseView>>({ phase: 'loading' });
  useEffect(() => {
    let live = true;
    api.exercises.get(labId, id).then(
      (value) => live && setView({ phase: 'ready', value }),
      (err: unknown) => live && setView({ phase: 'failed', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [api, labId, id]);
  return view;
}

export type CheckState = { phase: 'idle' } | { phase: 'checking' } | { phase: 'done'; result: CheckResult } | { phase: 'failed'; message: string };

export function useCheck(labId: string, exercise: string): { state: CheckState; check(lang: RunLanguage, code: string): Promise<void> } {
  const api = useApi();
  const [state, setState] = useState<CheckState>({ phase: 'idle' });
  const check = useCallback(
    async (lang: RunLanguage, code: string) => {
      setState({ phase: 'checking' });
      try {
        setState({ phase: 'done', result: await api.exercises.check({ lab: labId, exercise, lang, code }) });
      } catch (err) {
        setState({ phase: 'failed', message: errorMessage(err) });
      }
    },
    [api, labId, exercise],
  );
  return { state, check };
}
