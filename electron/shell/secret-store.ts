// The app's secret store: the OS's secret storage through Electron's safeStorage (Keychain, DPAPI,
// Secret Service/KWallet). Where the OS offers none — safeStorage unavailable, or on Linux only its
// "basic_text" backend, which uses a fixed, public password — it falls back to the encrypted file with a
// key file (core/secrets/aes-cipher.ts), like the command line. Call after the app is ready.
import path from 'node:path';
import { safeStorage } from 'electron';
import { EncryptedFileSecretStore } from '../core/secrets/aes-cipher';
import { CipherFileSecretStore, type SecretCipher, type SecretStore } from '../core/secrets/secret-store';

export function safeStorageCipher(): SecretCipher {
  return {
    encrypt: (plain) => safeStorage.encryptString(plain.toString('utf8')),
    decrypt: (data) => Buffer.from(safeStorage.decryptString(data), 'utf8'),
  };
}

function osStorageIsReal(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text';
  return true;
}

/** The secret store for the data folder `userData`, and which kind it is (for the diagnostics screen). */
export async function openAppSecretStore(userData: string): Promise<{ store: SecretStore; kind: 'os' | 'file' }> {
  if (osStorageIsReal()) return { store: new CipherFileSecretStore(path.join(userData, 'secrets.os.bin'), safeStorageCipher()), kind: 'os' };
  return { store: await EncryptedFileSecretStore.open(path.join(userData, 'secrets.bin'), path.join(userData, 'secrets.key')), kind: 'file' };
}
