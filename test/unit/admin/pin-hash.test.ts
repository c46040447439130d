// The PIN's hash: scrypt with a salt of its own, checked in constant time; the PIN itself is never kept.
import { describe, expect, it } from 'vitest';
import { hashPin, PIN_COST, PinHash, pinProblem, verifyPin } from '../../../electron/core/admin/pin-hash';

// Real scrypt at the real cost (32 MiB, tens of ms each on a quiet machine): on a loaded one a test's few
// hashes can pass the default 5 s, which says nothing about the code.
describe('the admin PIN hash', { timeout: 60_000 }, () => {
  it('verifies the PIN it was made from, and no other', async () => {
    const stored = await hashPin('4826');
    expect(await verifyPin('4826', stored)).toBe(true);
    for (const wrong of ['4827', '482', '48260', ' 4826', '', '4826\n']) expect(await verifyPin(wrong, stored), JSON.stringify(wrong)).toBe(false);
  });

  it('is scrypt at the stored cost with a random salt: the same PIN twice gives two different hashes', async () => {
    const a = await hashPin('correct horse');
    const b = await hashPin('correct horse');
    expect(PinHash.parse(a)).toEqual(a);
    expect(a).toMatchObject({ algorithm: 'scrypt', ...PIN_COST });
    expect(Buffer.from(a.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(a.hash, 'base64')).toHaveLength(32);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    // Nothing of the PIN in what is stored.
    expect(JSON.stringify(a)).not.toMatch(/correct|horse/);
    expect(JSON.stringify(a)).not.toContain(Buffer.from('correct horse').toString('base64'));
  });

  it('checks with the cost the hash was made with, so a later, higher default still reads old PINs', async () => {
    const cheaper = await hashPin('2468', { N: 2 ** 14, r: 8, p: 1 });
    expect(cheaper.N).toBe(2 ** 14);
    expect(await verifyPin('2468', cheaper)).toBe(true);
  });

  it('takes a PIN typed in another Unicode form as the same PIN', async () => {
    const composed = 'café1'.normalize('NFC');
    const decomposed = 'café1'.normalize('NFD');
    expect(composed).not.toBe(decomposed);
    expect(await verifyPin(decomposed, await hashPin(composed))).toBe(true);
  });

  it('refuses a changed hash or salt', async () => {
    const stored = await hashPin('1357');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64');
    };
    expect(await verifyPin('1357', { ...stored, hash: flip(stored.hash) })).toBe(false);
    expect(await verifyPin('1357', { ...stored, salt: flip(stored.salt) })).toBe(false);
  });

  it('wants at least 4 digits or characters, counted as characters', () => {
    expect(pinProblem('123')).toBe('A PIN has at least 4 digits or characters.');
    expect(pinProblem('1234')).toBeNull();
    expect(pinProblem('abcd')).toBeNull();
    expect(pinProblem('ąęść')).toBeNull();
    // Three characters outside the BMP are six UTF-16 units, still three characters.
    expect(pinProblem('😀😀😀')).toBe('A PIN has at least 4 digits or characters.');
    expect(pinProblem('x'.repeat(129))).toBe('A PIN has at most 128 characters.');
  });

  it('refuses a stored record below the cost floor or of another algorithm', async () => {
    const stored = await hashPin('1234');
    expect(PinHash.safeParse({ ...stored, N: 1024 }).success).toBe(false);
    expect(PinHash.safeParse({ ...stored, N: 3 * 2 ** 14 }).success).toBe(false);
    expect(PinHash.safeParse({ ...stored, algorithm: 'sha256' }).success).toBe(false);
  });
});
