import { describe, expect, it } from 'vitest';
import { allowedActions } from '../../electron/api/phase-rules';
import { derivePhase, type Observation } from '../../electron/core/labs/state';
import { LAB_PHASES } from '../../electron/api/contract';

const base: Observation = { imagePresent: true, lab: 'absent', gate: 'absent', exitCode: null, oomKilled: false, memoryMiB: 2048 };

describe('lab phase from what Docker reports', () => {
  it('no image and no container: image missing', () => {
    expect(derivePhase({ ...base, imagePresent: false }, false).phase).toBe('image-missing');
  });
  it('image and no container: stopped', () => {
    expect(derivePhase(base, false)).toEqual({ phase: 'stopped', reason: null });
  });
  it('running and answering through the gate: ready', () => {
    expect(derivePhase({ ...base, lab: 'running', gate: 'running' }, true).phase).toBe('ready');
  });
  it('running with its gate but no answer yet: starting (to be adopted by waiting)', () => {
    expect(derivePhase({ ...base, lab: 'running', gate: 'running' }, false).phase).toBe('starting');
  });
  it('running without its gate: an error that says how to reconnect, never a start', () => {
    const d = derivePhase({ ...base, lab: 'running', gate: 'exited' }, true);
    expect(d.phase).toBe('error');
    expect(d.reason).toContain('Open it again');
  });
  it('stopped by a stop (0, SIGTERM, SIGKILL): stopped', () => {
    for (const exitCode of [0, 137, 143]) expect(derivePhase({ ...base, lab: 'exited', exitCode }, false).phase).toBe('stopped');
  });
  it('killed for memory: error that names the limit in plain words', () => {
    const d = derivePhase({ ...base, lab: 'exited', exitCode: 137, oomKilled: true }, false);
    expect(d.phase).toBe('error');
    expect(d.reason).toContain('ran out of memory (2 GiB)');
  });
  it('crashed: error with the exit code', () => {
    const d = derivePhase({ ...base, lab: 'exited', exitCode: 1 }, false);
    expect(d).toMatchObject({ phase: 'error' });
    expect(d.reason).toContain('exit code 1');
  });
  it('a container whose image was removed still shows as stopped only when the image is back', () => {
    expect(derivePhase({ ...base, imagePresent: false, lab: 'exited', exitCode: 0 }, false).phase).toBe('image-missing');
  });
});

describe('actions per phase', () => {
  it('never allows opening while building or stopping, and always offers a way out of an error', () => {
    expect(allowedActions('building').open).toBe(false);
    expect(allowedActions('stopping').open).toBe(false);
    expect(allowedActions('error')).toMatchObject({ open: true, reset: true });
    expect(allowedActions('image-missing')).toMatchObject({ open: false, prepare: true });
  });
  it('covers every phase', () => {
    for (const p of LAB_PHASES) expect(allowedActions(p)).toBeTypeOf('object');
  });
});

describe('the one phase rule, shared by the core and the UI', () => {
  it('stop is offered where the reason says "stop it" (a paused lab is an error with its container running)', () => {
    expect(allowedActions('error').stop).toBe(true);
    expect(derivePhase({ ...base, lab: 'paused', gate: 'running' }, false).reason).toMatch(/Stop it/);
  });
  it('nothing but waiting while an image builds or a lab stops', () => {
    for (const p of ['building', 'stopping'] as const) expect(Object.values(allowedActions(p)).some(Boolean)).toBe(false);
  });
  it('a start that hangs can be stopped or reset', () => {
    expect(allowedActions('starting')).toMatchObject({ stop: true, reset: true, prepare: false });
  });
});
