import { describe, expect, it } from 'vitest';
import { developmentSigner, exportPrivateKey, parseConfig, type ConfigError } from '@shop/kit';
import { subgraphConfig } from './config.js';
import { natsServers } from './nats.js';

const PRODUCTION = { NODE_ENV: 'production' };

describe('subgraphConfig', () => {
  it('defaults to the development signer, the local NATS and the service database shop_<name>', () => {
    const c = parseConfig('cart', subgraphConfig('cart', 4002, {}), {});
    expect(c).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 4002,
      NATS_URL: 'nats://127.0.0.1:4222',
      MONGODB_URL: 'mongodb://127.0.0.1:27017/?directConnection=true',
      MONGODB_DB: 'shop_cart',
    });
    expect(c.SIGNING_KEY.name).toBe('cart');
    expect(exportPrivateKey(c.SIGNING_KEY.key)).toBe(exportPrivateKey(developmentSigner('cart').key));
    expect([...c.SIGNER_KEYS.keys()]).toEqual(expect.arrayContaining(['gateway', 'order']));
  });

  it('requires both keys in production, in this order, and validates the database name', () => {
    const env = { ...PRODUCTION, MONGODB_DB: 'shop order', MONGODB_URL: 'http://db' };
    let problems: readonly string[] = [];
    try {
      parseConfig('order', subgraphConfig('order', 4003, env), env);
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual(['SIGNING_KEY', 'SIGNER_KEYS', 'MONGODB_URL', 'MONGODB_DB']);
  });
});

describe('NATS cluster settings (eventsConfig)', () => {
  const parse = (env: Record<string, string>) => parseConfig('order', subgraphConfig('order', 4003, env), env);

  it('takes every server of a cluster in NATS_URL and splits them for the client', () => {
    const c = parse({ NATS_URL: 'nats://127.0.0.1:4222, nats://127.0.0.1:4223,nats://127.0.0.1:4224', NATS_STREAM_REPLICAS: '3' });
    expect(natsServers(c.NATS_URL)).toEqual(['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223', 'nats://127.0.0.1:4224']);
    expect(c.NATS_STREAM_REPLICAS).toBe(3);
  });

  it('keeps one copy of each stream by default', () => {
    expect(parse({}).NATS_STREAM_REPLICAS).toBe(1);
  });

  it.each([
    [{ NATS_URL: 'nats://a:4222,http://b:4222' }, 'NATS_URL'],
    [{ NATS_URL: 'nats://a:4222,' }, 'NATS_URL'],
    [{ NATS_STREAM_REPLICAS: '0' }, 'NATS_STREAM_REPLICAS'],
    [{ NATS_STREAM_REPLICAS: '6' }, 'NATS_STREAM_REPLICAS'],
    [{ NATS_STREAM_REPLICAS: 'three' }, 'NATS_STREAM_REPLICAS'],
  ])('refuses %o', (env, name) => {
    let problems: readonly string[] = [];
    try {
      parse(env);
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual([name]);
  });
});
