import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, commonConfig, duration, mongoConfig, parseConfig, secret, signerKeys, signingKey } from './config.js';
import { developmentSigner, developmentSignerKeysText } from './development-keys.js';
import { exportPrivateKey, exportPublicKey, formatSignerKeys, generateSigner } from './signing-keys.js';

const PRODUCTION = { NODE_ENV: 'production' };
/** A fresh random value: never committed, so production accepts it. */
const fresh = () => randomBytes(24).toString('base64url');
/** The problems parseConfig reports for `value` as the only setting `shape` of a production service. */
function problems(shape: z.ZodType, value: string | undefined): string[] {
  try {
    parseConfig('svc', { VALUE: shape }, value === undefined ? {} : { VALUE: value });
    return [];
  } catch (err) {
    return [...(err as ConfigError).problems];
  }
}

describe('parseConfig', () => {
  it('applies development defaults', () => {
    const c = parseConfig('svc', { ...commonConfig(4001), TTL: duration('15m') }, {});
    expect(c).toMatchObject({ PORT: 4001, HOST: '127.0.0.1', NODE_ENV: 'development', TTL: 900_000 });
  });

  it('reports every problem at once', () => {
    const env = { PORT: 'eighty', LOG_LEVEL: 'loud', TTL: '5 minutes' };
    try {
      parseConfig('svc', { ...commonConfig(4001), TTL: duration('15m'), NEEDED: z.string() }, env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['LOG_LEVEL', 'PORT', 'TTL', 'NEEDED']);
    }
  });

  it('requires real secrets in production and refuses the development defaults there', () => {
    expect(problems(secret('dev-only-some-secret-change-me', PRODUCTION), undefined)).toEqual([expect.stringMatching(/^VALUE: /)]);
    expect(problems(secret('dev-only-some-secret-change-me', PRODUCTION), 'dev-only-some-secret-change-me')).toEqual([
      expect.stringMatching(/VALUE: is committed in this repository/),
    ]);
    const real = fresh();
    expect(parseConfig('svc', { S: secret('dev-only-x', PRODUCTION) }, { S: real }).S).toBe(real);
    expect(parseConfig('svc', { S: secret('dev-only-some-secret-change-me', {}) }, {}).S).toBe('dev-only-some-secret-change-me');
  });

  it.each([
    'compose-local-psp-api-key',
    'compose-local-pdf-link-secret',
    'test-only-psp-api-key-0123456789',
    'test-only-sms-api-key-0123',
    'e2e-only-jwt-secret-0123456789',
    'e2e-only-psp-webhook-secret-0123',
  ])('refuses the committed value %s in production, though it has no dev-only- prefix', (value) => {
    expect(problems(secret('dev-only-some-secret-change-me', PRODUCTION), value)).toEqual([
      'VALUE: is committed in this repository (a development, test or docker-compose value) and so known to everyone; production needs one of its own',
    ]);
  });
});

