// The flat methods table (`area:method`) as the nested object the UI calls (`api.area.method(...)`).
// Every LabApi — the client over either transport, the preload's copy for the page, the renderer's
// "not available" stand-in — is built here by iterating the table, so none lists the methods by hand
// and a new entry in `methods` appears in all of them at once.
import { channelParts, METHOD_NAMES, type LabApi, type MethodName } from './contract';

/** One method as a transport implements it: the argument tuple in, the (checked) result out. */
export type MethodFunction = (...args: unknown[]) => Promise<unknown>;

/** The parts of a LabApi that are not methods of the table. */
export type LabApiExtras = Pick<LabApi, 'on'> & { transferBase: string };

/** Builds a LabApi whose method `area.method` is `implement('area:method')`, for every method of the table. */
export function nestByArea(implement: (channel: MethodName) => MethodFunction, extras: LabApiExtras): LabApi {
  const areas: Record<string, Record<string, unknown>> = {};
  for (const channel of METHOD_NAMES) {
    const [area, method] = channelParts(channel);
    (areas[area] ??= {})[method] = implement(channel);
  }
  // `files` always has methods, so its object exists; transferBase is the one value that is not a method.
  areas.files = { ...areas.files, transferBase: extras.transferBase };
  // The loop above filled exactly the keys ContractApi derives from the same table.
  return { ...areas, on: extras.on } as unknown as LabApi;
}

/** The function `area.method` of a nested LabApi, for `area:method`. */
export function methodOf(api: LabApi, channel: MethodName): MethodFunction {
  const [area, method] = channelParts(channel);
  const fn = (api[area] as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`${channel} is not a method of this LabApi`);
  return fn as MethodFunction;
}

/** A LabApi whose every call rejects with `message`: the page's stand-in when it was opened without a token. */
export function unavailableApi(message: string): LabApi {
  const fail = (): Promise<never> => Promise.reject(new Error(message));
  return nestByArea(() => fail, { transferBase: '', on: () => () => {} });
}
