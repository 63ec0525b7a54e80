/**
 * Production refuses every key or secret committed to this repository (docs/design.md §7). This scans
 * the tracked files for the values used as keys or secrets and fails when one is missing from the
 * deny-list (packages/kit/src/committed-secrets.ts), so a new default, compose fallback or test
 * value cannot become a production secret by accident. What counts as a committed secret:
 * - the development default of a `secret('…')` setting;
 * - a string literal given to a name that says it is a secret (`SECRET`, `*_SECRET`, `*_KEY`,
 *   `*_PASSWORD`, `*_TOKEN`), e.g. a test's `PSP_API_KEY: '…'`, at least 16 characters (shorter
 *   ones production refuses anyway);
 * - a `${NAME:-fallback}` of such a name in a compose or other YAML file;
 * - any `dev-only-…`, `test-only-…`, `e2e-only-…` or `compose-local-…` value, wherever it appears
 *   (start scripts and READMEs included);
 * - any Ed25519 key, as PEM or base64 DER.
 */
import { execFileSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  COMMITTED_SECRET_MESSAGE,
  isCommittedKey,
  isCommittedSecret,
  parsePrivateKey,
  parsePublicKey,
  secret,
  signerKeys,
  signingKey,
} from '@shop/kit';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRODUCTION = { NODE_ENV: 'production' };

interface Found {
  value: string;
  where: string;
}

const SECRET_NAME = String.raw`\b(?:[A-Z][A-Z0-9_]*_)?(?:SECRET|KEY|PASSWORD|TOKEN)`;
const STRING_PATTERNS = [
  // A development default (a secret is at least 16 characters; shorter literals are not secrets).
  /\bsecret\(\s*(['"`])(\w[^'"`]{15,})\1/g,
  // A name, not a string that looks like one (`'INVALID_PAYMENT_TOKEN' : '…'` is two values).
  new RegExp(String.raw`(?<!['"\`])${SECRET_NAME}['"]?\s*[:=]\s*(['"\`])([^'"\`$\s]{16,})\1`, 'g'),
  new RegExp(String.raw`\$\{${SECRET_NAME}\w*:?-()([^}]+)\}`, 'g'),
  /()\b((?:dev-only|test-only|e2e-only|compose-local)-[A-Za-z0-9-]+)/g,
];
const BREAK = String.raw`(?:\s|\\n)+`;
const pem = (label: string) =>
  new RegExp(`-----BEGIN ${label}-----${BREAK}[A-Za-z0-9+/=]+(?:${BREAK}[A-Za-z0-9+/=]+)*${BREAK}-----END ${label}-----`, 'g');
const KEY_PATTERNS: [RegExp, (text: string) => KeyObject][] = [
  // A PEM block with a base64 body (line breaks real or written as `\n`), not a pattern that names one.
  [pem('PRIVATE KEY'), parsePrivateKey],
  [pem('PUBLIC KEY'), parsePublicKey],
  // Ed25519 PKCS#8 and SPKI DER in base64 start with these bytes whatever the key.
  [/MC4CAQAwBQYDK2VwBCIEI[A-Za-z0-9+/]{43}/g, parsePrivateKey],
  [/MCowBQYDK2VwAyEA[A-Za-z0-9+/]{43}=/g, parsePublicKey],
];

function trackedTextFiles(): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return files.filter((f) => !/(^|\/)pnpm-lock\.yaml$|\.(png|jpe?g|gif|ico|pdf|woff2?|ttf)$/i.test(f));
}

function scan(): { strings: Found[]; keys: (Found & { key: KeyObject })[] } {
  const strings: Found[] = [];
  const keys: (Found & { key: KeyObject })[] = [];
  for (const file of trackedTextFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (text.includes('\0')) continue;
    const lineOf = (index: number) => `${file}:${text.slice(0, index).split('\n').length}`;
    for (const pattern of STRING_PATTERNS) {
      for (const m of text.matchAll(pattern)) strings.push({ value: m[2]!, where: lineOf(m.index) });
    }
    for (const [pattern, parse] of KEY_PATTERNS) {
      for (const m of text.matchAll(pattern)) keys.push({ value: m[0], where: lineOf(m.index), key: parse(m[0]) });
    }
  }
  return { strings, keys };
}

const found = scan();
const refusedInProduction = (shape: z.ZodType, value: string) => {
  const result = shape.safeParse(value);
  return !result.success && result.error.issues.some((i) => i.message.includes(COMMITTED_SECRET_MESSAGE));
};

describe('keys and secrets committed to the repository', () => {
  it('finds the ones it must (a check of the scan itself)', () => {
    const wheres = (list: Found[]) => list.map((f) => f.where.split(':')[0]);
    expect(wheres(found.strings)).toEqual(
      expect.arrayContaining(['gateway/src/config.ts', 'e2e/support/stack.ts', 'scripts/src/start.ts']),
    );
    expect(found.strings.map((f) => f.value)).toEqual(expect.arrayContaining(['dev-only-jwt-secret-change-me-please']));
    expect(wheres(found.keys)).toEqual(expect.arrayContaining(['packages/kit/src/development-keys.ts']));
  });

  it('are all on the deny-list, so production refuses each of them', () => {
    const missing = found.strings.filter((f) => !isCommittedSecret(f.value)).map((f) => `${f.where} ${f.value}`);
    expect(missing, 'add their sha256 to packages/kit/src/committed-secrets.ts').toEqual([]);
    const missingKeys = found.keys.filter((f) => !isCommittedKey(f.key)).map((f) => `${f.where} ${f.value.slice(0, 40)}…`);
    expect(missingKeys, 'add their fingerprint (keyFingerprint) to packages/kit/src/committed-secrets.ts').toEqual([]);
  });

  it('each one is refused by production configuration', () => {
    for (const { value, where } of found.strings.filter((f) => f.value.length >= 16)) {
      expect(refusedInProduction(secret('unused', PRODUCTION), value), `${where} ${value}`).toBe(true);
    }
    for (const { value, where, key } of found.keys) {
      const refused =
        key.type === 'private'
          ? refusedInProduction(signingKey('gateway', PRODUCTION), value)
          : refusedInProduction(signerKeys(PRODUCTION), `gateway:${value.replace(/-----[^-]+-----|\s/g, '')}`);
      expect(refused, where).toBe(true);
    }
  });
});
