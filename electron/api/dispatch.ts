// The Node side of the contract, shared by ipcMain and the WebSocket bridge: checks the channel and
// its arguments at runtime, calls the service, and wraps the outcome in a Reply envelope.
import { methods, type LabService, type MethodName, type Reply } from './contract';
import { LabError, toApiError } from './errors';

export function isMethodName(channel: unknown): channel is MethodName {
  return typeof channel === 'string' && Object.hasOwn(methods, channel);
}

export async function dispatch(service: LabService, channel: unknown, args: unknown): Promise<Reply> {
  try {
    if (!isMethodName(channel)) throw new LabError('BAD_REQUEST', `unknown method ${String(channel).slice(0, 60)}`);
    // A method of the table that this service has no handler for: said as such, before its arguments
    // are looked at (the transport test relies on it to find a method nobody serves).
    const fn = service[channel] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (typeof fn !== 'function') throw new LabError('NOT_SUPPORTED', `${channel} has no handler in this ClassLab`);
    const parsed = methods[channel].args.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LabError('BAD_REQUEST', `${channel}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'bad arguments'}`);
    }
    const value = await fn.apply(service, parsed.data as unknown[]);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
