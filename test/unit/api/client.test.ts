// The LabApi is derived from the methods table: every method of the table is there, in its area, and
// calls its own channel with the argument tuple; the page's "not available" stand-in has them all too.
import { describe, expect, it } from 'vitest';
import { createApiClient, LabApiError, type Transport } from '../../../electron/api/client';
import { methodOf, unavailableApi } from '../../../electron/api/by-area';
import { API_KEYS, channelParts, METHOD_NAMES, methods, type LabApi } from '../../../electron/api/contract';
import { labView } from '../../support/fixtures';

function recordingTransport(reply: (channel: string) => unknown = () => ({ ok: true, value: null })) {
  const invokes: Array<[string, unknown[]]> = [];
  const transport: Transport = {
    invoke: async (channel, args) => {
      invokes.push([channel, args]);
      return reply(channel);
    },
    subscribe: () => () => undefined,
  };
  return { transport, invokes };
}

/** The method names of each area, from the table. */
function areasOfTheTable(): Map<string, string[]> {
  const areas = new Map<string, string[]>();
  for (const channel of METHOD_NAMES) {
    const [area, method] = channelParts(channel);
    areas.set(area, [...(areas.get(area) ?? []), method]);
  }
  return areas;
}

function shapeOf(api: LabApi): Map<string, string[]> {
  const shape = new Map<string, string[]>();
  for (const [key, value] of Object.entries(api)) {
    if (key === 'on') continue;
    shape.set(
      key,
      Object.keys(value as object).filter((k) => typeof (value as Record<string, unknown>)[k] === 'function'),
    );
  }
  return shape;
}

describe('the LabApi derived from the methods table', () => {
  it('has exactly API_KEYS at the top, and exactly the table’s methods in each area', () => {
    const api = createApiClient(recordingTransport().transport, 'classlab-files://transfer');
    expect(Object.keys(api).sort()).toEqual([...API_KEYS].sort());
    expect(shapeOf(api)).toEqual(areasOfTheTable());
    expect(api.files.transferBase).toBe('classlab-files://transfer');
    expect(typeof api.on).toBe('function');
  });

  it('calls each method’s own channel with exactly its argument tuple', async () => {
    const { transport, invokes } = recordingTransport();
    const api = createApiClient(transport);
    for (const channel of METHOD_NAMES) {
      const arity = methods[channel].args.def.items.length;
      // One argument more than the tuple has: it must not cross (a click handler's event, say).
      const given = Array.from({ length: arity + 1 }, (_, i) => `arg${i}`);
      await methodOf(api, channel)(...given).catch(() => undefined);
      expect(invokes.at(-1), channel).toEqual([channel, given.slice(0, arity)]);
    }
    expect(invokes).toHaveLength(METHOD_NAMES.length);
  });

  it('checks every reply against the method’s result schema', async () => {
    const lab = labView({ phase: 'starting' });
    const api = createApiClient(
      recordingTransport((channel) => (channel === 'labs:open' ? { ok: true, value: lab } : { ok: true, value: { nonsense: 1 } })).transport,
    );
    await expect(api.labs.open('python')).resolves.toEqual(lab);
    await expect(api.labs.list()).rejects.toMatchObject({ code: 'INTERNAL', message: 'reply on labs:list does not match the contract' });
    const refused = createApiClient(recordingTransport(() => ({ ok: false, error: { code: 'BUSY', message: 'The lab is starting.' } })).transport);
    await expect(refused.labs.stop('python')).rejects.toEqual(new LabApiError('BUSY', 'The lab is starting.'));
    const malformed = createApiClient(recordingTransport(() => 'not a reply').transport);
    await expect(malformed.engine.status()).rejects.toMatchObject({ code: 'INTERNAL', message: 'malformed reply on engine:status' });
  });

  it('refuses to subscribe to an event outside the contract, even one every object has', () => {
    const api = createApiClient(recordingTransport().transport);
    expect(() => api.on('labs:secret' as 'labs:changed', () => undefined)).toThrow(/unknown event/);
    expect(() => api.on('toString' as 'labs:changed', () => undefined)).toThrow(/unknown event/);
  });

  it('gives the page without a token a LabApi whose every method rejects with the same message', async () => {
    const api = unavailableApi('No ClassLab token: open the address that `classlab serve` printed.');
    expect(Object.keys(api).sort()).toEqual([...API_KEYS].sort());
    expect(shapeOf(api)).toEqual(areasOfTheTable());
    expect(api.files.transferBase).toBe('');
    for (const channel of METHOD_NAMES) {
      await expect(methodOf(api, channel)(), channel).rejects.toThrow('No ClassLab token: open the address that `classlab serve` printed.');
    }
    expect(typeof api.on('labs:changed', () => undefined)).toBe('function');
  });
});
