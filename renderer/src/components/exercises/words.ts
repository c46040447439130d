// An exercise check's words, as data. Pure.
import type { CheckResult, TestResult, TestVerdict } from '../../../../electron/api/contract';

const VERDICT_WORDS: Record<TestVerdict, string> = {
  accepted: 'passed',
  'wrong-answer': 'wrong answer',
  'compile-error': 'compile error',
  'runtime-error': 'runtime error',
  'time-limit': 'time limit',
  'memory-limit': 'memory limit',
  'output-limit': 'output limit',
};

export function testVerdictWords(v: TestVerdict): string {
  return VERDICT_WORDS[v];
}

/** "Test 3 (hidden): wrong answer", "Test 1 · Ada: passed". */
export function testHeading(t: Pick<TestResult, 'number' | 'hidden' | 'name' | 'verdict' | 'ran'>): string {
  const who = t.hidden ? `Test ${t.number} (hidden)` : `Test ${t.number}${t.name && t.name !== `test ${t.number}` ? ` · ${t.name}` : ''}`;
  return `${who}: ${t.ran || t.verdict !== 'compile-error' ? testVerdictWords(t.verdict) : 'not run (the program did not compile)'}`;
}

export function checkSummary(r: Pick<CheckResult, 'passed' | 'points' | 'maxPoints' | 'tests'>): string {
  const passed = r.tests.filter((t) => t.passed).length;
  const points = `${r.points} of ${r.maxPoints} point${r.maxPoints === 1 ? '' : 's'}`;
  return r.passed ? `All ${r.tests.length} tests passed: ${points}.` : `${passed} of ${r.tests.length} tests passed: ${points}.`;
}

/** Where a student's code for one exercise and language is kept between visits (this browser only). */
export function exerciseDraftKey(labId: string, exercise: string, lang: string): string {
  return `classlab.exercise.${labId}.${exercise}.${lang}`;
}
