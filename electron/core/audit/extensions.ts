// Extension point of the sandbox audit. Other parts of ClassLab add their own attacks here (the built-in
// ones are listed in run.ts):
//
//   registerAuditAttack({ id: 'my-attack', number: 20, run: async (ctx) => [{ attack: '20. …', blocked, evidence }] });
//
// An attack gets the running throw-away lab and its neighbour (see AuditContext), must time-box itself,
// must not touch anything outside what the audit made, and returns one result per thing it tried.
import type { AuditAttack } from './types';

const registered = new Map<string, AuditAttack>();

export function registerAuditAttack(attack: AuditAttack): () => void {
  if (registered.has(attack.id)) throw new Error(`An audit attack with id ${attack.id} is already registered.`);
  registered.set(attack.id, attack);
  return () => registered.delete(attack.id);
}

export function registeredAuditAttacks(): AuditAttack[] {
  return [...registered.values()];
}
