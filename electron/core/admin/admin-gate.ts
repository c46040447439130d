// The gate every shell puts between a caller and the core's methods (the bridge and the Electron IPC in
// api/lab-service.ts, the CLI in cli.ts): an admin method runs only while the admin area is unlocked,
// and otherwise answers LOCKED. The core's own `service` is ungated — it is what the shells and the
// tests hold in-process; nothing from outside reaches it but through here.
import type { MethodName } from '../../api/contract';
import { isAdminMethod } from './admin-methods';

export interface AdminGuard {
  /** Throws LOCKED unless the admin area is open; returns what to call when the admin call ends. */
  admit(channel: MethodName): Promise<() => void>;
}

type Method = (...args: never[]) => Promise<unknown>;

/** `service` with each admin method behind `guard`. Absent methods stay absent (dispatch says NOT_SUPPORTED). */
export function gateAdmin<S extends Partial<Record<MethodName, Method>>>(service: S, guard: AdminGuard): S {
  const gated: Partial<Record<MethodName, Method>> = { ...service };
  for (const channel of Object.keys(service) as MethodName[]) {
    const fn = service[channel] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof fn !== 'function' || !isAdminMethod(channel)) continue;
    gated[channel] = async (...args: unknown[]) => {
      const done = await guard.admit(channel);
      try {
        return await fn.apply(service, args);
      } finally {
        done();
      }
    };
  }
  return gated as S;
}
