import { describe, expect, it } from 'vitest';
import { BuildProgress, PullProgress } from '../../electron/core/images/progress';

describe('build progress', () => {
  it('reads steps into a fraction and keeps the log lines', () => {
    const b = new BuildProgress();
    b.push({ stream: 'Step 1/4 : FROM debian:bookworm-slim\n' });
    b.push({ stream: ' ---> 485bebbd9c96\n' });
    b.push({ stream: 'Step 3/4 : RUN apt-get update\n' });
    const s = b.snapshot();
    expect(s.fraction).toBeCloseTo(0.5);
    expect(s.step).toBe('Step 3 of 4: RUN apt-get update');
    expect(s.lines).toContain(' ---> 485bebbd9c96');
    b.push({ stream: 'Successfully built abc\n' });
    expect(b.snapshot().fraction).toBe(1);
  });
  it('an error in the stream is an error', () => {
    const b = new BuildProgress();
    b.push({ stream: 'Step 2/3 : RUN false\n' });
    b.push({ errorDetail: { message: "The command '/bin/sh -c false' returned a non-zero code: 1" }, error: 'x' });
    expect(b.snapshot().error).toContain('non-zero code: 1');
  });
  it('keeps at most 20 lines in a snapshot and strips colours', () => {
    const b = new BuildProgress();
    for (let i = 0; i < 100; i++) b.push({ stream: `\u001b[31mline ${i}\u001b[0m\n` });
    const s = b.snapshot();
    expect(s.lines).toHaveLength(20);
    expect(s.lines.at(-1)).toBe('line 99');
  });
});

describe('pull progress', () => {
  it('sums per-layer bytes into one bar', () => {
    const p = new PullProgress();
    p.push({ status: 'Pulling from library/python', id: '3.12' });
    p.push({ status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 50, total: 100 } });
    p.push({ status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 0, total: 300 } });
    expect(p.snapshot().fraction).toBeCloseTo(50 / 400);
    p.push({ status: 'Download complete', id: 'aaaaaaaaaaaa' });
    p.push({ status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 150, total: 300 } });
    expect(p.snapshot().fraction).toBeCloseTo(250 / 400);
    expect(p.snapshot().step).toMatch(/^Downloading .* of .* \(1\/2 layers done\)$/);
    p.push({ status: 'Pull complete', id: 'bbbbbbbbbbbb' });
    expect(p.snapshot().fraction).toBe(1);
  });
  it('an error in the pull stream is an error', () => {
    const p = new PullProgress();
    p.push({ error: 'manifest unknown', errorDetail: { message: 'manifest unknown' } });
    expect(p.snapshot().error).toBe('manifest unknown');
  });
});
