import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { canConnect, freePortBlock, ROOT, testTmpDir, waitFor } from '@shop/harness';

const stateDir = testTmpDir('shop-start-');
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** `npm run token -- …` as a developer types it, in another shell (none of npm start's environment). */
async function npmToken(args: string[]): Promise<string> {
  const { NODE_OPTIONS: _ignored, JWKS_URL: _jwks, ...env } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/bootstrap.mjs', 'token', ...args], { cwd: ROOT, env });
  return stdout.trim();
}

async function gql(base: number, token: string, query: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

describe('npm start', () => {
  it('brings up a seeded supergraph and the storefront, answers products(first: 3), takes npm run token tokens through the identity JWKS and stops everything on Ctrl-C', async () => {
    // The gateway port and every offset `npm start` derives from it (subgraphs +1…+5, workers +10/+11, sandboxes +20/+21/+22).
    const base = await freePortBlock(23);
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
      cwd: ROOT,
      env: {
        ...env,
        MONGODB_URL: inject('mongoUrl'),
        NATS_URL: inject('natsUrl'),
        SHOP_BASE_PORT: String(base),
        SHOP_STATE_DIR: stateDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor('npm start to print the URL', () => output.includes('Shop Supergraph is running'), {
        timeoutMs: 240_000,
        intervalMs: 200,
        failFast: () => (child.exitCode !== null ? `exited early:\n${output}` : undefined),
      });
      expect(output).toContain(`http://localhost:${base}/graphql`);
      expect(output).toMatch(/Admin token: +eyJ/);

      const res = await fetch(`http://127.0.0.1:${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ products(first: 3) { totalCount edges { node { name price { amount currency } } } } categories { slug } }',
        }),
      });
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      expect(body.data.products.edges).toHaveLength(3);
      for (const { node } of body.data.products.edges) {
        expect(Number.isInteger(node.price.amount)).toBe(true);
        expect(node.price.currency).toBe('USD');
      }
      expect(body.data.products.totalCount).toBeGreaterThanOrEqual(200);
      expect(body.data.categories.length).toBeGreaterThanOrEqual(10);

      // The storefront npm start prints (issue 13 §4): the shop's page, configured for this gateway and
      // this identity sandbox (the browser tests in storefront.e2e.ts buy through the same server).
      const storefront = /Storefront: +(http:\/\/localhost:\d+)/.exec(output)?.[1];
      expect(storefront).toBe(`http://localhost:${base - 1000}`);
      const page = await fetch(`http://127.0.0.1:${base - 1000}/products/anything`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Shop Supergraph</title>');
      expect(await (await fetch(`http://127.0.0.1:${base - 1000}/config.json`)).json()).toMatchObject({
        graphqlUrl: `http://localhost:${base}/graphql`,
        oidcAuthority: `http://localhost:${base + 22}`,
      });

      // Signed-in requests: the gateway verifies tokens through the identity sandbox's JWKS, as in production.
      const admin = /Admin token: +(\S+)/.exec(output)![1]!;
      expect(JSON.parse(Buffer.from(admin.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
      const customer = await npmToken(['--sub', 'alice', '--role', 'customer', '--identity', `http://127.0.0.1:${base + 22}`]);
      const me = await gql(base, customer, 'mutation { createCart { cart { id status } userErrors { code } } }');
      expect(me.data.createCart.cart.status).toBe('ACTIVE');
      expect((await gql(base, customer, '{ myCart { id } }')).data.myCart.id).toBe(me.data.createCart.cart.id);
      expect((await gql(base, customer, '{ orders(first: 1) { totalCount } }')).errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await gql(base, admin, '{ orders(first: 1) { totalCount } }')).errors).toBeUndefined();
      // The HS256 development token of old is refused by a gateway verifying through JWKS.
      const hs256 = await npmToken(['--sub', 'alice', '--role', 'admin', '--hs256']);
      expect((await gql(base, hs256, '{ orders(first: 1) { totalCount } }')).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(await canConnect(base)).toBe(false);
    expect(await canConnect(base + 1)).toBe(false);
    expect(await canConnect(base - 1000)).toBe(false);
  }, 300_000);
});
