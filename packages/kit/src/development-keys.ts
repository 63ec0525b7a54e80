import { formatSignerKeys, parsePrivateKey, signerKeysOf, type Signer, type SignerKeys } from './signing-keys.js';

/**
 * One Ed25519 key pair per signing process (base64 PKCS#8 DER), the `SIGNING_KEY` default of each
 * outside production. Committed, so production refuses them (and their public keys in `SIGNER_KEYS`).
 * `npm start`, the tests, the e2e stack and the benchmarks all run on these.
 */
const DEVELOPMENT_PRIVATE_KEYS = {
  gateway: 'MC4CAQAwBQYDK2VwBCIEID9Kc+jPlq25oXCAOMpktVb3+Yl+dl43B9vmzQnSbncA',
  cart: 'MC4CAQAwBQYDK2VwBCIEIDchKRyIPkM3iYnOzgzxNDLNG9SVIOplnIvW/K9PLmdF',
  order: 'MC4CAQAwBQYDK2VwBCIEIKXF6R44zgiaKQloLzjtNkFNVISF7imA0mg7ZmLvrAlO',
  payment: 'MC4CAQAwBQYDK2VwBCIEIOjM94+6VksFH6gWMZPDd0JQjVnoLpmWG1hmFSj91bfy',
  invoice: 'MC4CAQAwBQYDK2VwBCIEIIctXxtfG47WFvHecBxCNoCnSOxnF7+fOQ2GNK/NxXBi',
  'invoice-renderer': 'MC4CAQAwBQYDK2VwBCIEIK89IbZ3W+xpbGyKSgsHCJQkOuD9KpcNNgy7phV9E2LF',
  messaging: 'MC4CAQAwBQYDK2VwBCIEIKscpDxgXCS4JEzW6M/1bl4WGoKhRj6fFH4K858PZWvM',
} as const;

/** The processes that sign: the gateway and every service that calls another one. */
export type SignerName = keyof typeof DEVELOPMENT_PRIVATE_KEYS;
export const SIGNER_NAMES = Object.keys(DEVELOPMENT_PRIVATE_KEYS) as SignerName[];

/** The committed development private key of `name`, as text (the `SIGNING_KEY` default). */
export const developmentKeyText = (name: SignerName): string => DEVELOPMENT_PRIVATE_KEYS[name];

const signers = new Map<SignerName, Signer>();

/** `name`'s development signer (parsed once). */
export function developmentSigner(name: SignerName): Signer {
  let signer = signers.get(name);
  if (!signer) {
    signer = { name, key: parsePrivateKey(DEVELOPMENT_PRIVATE_KEYS[name]) };
    signers.set(name, signer);
  }
  return signer;
}

/** Every development signer's public key: the `SIGNER_KEYS` default. */
export const developmentSignerKeys = (): SignerKeys => signerKeysOf(SIGNER_NAMES.map(developmentSigner));

/** The same as `SIGNER_KEYS` text. */
export const developmentSignerKeysText = (): string => formatSignerKeys(SIGNER_NAMES.map(developmentSigner));
