// Docker's event stream as reconcile.ts reads it: lines cut anywhere between chunks, this ClassLab's
// labels, and which events re-read a lab.
import { describe, expect, it } from 'vitest';
import { eventEffect, LineBuffer, parseEvent } from '../../../electron/core/labs/reconcile';

const event = (action: string, attrs: Record<string, string>) => JSON.stringify({ Type: 'container', Action: action, Actor: { ID: 'abc', Attributes: attrs } });
const lab = { 'classlab.lab': 'python', 'classlab.role': 'lab', 'classlab.instance': 'classlab' };

describe('Docker events for the labs', () => {
  it('reads the lab and role from the labels', () => {
    expect(parseEvent(event('die', lab))).toEqual({ labId: 'python', role: 'lab', action: 'die' });
    expect(parseEvent(event('start', { 'classlab.lab': 'python', 'classlab.role': 'gate' }))).toEqual({ labId: 'python', role: 'gate', action: 'start' });
    expect(parseEvent(event('start', {}))).toEqual({ labId: null, role: null, action: 'start' });
  });

  it('a line that is not JSON is no event', () => {
    expect(parseEvent('{"Action": "die"')).toBeNull();
    expect(eventEffect(parseEvent('nonsense'))).toBe('ignore');
  });

  it('state changes re-read the lab; execs and health reports do not; an OOM kill in the lab is said', () => {
    for (const action of ['start', 'die', 'stop', 'kill', 'destroy', 'pause', 'unpause']) expect(eventEffect(parseEvent(event(action, lab)))).toBe('reconcile');
    for (const action of ['exec_create: /bin/sh', 'exec_start: /bin/sh -c id', 'exec_die', 'health_status: healthy'])
      expect(eventEffect(parseEvent(event(action, lab)))).toBe('ignore');
    expect(eventEffect(parseEvent(event('oom', lab)))).toBe('out-of-memory');
    // The gate's OOM is an ordinary state change (it is restarted by a reopen), not the student's lab.
    expect(eventEffect(parseEvent(event('oom', { ...lab, 'classlab.role': 'gate' })))).toBe('reconcile');
    expect(eventEffect(parseEvent(event('die', { 'classlab.instance': 'classlab' })))).toBe('ignore');
  });

  it('keeps a line cut between chunks until its end arrives', () => {
    const lines = new LineBuffer();
    const a = event('die', lab);
    const b = event('start', lab);
    const all = `${a}\n${b}\n`;
    const cut = a.length - 5;
    expect(lines.push(Buffer.from(all.slice(0, cut)))).toEqual([]);
    expect(lines.push(Buffer.from(all.slice(cut, a.length + 10)))).toEqual([a]);
    expect(lines.push(Buffer.from(all.slice(a.length + 10)))).toEqual([b]);
    expect(lines.push('')).toEqual([]);
  });
});
