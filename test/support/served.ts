// Whether a transport serves every method of the contract table. Each method is called with no
// arguments: dispatch looks for the method's handler before it reads the arguments, so a served method
// answers either its value (a method that takes none runs for real) or BAD_REQUEST about its own
// arguments, and a method nobody implements answers NOT_SUPPORTED. No sample arguments per method: a
// new entry in `methods` is probed the moment it is added, with no edit here. An admin method answers
// LOCKED while the admin area is locked: the gate wraps only methods that have a handler, so that too
// says one is there.
import { METHOD_NAMES, type MethodName, type Reply } from '../../electron/api/contract';

/** What a call with no arguments should answer when a handler serves the method. */
export function answersAsServed(channel: MethodName, reply: Reply): boolean {
  if (reply.ok) return true;
  if (reply.error.code === 'LOCKED') return true;
  return reply.error.code === 'BAD_REQUEST' && reply.error.message.startsWith(`${channel}: `);
}

/** The methods of the table that `call` does not serve, with what they answered (empty when all are). */
export async function unservedMethods(call: (channel: MethodName, args: unknown[]) => Promise<Reply>): Promise<Array<{ channel: MethodName; reply: Reply }>> {
  const unserved: Array<{ channel: MethodName; reply: Reply }> = [];
  for (const channel of METHOD_NAMES) {
    const reply = await call(channel, []);
    if (!answersAsServed(channel, reply)) unserved.push({ channel, reply });
  }
  return unserved;
}
