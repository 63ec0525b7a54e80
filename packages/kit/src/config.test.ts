import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, commonConfig, duration, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('applies development defaults', () => {
    const c = parseConfig('svc', { ...commonConfig(4001, {}), TTL: duration('15m') }, {});
    expect(c).toMatchObject({ PORT: 4001, HOST: '127.0.0.1', NODE_ENV: 'development', TTL: 900_000 });
    expect(c.GATEWAY_SIGNING_SECRET.length).toBeGreaterThanOrEqual(16);
  });

  it('reports every problem at once', () => {
    const env = { PORT: 'eighty', LOG_LEVEL: 'loud', TTL: '5 minutes' };
    try {
      parseConfig('svc', { ...commonConfig(4001, env), TTL: duration('15m'), NEEDED: z.string() }, env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['LOG_LEVEL', 'PORT', 'TTL', 'NEEDED']);
    }
  });

  it('requires real secrets in production and refuses the development defaults there', () => {
    const env = { NODE_ENV: 'production' };
    expect(() => parseConfig('svc', commonConfig(4001, env), env)).toThrow(/GATEWAY_SIGNING_SECRET/);
    const withDefault = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'dev-only-gateway-signing-secret-change-me' };
    expect(() => parseConfig('svc', commonConfig(4001, withDefault), withDefault)).toThrow(/development default/);
    const real = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'a-real-secret-of-some-length' };
    expect(parseConfig('svc', commonConfig(4001, real), real).GATEWAY_SIGNING_SECRET).toBe('a-real-secret-of-some-length');
  });

  it.each([
    ['250', 250],
    ['30s', 30_000],
    ['7d', 604_800_000],
  ])('reads the duration %s', (text, ms) => {
    expect(parseConfig('svc', { D: duration('1s') }, { D: text }).D).toBe(ms);
  });
});
