import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, run, sandboxStarter } from '@shop/harness';
import { mintDevToken } from '@shop/identity-sandbox';
import { signIn, testEnv } from './helpers.js';

const NODE_ARGS = ['--conditions=shop-source', '--import', 'tsx', 'sandboxes/identity/src/index.ts'];
let logs: string;

beforeAll(() => {
  logs = mkdtempSync(join(tmpdir(), 'identity-sandbox-'));
});
afterAll(() => rmSync(logs, { recursive: true, force: true }));

const startSandbox = sandboxStarter('identity', () => logs, testEnv);
const childEnv = (overrides: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  ...testEnv(overrides),
});

async function spawnSandbox(port: number, env: Record<string, string> = {}) {
  const { proc, url } = await startSandbox(port, env, 120_000);
  return { proc, url, issuer: `http://localhost:${port}` };
}

const jwks = async (url: string) => ((await (await fetch(`${url}/jwks`)).json()) as JSONWebKeySet).keys.map((k) => k.kid);
const verify = async (url: string, token: string) =>
  jwtVerify(token, createLocalJWKSet((await (await fetch(`${url}/jwks`)).json()) as JSONWebKeySet));
const admin = async (url: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}/admin/keys${path}`, {
    method: path ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
};

describe('the identity sandbox as its own process', () => {
  it('with SANDBOX_STATE_DIR keeps its keys and accounts across a SIGKILL: tokens issued before stay valid', async () => {
    const port = await freePort();
    const env = { SANDBOX_STATE_DIR: join(logs, 'state') };
    const first = await spawnSandbox(port, env);
    const { tokens } = await signIn(first.url, first.issuer, 'Kept Customer', 'customer');
    const kids = await jwks(first.url);
    await first.proc.kill('SIGKILL');

    const second = await spawnSandbox(port, env);
    try {
      expect(await jwks(second.url)).toEqual(kids);
      expect((await verify(second.url, tokens.access_token)).payload).toMatchObject({ sub: 'user-kept-customer', roles: ['customer'] });
      await second.proc.stop();
      expect(second.proc.exitCode).toBe(0);
      expect(second.proc.tail(50)).toMatch(/identity sandbox ready \(keys and accounts are kept/);
    } finally {
      await second.proc.stop();
    }
  });

  it('rotates: the new key signs, the previous one stays published until retired, and the rotation survives a restart', async () => {
    const port = await freePort();
    const env = { SANDBOX_STATE_DIR: join(logs, 'rotation') };
    let idp = await spawnSandbox(port, env);
    try {
      const [oldKid] = await jwks(idp.url);
      const before = await mintDevToken(idp.url, { sub: 'rota', roles: ['customer'] });
      const rotated = await admin(idp.url, '/rotate');
      expect(rotated.status).toBe(201);
      const newKid = rotated.body.kid as string;
      expect(await jwks(idp.url)).toEqual([newKid, oldKid]);
      expect((await admin(idp.url, '')).body.keys.map((k: { kid: string; current: boolean }) => [k.kid, k.current])).toEqual([
        [newKid, true],
        [oldKid, false],
      ]);
      // Both flows sign with the new key; the old token still verifies while its key is published.
      expect(decodeProtectedHeader(await mintDevToken(idp.url, { sub: 'rota', roles: ['customer'] })).kid).toBe(newKid);
      expect(decodeProtectedHeader((await signIn(idp.url, idp.issuer, 'Rota', 'customer')).tokens.access_token).kid).toBe(newKid);
      expect((await verify(idp.url, before)).payload.sub).toBe('rota');

      await idp.proc.kill('SIGKILL');
      idp = await spawnSandbox(port, env);
      expect(await jwks(idp.url)).toEqual([newKid, oldKid]);

      expect(await admin(idp.url, '/retire', { kid: newKid })).toMatchObject({ status: 409, body: { error: { code: 'current_key' } } });
      expect(await admin(idp.url, '/retire', { kid: 'nope' })).toMatchObject({ status: 404, body: { error: { code: 'unknown_key' } } });
      expect(await admin(idp.url, '/retire', {})).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_request', param: 'kid' } },
      });
      expect((await admin(idp.url, '/retire', { kid: oldKid })).status).toBe(200);
      expect(await jwks(idp.url)).toEqual([newKid]);
      await expect(verify(idp.url, before)).rejects.toThrow(/no applicable key/);
    } finally {
      await idp.proc.stop();
    }
  });

  it('mints development tokens on loopback only outside production, validating the request', async () => {
    const dev = await spawnSandbox(await freePort());
    try {
      const token = await mintDevToken(dev.url, { sub: 'alice', roles: ['admin'], ttlSeconds: 600 });
      const { payload } = await verify(dev.url, token);
      expect(payload).toMatchObject({ iss: dev.issuer, aud: 'shop', sub: 'alice', roles: ['admin'], name: 'alice' });
      expect(payload.exp! - payload.iat!).toBe(600);
      await expect(mintDevToken(dev.url, { sub: 'a b', roles: ['root' as 'admin'], ttlSeconds: 5 })).rejects.toThrow(
        /HTTP 400.*sub:.*roles\.0:.*ttlSeconds:/,
      );
    } finally {
      await dev.proc.stop();
    }
    const prod = await spawnSandbox(await freePort(), { NODE_ENV: 'production' });
    try {
      await expect(mintDevToken(prod.url, { sub: 'alice', roles: ['admin'] })).rejects.toThrow(/HTTP 404/);
    } finally {
      await prod.proc.stop();
    }
  });

  it('refuses to start with a bad configuration, naming every problem', async () => {
    const failure = await run(process.execPath, NODE_ARGS, {
      cwd: ROOT,
      env: childEnv({ PORT: 'eighty', ISSUER: 'ftp://x', STOREFRONT_REDIRECT_URIS: 'not a url' }),
      quiet: true,
    }).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(failure).toMatch(/identity-sandbox failed to start/);
    expect(failure).toMatch(/PORT:/);
    expect(failure).toMatch(/ISSUER:/);
    expect(failure).toMatch(/STOREFRONT_REDIRECT_URIS/);
  });
});
