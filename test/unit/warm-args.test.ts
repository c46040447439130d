// `classlab admin warm …` read into the warm-labs setting: labs, then windows of days and a time span.
import { describe, expect, it } from 'vitest';
import { parseWarmArgs, warmWords } from '../../electron/warm-args';

describe('classlab admin warm', () => {
  it('reads labs alone (always), with windows, and off', () => {
    expect(parseWarmArgs(['python', 'r'])).toEqual({ ok: true, setting: { labs: ['python', 'r'], windows: [] } });
    expect(parseWarmArgs(['python', 'mon-fri', '08:55-10:30', 'sat,sun', '09:00-12:00'])).toEqual({
      ok: true,
      setting: {
        labs: ['python'],
        windows: [
          { days: [1, 2, 3, 4, 5], from: '08:55', until: '10:30' },
          { days: [0, 6], from: '09:00', until: '12:00' },
        ],
      },
    });
    expect(parseWarmArgs(['off'])).toEqual({ ok: true, setting: { labs: [], windows: [] } });
  });

  it('says what is wrong: no labs, days without a span, a span that ends first, a bad lab id', () => {
    expect(parseWarmArgs(['mon', '08:00-09:00'])).toMatchObject({ ok: false, why: /name the labs/ });
    expect(parseWarmArgs(['python', 'mon'])).toMatchObject({ ok: false, why: /time span/ });
    expect(parseWarmArgs(['python', 'mon', '10:00-09:00'])).toMatchObject({ ok: false, why: /end after it starts/ });
    expect(parseWarmArgs(['Python!'])).toMatchObject({ ok: false, why: /lab id/ });
    expect(parseWarmArgs(['python', 'mon', '08:00-09:00', 'r'])).toMatchObject({ ok: false, why: /labs come before/ });
  });

  it('says the setting back in the same words', () => {
    expect(warmWords({ labs: [], windows: [] })).toBe('No labs are kept warm.');
    expect(warmWords({ labs: ['python'], windows: [{ days: [1, 2], from: '08:55', until: '10:30' }] })).toBe('Kept warm: python (mon,tue 08:55-10:30).');
  });
});
