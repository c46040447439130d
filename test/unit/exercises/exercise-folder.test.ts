// The exercises screen's reading of a picked folder (renderer/src/exercises/exerciseFolder.ts): the two
// files found at the folder's top, the id its name suggests, and what is missing or too large said at once.
import { describe, expect, it } from 'vitest';
import { idFromName, pickExercise } from '../../../renderer/src/exercises/exerciseFolder';

const file = (webkitRelativePath: string, size = 10) => ({ name: webkitRelativePath.split('/').pop() as string, size, webkitRelativePath });

describe('pickExercise', () => {
  it("finds a folder's exercise.json and statement.md and suggests the folder's name as the id", () => {
    const p = pickExercise([file('Greet/statement.md'), file('Greet/exercise.json'), file('Greet/extra/exercise.json')]);
    expect(p).toMatchObject({ ok: true, suggestedId: 'greet', exercise: { webkitRelativePath: 'Greet/exercise.json' } });
  });

  it('takes the two files picked one by one, with no id to suggest', () => {
    expect(pickExercise([file('exercise.json'), file('statement.md')].map((f) => ({ ...f, webkitRelativePath: '' })))).toMatchObject({
      ok: true,
      suggestedId: '',
    });
  });

  it('says what is missing, empty or too large; a file in a subfolder does not count', () => {
    expect(pickExercise([file('a/exercise.json'), file('a/sub/statement.md')])).toMatchObject({ ok: false, problem: /statement\.md is not there/ });
    expect(pickExercise([file('a/exercise.json', 0), file('a/statement.md')])).toMatchObject({ ok: false, problem: 'exercise.json is empty.' });
    expect(pickExercise([file('a/exercise.json', 9 * 1024 * 1024), file('a/statement.md')])).toMatchObject({ ok: false, problem: /8 MiB/ });
    expect(pickExercise([file('a/exercise.json'), file('a/statement.md', 300 * 1024)])).toMatchObject({ ok: false, problem: /256 KiB/ });
  });

  it('suggests only names that are exercise ids', () => {
    expect(idFromName('Two Sums')).toBe('two-sums');
    expect(idFromName('../etc')).toBe('');
    expect(idFromName('')).toBe('');
  });
});
