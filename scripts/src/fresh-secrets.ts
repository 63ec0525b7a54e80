import { randomBytes } from 'node:crypto';
import { exportPrivateKey, formatSignerKeys, generateSigner, SIGNER_NAMES } from '@shop/kit';

/** The compose variable holding `name`'s private key: `invoice-renderer` → `INVOICE_RENDERER_SIGNING_KEY`. */
export const signingKeyVariable = (name: string) => `${name.toUpperCase().replaceAll('-', '_')}_SIGNING_KEY`;

/**
 * Fresh values for every key and secret docker-compose.yml requires (production refuses committed
 * ones): an Ed25519 key pair per signer, the `SIGNER_KEYS` list of their public keys, and random
 * API keys and secrets.
 */
export function freshSecrets(): Record<string, string> {
  const signers = SIGNER_NAMES.map(generateSigner);
  const random = () => randomBytes(32).toString('base64url');
  return {
    ...Object.fromEntries(signers.map((s) => [signingKeyVariable(s.name), exportPrivateKey(s.key)])),
    SIGNER_KEYS: formatSignerKeys(signers),
    PSP_API_KEY: random(),
    PSP_WEBHOOK_SECRET: random(),
    SMS_API_KEY: random(),
    PDF_LINK_SECRET: random(),
  };
}
