// The pace of checks on exercises with hidden tests (pure rules, a fake clock): five at once, then one
// per half minute; an exercise without hidden tests is never paced; the wait is said in whole seconds.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../electron/api/contract';
import { LabError } from '../../../electron/api/errors';
import { exerciseHandlers } from '../../../electron/core/areas/exercises';
import { CHECK_EVERY_MS, CheckPace, FREE_CHECKS, allowanceAt, takeCheck } from '../../../electron/core/exercises/check-pace';
import { parseExercise, type Exercise } from '../../../electron/core/exercises/schema';
import type { ExerciseStore } from '../../../electron/core/exercises/store';

describe('takeCheck', () => {
  it('allows FREE_CHECKS at once, then says how long until the next one', () => {
    let a = takeCheck(undefined, 0).next;
    for (let i = 1; i < FREE_CHECKS; i++) {
      const t = takeCheck(a, 1000 * i);
      expect(t.ok).toBe(true);
      a = t.next;
    }
    const refused = takeCheck(a, 5000);
    expect(refused).toEqual({ ok: false, waitMs: CHECK_EVERY_MS - 5000, next: a });
    // One comes back after the wait, not two.
    const later = takeCheck(refused.next, CHECK_EVERY_MS);
    expect(later.ok).toBe(true);
    expect(takeCheck(later.next, CHECK_EVERY_MS + 1).ok).toBe(false);
  });

  it('refills to FREE_CHECKS and no further, and a clock set back gives nothing back', () => {
    expect(allowanceAt({ left: 0, at: 0 }, 10 * CHECK_EVERY_MS)).toEqual({ left: FREE_CHECKS, at: 10 * CHECK_EVERY_MS });
    expect(allowanceAt({ left: 1, at: 0 }, CHECK_EVERY_MS + 10)).toEqual({ left: 2, at: CHECK_EVERY_MS });
    expect(allowanceAt({ left: 0, at: 50_000 }, 0)).toEqual({ left: 0, at: 50_000 });
    const back = takeCheck({ left: 0, at: 50_000 }, 0);
    expect(back.ok).toBe(false);
    if (!back.ok) expect(back.waitMs).toBeGreaterThan(0);
  });
});

const accepted: RunResult = {
  runId: 'r0000000000000000',
  labId: 'python',
  verdict: 'accepted',
  stdout: '1\n',
  stderr: '',
  exitCode: 0,
  timeMs: 1,
  memoryMiB: 1,
  note: null,
};

function exercise(id: string, hidden: boolean): Exercise {
  return parseExercise(
    'python',
    id,
    JSON.stringify({ format: 1, title: `Exercise ${id}`, languages: ['python'], tests: [{ stdin: '', expected: '1\n', hidden }] }),
    '# x',
  );
}

function handlers(now: { t: number }) {
  const store = { get: async (_lab: string, id: string) => exercise(id, id !== 'open') } as unknown as ExerciseStore;
  let runs = 0;
  const h = exerciseHandlers(
    store,
    {
      run: async () => {
        runs += 1;
        return accepted;
      },
    },
    () => undefined,
    new CheckPace(() => now.t),
  );
  const check = (id: string, lang: 'python' | 'c' = 'python') => h['exercises:check']({ lab: 'python', exercise: id, lang, code: 'print(1)' });
  return { check, runs: () => runs };
}

describe('exercises:check with the pace', () => {
  it('refuses the sixth quick check of an exercise with hidden tests with BUSY and the wait, running nothing', async () => {
    const now = { t: 1_000_000 };
    const { check, runs } = handlers(now);
    for (let i = 0; i < FREE_CHECKS; i++) expect((await check('hidden')).passed).toBe(true);
    const err = await check('hidden').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe('BUSY');
    expect((err as LabError).message).toMatch(/check again in 30 s/);
    expect(runs()).toBe(FREE_CHECKS);
    // Another exercise has its own pace; after the wait this one checks again.
    expect((await check('hidden-2')).passed).toBe(true);
    now.t += CHECK_EVERY_MS;
    expect((await check('hidden')).passed).toBe(true);
  });

  it('never paces an exercise without hidden tests, and a check in the wrong language does not count', async () => {
    const now = { t: 0 };
    const { check } = handlers(now);
    for (let i = 0; i < 3 * FREE_CHECKS; i++) expect((await check('open')).passed).toBe(true);
    for (let i = 0; i < 3 * FREE_CHECKS; i++) await expect(check('hidden', 'c')).rejects.toMatchObject({ code: 'REFUSED' });
    expect((await check('hidden')).passed).toBe(true);
  });
});
