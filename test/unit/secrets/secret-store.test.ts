import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aesGcmCipher, EncryptedFileSecretStore, loadOrCreateKey } from '../../../electron/core/secrets/aes-cipher';
import { CipherFileSecretStore, gitSecretKey, SecretStoreError } from '../../../electron/core/secrets/secret-store';

const TOKEN = 'ghp_VerySecretToken1234567890abcdef';
let dir: string;
let file: string;
let keyFile: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'classlab-secrets-'));
  file = path.join(dir, 'secrets.bin');
  keyFile = path.join(dir, 'secrets.key');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('encrypted file secret store', () => {
  it('round-trips values, across instances, and deletes them', async () => {
    const store = await EncryptedFileSecretStore.open(file, keyFile);
    expect(await store.get('git:github.com/org/repo')).toBeNull();
    await store.set('git:github.com/org/repo', TOKEN);
    await store.set('other', 'ünïcödé ✓');
    const again = await EncryptedFileSecretStore.open(file, keyFile);
    expect(await again.get('git:github.com/org/repo')).toBe(TOKEN);
    expect(await again.get('other')).toBe('ünïcödé ✓');
    await again.delete('other');
    expect(await store.get('other')).toBeNull();
  });

  it('deletes every secret with a prefix at once, on disk, and keeps the others', async () => {
    const store = await EncryptedFileSecretStore.open(file, keyFile);
    await store.set('git:a.example/x', TOKEN);
    await store.set('git:b.example/y', TOKEN);
    await store.set('signing:key', 'kept');
    expect(await store.deleteAll('git:')).toBe(2);
    const again = await EncryptedFileSecretStore.open(file, keyFile);
    expect(await again.get('git:a.example/x')).toBeNull();
    expect(await again.get('git:b.example/y')).toBeNull();
    expect(await again.get('signing:key')).toBe('kept');
    expect(await again.deleteAll('git:')).toBe(0);
  });

  it('keeps the key and the file private (0600), and never holds the token or its name in clear', async () => {
    const store = await EncryptedFileSecretStore.open(file, keyFile);
    await store.set('git:github.com/org/repo', TOKEN);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const raw = readFileSync(file);
    expect(raw.includes(Buffer.from(TOKEN))).toBe(false);
    expect(raw.includes(Buffer.from(TOKEN).toString('base64'))).toBe(false);
    expect(raw.includes(Buffer.from('github.com'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['secrets.bin', 'secrets.key']);
  });

  it('with another key: a clear error, never wrong data', async () => {
    await (await EncryptedFileSecretStore.open(file, keyFile)).set('k', TOKEN);
    const other = new CipherFileSecretStore(file, aesGcmCipher(Buffer.alloc(32, 7)));
    await expect(other.get('k')).rejects.toThrow(SecretStoreError);
    await expect(other.get('k')).rejects.toThrow(/damaged or was made with another key/);
  });

  it('a corrupted file (one flipped byte, truncated, garbage) is a clear error', async () => {
    const store = await EncryptedFileSecretStore.open(file, keyFile);
    await store.set('k', TOKEN);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 1;
    for (const bad of [flipped, good.subarray(0, good.length - 5), Buffer.from('not a secrets file')]) {
      writeFileSync(file, bad);
      await expect(store.get('k')).rejects.toMatchObject({ problem: 'unreadable' });
    }
  });

  it('a damaged key file is a clear error', async () => {
    writeFileSync(keyFile, 'short');
    await expect(loadOrCreateKey(keyFile)).rejects.toThrow(/key file .* is damaged/);
  });

  it('serializes concurrent writes without losing any', async () => {
    const store = await EncryptedFileSecretStore.open(file, keyFile);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    for (let i = 0; i < 20; i++) expect(await store.get(`k${i}`)).toBe(`v${i}`);
  });

  it('refuses odd key names', async () => {
    const store = await EncryptedFileSecretStore.open(file, keyFile);
    expect(() => store.get('')).toThrow(SecretStoreError);
    expect(() => store.get('a\nb')).toThrow(SecretStoreError);
  });

  it('names git secrets by server and repository, without credentials', () => {
    expect(gitSecretKey('https://ada:tok@github.com/org/repo.git')).toBe('git:github.com/org/repo.git');
    expect(gitSecretKey('https://github.com:8443/org/repo')).toBe('git:github.com_8443/org/repo');
  });
});
