// The Grade screen's input (renderer/src/grading/gradingInput.ts): outputs dropped before sending, and
// calls too large for the bridge's messages refused with what to do instead.
import { describe, expect, it } from 'vitest';
import { MAX_GRADING_CALL_CHARS, tooLargeForBrowser, withoutOutputs } from '../../renderer/src/grading/gradingInput';
import { notebookDoc } from '../support/notebooks';

describe('the Grade screen input', () => {
  it("drops code cells' outputs and execution counts, keeps everything else", () => {
    const doc = notebookDoc([{ source: 'x = 1' }, { type: 'markdown', source: '# Title' }]) as { cells: Record<string, unknown>[] };
    doc.cells[0]!.outputs = [{ output_type: 'display_data', data: { 'image/png': 'A'.repeat(100_000) } }];
    const slim = JSON.parse(withoutOutputs(JSON.stringify(doc))) as typeof doc;
    expect(slim.cells[0]).toMatchObject({ source: 'x = 1', outputs: [], execution_count: null, id: 'c0' });
    expect(slim.cells[1]).toEqual(doc.cells[1]);
    expect(JSON.stringify(slim).length).toBeLessThan(1000);
  });

  it('leaves what is not a notebook for ClassLab to refuse', () => {
    expect(withoutOutputs('not json')).toBe('not json');
    expect(withoutOutputs('[1]')).toBe('[1]');
  });

  it('refuses a call larger than the bridge takes, naming the command to use', () => {
    expect(tooLargeForBrowser('a'.repeat(1000), 'b'.repeat(1000), 'alice.ipynb')).toBeNull();
    expect(tooLargeForBrowser('a'.repeat(MAX_GRADING_CALL_CHARS), 'b', 'alice.ipynb')).toMatch(/alice\.ipynb .*`classlab grade`/);
  });
});
