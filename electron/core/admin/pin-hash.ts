// The admin PIN is kept only as a slow, salted hash: scrypt (memory-hard, in node:crypto) with a random
// salt per PIN, compared in constant time. The cost is stored with the hash, so it can be raised later
// without making older PINs unreadable.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { NEW_ADMIN_PIN } from '../../api/contract';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const PinHash = z.object({
  algorithm: z.literal('scrypt'),
  /** scrypt's cost parameters: N (a power of two), block size r, parallelism p. */
  N: z
    .number()
    .int()
    .min(2 ** 14)
    .max(2 ** 20)
    .refine((n) => (n & (n - 1)) === 0, 'N is a power of two'),
  r: z.number().int().min(8).max(32),
  p: z.number().int().min(1).max(4),
  salt: z.string().regex(BASE64).min(22).max(88),
  hash: z.string().regex(BASE64).min(43).max(88),
});
export type PinHash = z.infer<typeof PinHash>;

/** 32 MiB and about a tenth of a second per check here: slow for a guesser, quick for a person. */
export const PIN_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** Why a new PIN cannot be used, or null: the contract's own rule (NEW_ADMIN_PIN), for callers that skip dispatch (the CLI). */
export function pinProblem(pin: string): string | null {
  const checked = NEW_ADMIN_PIN.safeParse(pin);
  return checked.success ? null : (checked.error.issues[0]?.message ?? 'That cannot be a PIN.');
}

function derive(pin: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // The same PIN typed on another keyboard or input method may arrive in another Unicode form.
  const secret = Buffer.from(pin.normalize('NFC'), 'utf8');
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly PIN_COST's, so leave room.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_BYTES, options, (err, key) => {
      secret.fill(0);
      if (err) reject(err);
      else resolve(key);
    }),
  );
}

export async function hashPin(pin: string, cost: { N: number; r: number; p: number } = PIN_COST): Promise<PinHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pin, salt, cost);
  return { algorithm: 'scrypt', ...cost, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** True when `pin` is the one `stored` was made from. The comparison takes the same time whatever differs. */
export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(pin, Buffer.from(stored.salt, 'base64'), { N: stored.N, r: stored.r, p: stored.p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
