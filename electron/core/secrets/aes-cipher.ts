// The secret store's cipher where Electron's safeStorage is absent: AES-256-GCM with a random 256-bit key
// kept in a key file (mode 0600) in ClassLab's data folder.
//
// What it protects against: the secrets file copied on its own (a backup, a synced folder, a lab pack,
// a bug report, a look over the shoulder at a settings folder) is useless without the key file; any
// change to the file is detected (GCM's tag), never silently read as something else.
// What it does not: anyone who can read the key file — this user's processes, an administrator, a stolen
// unencrypted disk — can read the secrets. The OS's secret storage (safeStorage in the app) is better;
// this is the fallback for the command line and tests.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { CipherFileSecretStore, SecretStoreError, writeFileAtomic, type SecretCipher } from './secret-store';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/** AES-256-GCM: [version 1 byte][iv 12][tag 16][ciphertext]. */
export function aesGcmCipher(key: Buffer): SecretCipher {
  if (key.length !== KEY_BYTES) throw new SecretStoreError('unreadable', `A secret key is ${KEY_BYTES} bytes.`);
  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== VERSION) throw new Error('not a ClassLab secret');
      const iv = data.subarray(1, 1 + IV_BYTES);
      const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    },
  };
}

/** Reads the key file, or creates it (0600) with a new random key when it does not exist. */
export async function loadOrCreateKey(keyFile: string): Promise<Buffer> {
  try {
    const key = await fs.readFile(keyFile);
    if (key.length !== KEY_BYTES) throw new SecretStoreError('unreadable', `The key file ${keyFile} is damaged (it must hold ${KEY_BYTES} bytes).`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Written whole beside the key file, then linked into place: link fails when another process won the
  // race, and then its key is the one everybody reads.
  const tmp = `${keyFile}.${process.pid}.new`;
  await writeFileAtomic(tmp, randomBytes(KEY_BYTES), 0o600);
  try {
    await fs.link(tmp, keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  return loadOrCreateKey(keyFile);
}

/** The encrypted-file secret store: `file` holds the secrets, `keyFile` the key. */
export class EncryptedFileSecretStore extends CipherFileSecretStore {
  static async open(file: string, keyFile: string): Promise<EncryptedFileSecretStore> {
    return new EncryptedFileSecretStore(file, aesGcmCipher(await loadOrCreateKey(keyFile)));
  }
}