describe('signing keys', () => {
  it('default to the development key pair of the named signer outside production', () => {
    const c = parseConfig('svc', { SIGNING_KEY: signingKey('order', {}), SIGNER_KEYS: signerKeys({}) }, {});
    expect(c.SIGNING_KEY.name).toBe('order');
    expect(exportPrivateKey(c.SIGNING_KEY.key)).toBe(exportPrivateKey(developmentSigner('order').key));
    expect([...c.SIGNER_KEYS.keys()]).toEqual(expect.arrayContaining(['gateway', 'order', 'invoice-renderer']));
  });

  it('are required in production, which refuses the committed development keys', () => {
    expect(problems(signingKey('gateway', PRODUCTION), undefined)).toEqual([expect.stringMatching(/^VALUE: /)]);
    expect(problems(signerKeys(PRODUCTION), undefined)).toEqual([expect.stringMatching(/^VALUE: /)]);
    expect(problems(signingKey('gateway', PRODUCTION), exportPrivateKey(developmentSigner('gateway').key))).toEqual([
      expect.stringMatching(/^VALUE: is committed in this repository/),
    ]);
    // Another signer's committed key is refused too, whatever name it is given.
    expect(problems(signingKey('gateway', PRODUCTION), exportPrivateKey(developmentSigner('invoice-renderer').key))).toHaveLength(1);
    expect(problems(signerKeys(PRODUCTION), developmentSignerKeysText())).toEqual([
      expect.stringMatching(/^VALUE: the key of gateway, cart, order, payment, invoice, invoice-renderer, messaging is committed/),
    ]);
    const mixed = formatSignerKeys([generateSigner('gateway'), developmentSigner('order')]);
    expect(problems(signerKeys(PRODUCTION), mixed)).toEqual([expect.stringMatching(/^VALUE: the key of order is committed/)]);
  });

  it('accept fresh keys in production, as base64 DER or PEM (newlines written as \\n too)', () => {
    const gateway = generateSigner('gateway');
    const der = parseConfig('svc', { K: signingKey('gateway', PRODUCTION) }, { K: exportPrivateKey(gateway.key) }).K;
    expect(exportPublicKey(der.key)).toBe(exportPublicKey(gateway.key));
    const pem = gateway.key.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const text of [pem, pem.replace(/\n/g, '\\n')]) {
      expect(exportPublicKey(parseConfig('svc', { K: signingKey('gateway', PRODUCTION) }, { K: text }).K.key)).toBe(
        exportPublicKey(gateway.key),
      );
    }
    const keys = parseConfig('svc', { K: signerKeys(PRODUCTION) }, { K: formatSignerKeys([gateway, generateSigner('order')]) }).K;
    expect([...keys.keys()]).toEqual(['gateway', 'order']);
    // A signer named twice is trusted with both keys, while one replaces the other.
    const next = generateSigner('gateway');
    const rotating = parseConfig('svc', { K: signerKeys(PRODUCTION) }, { K: formatSignerKeys([gateway, next]) }).K;
    expect(rotating.get('gateway')?.map(exportPublicKey)).toEqual([exportPublicKey(gateway.key), exportPublicKey(next.key)]);
  });

  it('say what is wrong with a malformed key or list', () => {
    expect(problems(signingKey('gateway', PRODUCTION), 'not-a-key')).toEqual([
      expect.stringMatching(/^VALUE: is not an Ed25519 private key/),
    ]);
    const publicKey = exportPublicKey(generateSigner('gateway').key);
    expect(problems(signingKey('gateway', PRODUCTION), publicKey)).toEqual([expect.stringMatching(/not an Ed25519 private key/)]);
    expect(problems(signerKeys(PRODUCTION), `gateway=${publicKey}`)).toEqual([expect.stringMatching(/is not name:base64-public-key/)]);
    expect(problems(signerKeys(PRODUCTION), 'gateway:AAAA')).toEqual([expect.stringMatching(/gateway: is not an Ed25519 public key/)]);
  });
});

describe('durations', () => {
  it.each([
    ['250', 250],
    ['30s', 30_000],
    ['7d', 604_800_000],
  ])('reads the duration %s', (text, ms) => {
    expect(parseConfig('svc', { D: duration('1s') }, { D: text }).D).toBe(ms);
  });
});

describe('mongoConfig', () => {
  it("defaults to the local server and the service's database, and checks both", () => {
    expect(parseConfig('svc', mongoConfig('shop_order'), {})).toEqual({
      MONGODB_URL: 'mongodb://127.0.0.1:27017/?directConnection=true',
      MONGODB_DB: 'shop_order',
    });
    expect(parseConfig('svc', mongoConfig('shop_gateway', 'mongodb://127.0.0.1:27017'), {}).MONGODB_URL).toBe('mongodb://127.0.0.1:27017');
    expect(() => parseConfig('svc', mongoConfig('shop_order'), { MONGODB_URL: 'http://db', MONGODB_DB: 'shop order' })).toThrow(
      /MONGODB_URL: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL\n {2}- MONGODB_DB: /,
    );
  });
});
