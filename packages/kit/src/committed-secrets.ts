import { createHash, type KeyObject } from 'node:crypto';
import { developmentSigner, SIGNER_NAMES } from './development-keys.js';
import { keyFingerprint } from './signing-keys.js';

/**
 * The deny-list: sha256 (hex) of every secret value committed to this repository — development
 * defaults, docker-compose fallbacks, test and e2e values. Production refuses each of them, and
 * `scripts/src/committed-secrets.test.ts` fails when the tracked files hold a secret that is not
 * listed here. Keys are listed by fingerprint (`keyFingerprint`); the development key pairs
 * (`development-keys.ts`) are denied without being listed.
 */
const COMMITTED_SECRET_HASHES: ReadonlySet<string> = new Set([
  // development defaults: secret('…') in the services' config.ts
  'd0feaf2fbcdc91afddd3bd448f18280f3f39112d78f59526c08e60073367764f', // GATEWAY_SIGNING_SECRET (retired)
  '615b0e3fe462ea78430181ea854e7b9c956ed45ff7ed306dd086a20ddaf0b227', // JWT_SECRET
  'b4e9e4cf1506b89e2624e861d2237db646bcad7e096bd50514814fcc21ee57af', // PDF_LINK_SECRET
  '6d624d25fcc8e698aa6c09bf283ea13b21cde26554cba519adb340057dd6695c', // PSP_API_KEY
  '7bdfbf72663199160b9520a05eab04647982e7d8014cbfb3c71174d9279ad9ae', // PSP_WEBHOOK_SECRET
  'e101f3f305fdce889e91ca5450f04d5fcb936fe3f090919c7342fa09e3b4950c', // SMS_API_KEY
  // docker-compose.yml fallbacks (compose now requires every secret to be set)
  'bc34d5cccaef704273f57a9a82279e734cec7d4fdd30134c574a2ba8cc88b1f8', // GATEWAY_SIGNING_SECRET
  '3c0d5b43704870ecc36a2e40f3ef9717b15ea2a732699afaf8b6c43ae22ec79b', // PSP_API_KEY
  '1bcb9216938bf0ee7ac99a4c89b3f68e643c9b7f0878eb3105a7d80c47757574', // PSP_WEBHOOK_SECRET
  '819fbc9dcfb760afe52c81be402f9da0c32b17b835bbaa339c8fd9704f112a10', // PDF_LINK_SECRET
  'a8f4378e7239439671bb20a01942ed9130c0fe53a169d3fead99afa5b46b2825', // SMS_API_KEY
  // tests (test/helpers.ts, unit tests)
  'a2a1acfc2cd8537c5b965757b96fa7c4d52a82100e80aaeb25b88a41adeebb51', // harness TEST_SIGNING_SECRET (retired)
  '44e94c2f114ac3e5f2a57b0f5e0b6217ffd3698be11b8875a30e3f53159d2c34', // gateway auth test JWT_SECRET
  '0cf035fb7c5b3701ddb81dc2ba44834704595a19a29de0a803e2c9276724096a', // payment sandbox PSP_API_KEY
  'cce187d1e6970f02003b79ed9a55b486410c52a1d3c7cb208fbb8c2042ce6e05', // payment sandbox PSP_WEBHOOK_SECRET
  '348fa02433d46d95f6bba8977c3025ae107e0e9419cad2fae5fe9f95cc6e184e', // SMS sandbox / messaging SMS_API_KEY
  'a52ec879344ffe32995c3b5fed03fc78fccbb4872a5a896bf09f32726fb75f94', // invoice PDF_LINK_SECRET
  'e6e8815da5e5c5f5cf3e1479df3a792615416211662778b5e8959b7c006f8386', // payment PSP_API_KEY
  'bd4abeea4fe94e4e34285f28f52d2a01032f5a57365ae21a01200225c919e3c8', // kit identity unit test (retired)
  '7fa5ef15889015da48297fb3464ef11413efce903c8a8080390f2fcc7bd82752', // payment sandbox signature unit test
  '5b9327b80d00366ba7704f3ff0b8746fd56bc47eed9333a5ded669cbdc3d4a95', // gateway auth test (retired)
  '26c5fec77c1a6128ab4554aeebd05edf8f8d5678ac12dbdf7cf297a410137f8d', // gateway auth test PDF_LINK_SECRET (retired)
  'de799cf6030cba5e8ed14aa4d0af5768d361bd7bb022d3317a0fe15a06fbc8a4', // kit config test (retired)
  '8bc3ac1955bce3b35e8de8a182b819d09130ab7d9a9a1985ef428072bc638f6e', // payment sandbox config test (retired)
  'cada74b28f769f7af63cb1b346c9fb75a2f4eeb8dbcd8fb3cd4f08f69ac5ebd1', // payment sandbox validation test (retired)
  'c6539e9d58ed1d22767d1f175e52500f6c2192260814261ae6f7454ae15089c6', // payment sandbox validation test (retired)
  'b2795711343e7051b1dc961ac26209d80819b33895e22d0d7569952dee740881', // SMS sandbox API test (retired)
  // e2e (e2e/support/stack.ts and e2e tests)
  '0844ebceb7dc7444a22e8d5337a00a9e7e53c67e5110c02e591f41bd46fde846', // JWT_SECRET
  '1e591144f850158196056b2c37167a82612f098c0613c60b0d7b3dc0a7fe3b8a', // GATEWAY_SIGNING_SECRET (retired)
  '86f71c2109a8f55c28e1649a06680350eff66f611119058306acd60012402133', // PSP_API_KEY
  '0b1f7c8ed6f29a4fb12e56bdaf761317438ebf0e9a7d861a9e54242db59115af', // PSP_WEBHOOK_SECRET
  'c6d513ae5fe447f3cba9c7eb606adca3e319e14d2e1818d392b65f7c781daf4b', // PDF_LINK_SECRET
  'eb96481fb6135e58c9e13842e9b9261a8058b558fbc9b3d19996d7a7b7022290', // SMS_API_KEY
]);

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

let committedKeys: ReadonlySet<string> | undefined;
const committedKeyFingerprints = () => (committedKeys ??= new Set(SIGNER_NAMES.map((n) => keyFingerprint(developmentSigner(n).key))));

/** Whether `value` is a secret committed to this repository (or any `dev-only-` value). */
export const isCommittedSecret = (value: string): boolean => value.startsWith('dev-only-') || COMMITTED_SECRET_HASHES.has(sha256(value));

/** Whether `key` (either half of a key pair) is committed to this repository. */
export function isCommittedKey(key: KeyObject): boolean {
  const fingerprint = keyFingerprint(key);
  return committedKeyFingerprints().has(fingerprint) || COMMITTED_SECRET_HASHES.has(fingerprint);
}

/** Why production refuses a committed value. */
export const COMMITTED_SECRET_MESSAGE =
  'is committed in this repository (a development, test or docker-compose value) and so known to everyone; production needs one of its own';
