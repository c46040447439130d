// The sandbox audit as a library: the same code powers `classlab audit`, the UI's Sandbox check and the
// integration test.
export { runAudit, BUILTIN_ATTACKS, auditProfile, removeAuditNamespace } from './run';
export { registerAuditAttack, registeredAuditAttacks } from './extensions';
export type { AttackResult, AuditAttack, AuditContext, AuditOptions } from './types';
