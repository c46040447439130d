// The exercise an instructor writes, as a runtime schema: a folder named by the exercise's id, holding
// `exercise.json` (languages, starter code, tests) and `statement.md`. Both are hostile input (a folder from
// anyone, later a pack): strict objects (a typo is an error, not a silently ignored key), sizes capped, limits
// within what a quick run may be given. Pure.
import { z } from 'zod';
import { CompareMode, MAX_EXERCISE_JSON_BYTES, MAX_EXERCISE_STATEMENT_BYTES, RunLanguage, RunRequest } from '../../api/contract';

export const EXERCISE_FILE = 'exercise.json';
export const STATEMENT_FILE = 'statement.md';
export const MAX_EXERCISE_BYTES = MAX_EXERCISE_JSON_BYTES;
export const MAX_STATEMENT_BYTES = MAX_EXERCISE_STATEMENT_BYTES;
export const MAX_TESTS = 100;
/** A test's expected output can be no longer than a run's output cap keeps (64 KiB), or no run could pass it. */
export const MAX_EXPECTED_BYTES = 64 * 1024;

const TEXT_STDIN = RunRequest.shape.stdin.unwrap();
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export const TimeSeconds = z.number().int().min(1).max(30);
export const MemoryMiB = z.number().int().min(32).max(1024);
export const ToleranceSpec = z.strictObject({
  absolute: z.number().min(0).max(1e12).default(1e-6),
  relative: z.number().min(0).max(1).default(0),
});

export const TestSpec = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  stdin: TEXT_STDIN.default(''),
  expected: z.string().refine((s) => utf8Bytes(s) <= MAX_EXPECTED_BYTES, `an expected output is at most ${MAX_EXPECTED_BYTES / 1024} KiB`),
  compare: CompareMode.optional(),
  tolerance: ToleranceSpec.optional(),
  points: z.number().min(0).max(1000).default(1),
  hidden: z.boolean().default(false),
  timeSeconds: TimeSeconds.optional(),
  memoryMiB: MemoryMiB.optional(),
});

export const ExerciseSpec = z.strictObject({
  format: z.literal(1),
  title: z.string().trim().min(1).max(200),
  languages: z
    .array(RunLanguage)
    .min(1)
    .max(16)
    .refine((l) => new Set(l).size === l.length, 'a language is named once'),
  starter: z.partialRecord(RunLanguage, RunRequest.shape.code).default({}),
  /** Defaults of every test. */
  compare: CompareMode.default('trailing-whitespace'),
  tolerance: ToleranceSpec.optional(),
  timeSeconds: TimeSeconds.default(2),
  memoryMiB: MemoryMiB.default(256),
  tests: z.array(TestSpec).min(1).max(MAX_TESTS),
});
export type ExerciseSpec = z.infer<typeof ExerciseSpec>;

/** One test with every default applied: what the checker runs. */
export interface ExerciseTest {
  number: number;
  name: string;
  stdin: string;
  expected: string;
  compare: z.infer<typeof CompareMode>;
  tolerance: { absolute: number; relative: number };
  points: number;
  hidden: boolean;
  timeSeconds: number;
  memoryMiB: number;
}

export interface Exercise {
  lab: string;
  id: string;
  title: string;
  statement: string;
  languages: z.infer<typeof RunLanguage>[];
  starter: Partial<Record<z.infer<typeof RunLanguage>, string>>;
  tests: ExerciseTest[];
}

export const Statement = z
  .string()
  .refine((s) => utf8Bytes(s) <= MAX_STATEMENT_BYTES, `statement.md is at most ${MAX_STATEMENT_BYTES / 1024} KiB`)
  .refine((s) => !s.includes('\u0000'), 'statement.md is text, with no NUL character');

/** Parses exercise.json's text and statement.md's; throws a ZodError (or SyntaxError) naming what is wrong. */
export function parseExercise(lab: string, id: string, json: string, statement: string): Exercise {
  const spec = ExerciseSpec.parse(JSON.parse(json));
  for (const lang of Object.keys(spec.starter)) {
    if (!spec.languages.includes(lang as ExerciseSpec['languages'][number]))
      throw new Error(`starter code for ${lang}, which is not one of the exercise's languages`);
  }
  return {
    lab,
    id,
    title: spec.title,
    statement: Statement.parse(statement),
    languages: spec.languages,
    starter: spec.starter,
    tests: spec.tests.map((t, i) => ({
      number: i + 1,
      name: t.name ?? `test ${i + 1}`,
      stdin: t.stdin,
      expected: t.expected,
      compare: t.compare ?? spec.compare,
      tolerance: ToleranceSpec.parse(t.tolerance ?? spec.tolerance ?? {}),
      points: t.points,
      hidden: t.hidden,
      timeSeconds: t.timeSeconds ?? spec.timeSeconds,
      memoryMiB: t.memoryMiB ?? spec.memoryMiB,
    })),
  };
}

/** A ZodError or JSON error in one sentence (field paths named), for the instructor. */
export function problemOf(err: unknown): string {
  if (err instanceof z.ZodError) return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'the file'}: ${i.message}`).join('; ');
  return (err as Error).message;
}
