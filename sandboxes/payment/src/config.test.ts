import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@shop/kit';
import { loadConfig } from './config.js';
import { tokenBehaviour } from './tokens.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 4020,
      HOST: '127.0.0.1',
      SANDBOX_WEBHOOK_DELAY_MS: 5_000,
      SANDBOX_SETTLE_DELAY_MS: 200,
      SANDBOX_WEBHOOK_MAX_ATTEMPTS: 20,
    });
    const config = loadConfig({});
    expect(config.PSP_WEBHOOK_URL).toBeUndefined();
    expect(config.PUBLIC_URL).toBeUndefined();
    expect(config.PSP_WEBHOOK_SECRET.length).toBeGreaterThanOrEqual(16);
  });

  it('reports every malformed variable at once', () => {
    const env = { PORT: 'x', PSP_WEBHOOK_URL: 'ftp://example', SANDBOX_SETTLE_DELAY_MS: '-1', SANDBOX_WEBHOOK_MAX_ATTEMPTS: '0' };
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(
        ['PORT', 'PSP_WEBHOOK_URL', 'SANDBOX_SETTLE_DELAY_MS', 'SANDBOX_WEBHOOK_MAX_ATTEMPTS'].sort(),
      );
    }
  });

  it('demands real secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PSP_API_KEY[\s\S]*PSP_WEBHOOK_SECRET/);
    const env = {
      NODE_ENV: 'production',
      PSP_API_KEY: randomBytes(24).toString('base64url'),
      PSP_WEBHOOK_SECRET: 'dev-only-psp-webhook-secret-change-me',
    };
    expect(() => loadConfig(env)).toThrow(/PSP_WEBHOOK_SECRET: is committed in this repository/);
  });

  it('drops a trailing slash from PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'http://sandbox.test:4020/' }).PUBLIC_URL).toBe('http://sandbox.test:4020');
  });
});

describe('test tokens', () => {
  it('knows the documented tokens and nothing inherited', () => {
    expect(tokenBehaviour('tok_declined')).toMatchObject({ outcome: 'fail', failureCode: 'card_declined' });
    expect(tokenBehaviour('tok_3ds')).toEqual({ outcome: 'requires_action' });
    expect(tokenBehaviour('tok_mastercard')).toBeUndefined();
    expect(tokenBehaviour('toString')).toBeUndefined();
    expect(tokenBehaviour('__proto__')).toBeUndefined();
  });
});
