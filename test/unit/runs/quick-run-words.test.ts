// The quick-run panel's words (renderer/src/quickRun.ts): every verdict has a label and a tone, the queue
// place reads as a sentence, figures are rounded for people, and run ids match the contract.
import { describe, expect, it } from 'vitest';
import { RUN_ID, RUN_LANGUAGES, RUN_VERDICTS } from '../../../electron/api/contract';
import { draftKey, languageName, newRunId, preferredLanguage, queueWords, runFigures, starterCode, verdictWords } from '../../../renderer/src/quickRun';

describe('quick-run words', () => {
  it('names every verdict with a tone, and only accepted is good', () => {
    for (const v of RUN_VERDICTS) {
      const w = verdictWords(v);
      expect(w.label.length).toBeGreaterThan(3);
      expect(w.tone === 'good').toBe(v === 'accepted');
    }
    expect(verdictWords('memory-limit').label).toBe('Memory limit');
  });

  it('has a starter program and a name for every language', () => {
    for (const l of RUN_LANGUAGES) {
      expect(starterCode(l)).toMatch(/Hello/);
      expect(languageName(l)).not.toBe('');
    }
    expect(languageName('c')).toBe('C');
    expect(languageName('cpp')).toBe('C++');
    expect(starterCode('java')).toMatch(/public class Main/);
  });

  it("opens on the lab's own language, not the Python and Bash every bundled lab has", () => {
    expect(preferredLanguage(['python', 'bash'])).toBe('python');
    expect(preferredLanguage(['python', 'bash', 'c', 'cpp', 'java', 'javascript'])).toBe('c');
    expect(preferredLanguage(['python', 'bash', 'r'])).toBe('r');
    expect(preferredLanguage(['bash'])).toBe('bash');
  });

  it('says where a run waits', () => {
    expect(queueWords({ position: 0, throttled: false, message: null })).toBe('Running…');
    expect(queueWords({ position: 1, throttled: false, message: null })).toBe('Waiting: next in the queue.');
    expect(queueWords({ position: 4, throttled: false, message: null })).toBe('Waiting: number 4 in the queue.');
    expect(queueWords({ position: 2, throttled: true, message: 'Slowed: 30 runs of this lab wait.' })).toBe(
      'Waiting: number 2 in the queue. Slowed: 30 runs of this lab wait.',
    );
    expect(queueWords({ position: 2, throttled: true, message: null })).toMatch(/slowed so other labs stay responsive/);
  });

  it('rounds the figures for people', () => {
    expect(runFigures({ exitCode: 0, timeMs: 412.6, memoryMiB: 3.14159 })).toBe('exit code 0 · 413 ms · 3.1 MiB peak');
    expect(runFigures({ exitCode: 137, timeMs: 2345, memoryMiB: 255.7 })).toBe('exit code 137 · 2.35 s · 256 MiB peak');
    expect(runFigures({ exitCode: null, timeMs: 10_000, memoryMiB: null })).toBe('stopped by ClassLab · 10.00 s');
  });

  it('makes run ids the contract accepts, from the random bytes given', () => {
    expect(RUN_ID.safeParse(newRunId()).success).toBe(true);
    expect(newRunId((b) => b.fill(0xab))).toBe(`r${'ab'.repeat(8)}`);
    expect(newRunId()).not.toBe(newRunId());
  });

  it('keeps drafts per lab and language', () => {
    expect(draftKey('python', 'c')).toBe('classlab.quickRun.python.c');
    expect(draftKey('python', 'c')).not.toBe(draftKey('r', 'c'));
  });
});
