import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A process that signs caller contexts: its name (the `iss` of what it signs) and its Ed25519 private key. */
export interface Signer {
  readonly name: string;
  readonly key: KeyObject;
}

/** The public keys a verifier trusts, by signer name: usually one each, two while a key is rotated. */
export type SignerKeys = ReadonlyMap<string, readonly KeyObject[]>;

/** What a signer may be called: a service name such as `gateway`, `order`, `invoice-renderer`. */
export const SIGNER_NAME = /^[a-z][a-z0-9-]*$/;

const PEM = /-----BEGIN [A-Z ]+-----/;

/** Environment variables cannot always hold newlines: a PEM written with literal `\n` works too. */
const pemText = (text: string) => text.replace(/\\n/g, '\n');

function requireEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not Ed25519`);
  return key;
}

/** An Ed25519 private key from PKCS#8 PEM or base64 DER. */
export function parsePrivateKey(text: string): KeyObject {
  const value = text.trim();
  try {
    const key = PEM.test(value)
      ? createPrivateKey(pemText(value))
      : createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
    return requireEd25519(key);
  } catch (err) {
    throw new Error(`is not an Ed25519 private key (PKCS#8 PEM or base64 DER): ${(err as Error).message}`);
  }
}

/** An Ed25519 public key from SPKI PEM or base64 DER. */
export function parsePublicKey(text: string): KeyObject {
  const value = text.trim();
  try {
    const key = PEM.test(value)
      ? createPublicKey(pemText(value))
      : createPublicKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'spki' });
    return requireEd25519(key);
  } catch (err) {
    throw new Error(`is not an Ed25519 public key (SPKI PEM or base64 DER): ${(err as Error).message}`);
  }
}

/**
 * `SIGNER_KEYS`: `name:key` entries separated by commas or white space, each key an Ed25519 public
 * key as base64 SPKI DER, e.g. `gateway:MCowBQYDK2VwAyEA…,order:MCowBQYDK2VwAyEA…`. A name given
 * twice trusts both keys (to rotate one: add the new key, switch the signer, remove the old key).
 */
export function parseSignerKeys(text: string): SignerKeys {
  const keys = new Map<string, KeyObject[]>();
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const name = entry.slice(0, colon);
    if (colon <= 0 || !SIGNER_NAME.test(name)) throw new Error(`"${entry.slice(0, 40)}" is not name:base64-public-key`);
    let key: KeyObject;
    try {
      key = parsePublicKey(entry.slice(colon + 1));
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
    keys.set(name, [...(keys.get(name) ?? []), key]);
  }
  if (keys.size === 0) throw new Error('names no signer');
  return keys;
}

/** A private key as base64 PKCS#8 DER (the one-line form `SIGNING_KEY` takes). */
export const exportPrivateKey = (key: KeyObject): string => key.export({ format: 'der', type: 'pkcs8' }).toString('base64');

/** The public half of a key (private or public) as base64 SPKI DER. */
export const exportPublicKey = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' }).toString('base64');

/** `SIGNER_KEYS` text for these signers' public keys. */
export const formatSignerKeys = (signers: Iterable<Signer>): string =>
  [...signers].map((s) => `${s.name}:${exportPublicKey(s.key)}`).join(',');

/** The public keys of these signers, as a verifier holds them. */
export function signerKeysOf(signers: Iterable<Signer>): SignerKeys {
  const keys = new Map<string, KeyObject[]>();
  for (const s of signers) keys.set(s.name, [...(keys.get(s.name) ?? []), createPublicKey(s.key)]);
  return keys;
}

/** sha256 (hex) of the public key's SPKI DER: the same for a key pair's private and public half. */
export const keyFingerprint = (key: KeyObject): string =>
  createHash('sha256')
    .update(Buffer.from(exportPublicKey(key), 'base64'))
    .digest('hex');

/** A fresh key pair for `name` (tests, and `scripts/src/keys.ts` for real deployments). */
export const generateSigner = (name: string): Signer => ({ name, key: generateKeyPairSync('ed25519').privateKey });
