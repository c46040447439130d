// Who made a pack: Ed25519 signatures over the manifest's exact bytes (node:crypto, no library). The
// manifest holds the SHA-256 of every part, so one signature covers every byte of the pack.
//
// This computer's signing key is made on its first export and kept in the secret store (the OS's secret
// storage in the app, the encrypted file elsewhere), never in settings or a log. Its fingerprint — the
// SHA-256 of the raw public key, as ssh shows keys — is what instructors read out and hosts compare.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { SecretStore } from '../secrets/secret-store';
import type { Signature } from './pack-format';

const SIGNING_KEY = 'pack:signing-key';
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function fingerprintOf(rawPublicKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(rawPublicKey).digest('base64').replace(/=+$/, '')}`;
}

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export interface PackSigner {
  fingerprint: string;
  sign(manifest: Buffer): Signature;
}

export class PackKeys {
  constructor(private readonly secrets: () => Promise<SecretStore>) {}

  /** This computer's fingerprint, or null before its first export. */
  async fingerprint(): Promise<string | null> {
    const key = await this.load();
    return key ? fingerprintOf(rawPublicKey(createPublicKey(key))) : null;
  }

  /** The signer of this computer's exports; the key is made on first use. */
  async signer(): Promise<PackSigner> {
    let key = await this.load();
    if (!key) {
      key = generateKeyPairSync('ed25519').privateKey;
      await (await this.secrets()).set(SIGNING_KEY, key.export({ format: 'der', type: 'pkcs8' }).toString('base64'));
    }
    const privateKey = key;
    const raw = rawPublicKey(createPublicKey(privateKey));
    return {
      fingerprint: fingerprintOf(raw),
      sign: (manifest) => ({
        format: 1,
        algorithm: 'ed25519',
        publicKey: raw.toString('base64'),
        signature: sign(null, manifest, privateKey).toString('base64'),
      }),
    };
  }

  private async load(): Promise<KeyObject | null> {
    const stored = await (await this.secrets()).get(SIGNING_KEY);
    return stored ? createPrivateKey({ key: Buffer.from(stored, 'base64'), format: 'der', type: 'pkcs8' }) : null;
  }
}

/** The signer's fingerprint when `signature` is a valid signature of `manifest`, else null. */
export function verifiedSigner(manifest: Buffer, signature: Signature): string | null {
  const raw = Buffer.from(signature.publicKey, 'base64');
  if (raw.length !== 32) return null;
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  try {
    return verify(null, manifest, key, Buffer.from(signature.signature, 'base64')) ? fingerprintOf(raw) : null;
  } catch {
    return null;
  }
}
