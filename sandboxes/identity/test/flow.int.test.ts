import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '@shop/identity-sandbox';
import { authorizeUrl, Browser, location, pkce, REDIRECT_URI, signIn, startTestSandbox } from './helpers.js';

let idp: RunningSandbox;
const STOREFRONT = 'http://localhost:3000';

beforeAll(async () => {
  idp = await startTestSandbox({ STOREFRONT_REDIRECT_URIS: 'http://127.0.0.1:5173/auth/callback' });
});
afterAll(() => idp?.close());

const keySet = async () => createLocalJWKSet((await (await fetch(`${idp.url}/jwks`)).json()) as JSONWebKeySet);

/** Starts an authorization and opens its login page; returns the browser (cookies) and the form's action. */
async function loginPage(browser: Browser) {
  const { challenge } = pkce();
  const start = await browser.fetch(authorizeUrl(idp.url, { code_challenge: challenge, code_challenge_method: 'S256' }));
  const page = await browser.fetch(location(start, idp.url));
  const html = await page.text();
  return { html, action: new URL(/action="([^"]+)"/.exec(html)![1]!, idp.url).href };
}

describe('the identity sandbox (OpenID Connect provider)', () => {
  it('publishes its discovery document and an RS256 key set, readable from the storefront origin', async () => {
    const res = await fetch(`${idp.url}/.well-known/openid-configuration`, { headers: { origin: STOREFRONT } });
    expect(res.status).toBe(200);
    const discovery = (await res.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      // Endpoints are named on the host the document was asked from (here 127.0.0.1; a browser: localhost).
      authorization_endpoint: `${idp.url}/auth`,
      token_endpoint: `${idp.url}/token`,
      jwks_uri: `${idp.url}/jwks`,
      end_session_endpoint: `${idp.url}/session/end`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
    const jwks = await fetch(`${idp.url}/jwks`, { headers: { origin: STOREFRONT } });
    expect(jwks.headers.get('access-control-allow-origin')).toBeTruthy();
    const { keys } = (await jwks.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: idp.keys.list()[0]!.kid });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('runs the authorization code flow with PKCE: login page → code → RS256 access token for the shop with roles and name', async () => {
    const { tokens, callback, tokenRes } = await signIn(idp.url, idp.issuer, 'Zoë  Smith', 'admin');
    expect(callback.searchParams.get('state')).toBe('st-1');
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    expect(tokenRes.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(tokens.token_type).toBe('Bearer');
    const keys = await keySet();
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'RS256', kid: idp.keys.list()[0]!.kid });
    const access = await jwtVerify(tokens.access_token, keys, { issuer: idp.issuer, audience: 'shop', algorithms: ['RS256'] });
    expect(access.payload).toMatchObject({ sub: 'user-zoe-smith', roles: ['admin'], name: 'Zoë  Smith' });
    const id = await jwtVerify(tokens.id_token, keys, { issuer: idp.issuer, audience: 'storefront' });
    expect(id.payload).toMatchObject({ sub: 'user-zoe-smith', name: 'Zoë  Smith', nonce: 'n-1' });
  });

  it('derives the account id from the name alone: the same name (any case or accent) is the same customer', async () => {
    const first = await signIn(idp.url, idp.issuer, 'Renée Dupont', 'customer');
    const again = await signIn(idp.url, idp.issuer, 'renee dupont', 'customer');
    const other = await signIn(idp.url, idp.issuer, 'Renée Martin', 'customer');
    const sub = async (t: string) => (await jwtVerify(t, await keySet())).payload.sub;
    expect(await sub(first.tokens.access_token)).toBe('user-renee-dupont');
    expect(await sub(again.tokens.access_token)).toBe('user-renee-dupont');
    expect(await sub(other.tokens.access_token)).toBe('user-renee-martin');
  });

  it('accepts a configured extra redirect URI', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const url = authorizeUrl(idp.url, {
      redirect_uri: 'http://127.0.0.1:5173/auth/callback',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const res = await browser.fetch(url);
    expect(res.status).toBe(303);
    expect(location(res, idp.url)).toMatch(/\/interaction\//);
  });

  it('refuses an authorization without PKCE, or with plain PKCE, back to the client as invalid_request', async () => {
    for (const params of [{}, { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }]) {
      const res = await new Browser().fetch(authorizeUrl(idp.url, params));
      expect(res.status).toBe(303);
      const back = new URL(location(res, idp.url));
      expect(back.origin + back.pathname).toBe(REDIRECT_URI);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/PKCE|code_challenge_method/);
    }
  });

  it('never redirects to an unregistered redirect_uri: it answers an error page instead', async () => {
    const { challenge } = pkce();
    const res = await new Browser().fetch(
      authorizeUrl(idp.url, {
        redirect_uri: 'http://evil.example/auth/callback',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/redirect_uri did not match/);
  });

  it('refuses a token request with a wrong code_verifier', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const start = await browser.fetch(authorizeUrl(idp.url, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const page = await browser.fetch(location(start, idp.url));
    const action = new URL(/action="([^"]+)"/.exec(await page.text())![1]!, idp.url).href;
    const posted = await browser.fetch(action, { method: 'POST', body: new URLSearchParams({ name: 'Mallory', role: 'customer' }) });
    const code = new URL(location(await browser.fetch(location(posted, idp.url)), idp.url)).searchParams.get('code')!;
    const res = await fetch(`${idp.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'storefront',
        code_verifier: pkce().verifier,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('shows an accessible login page and names what is wrong with a bad name, keeping what was typed', async () => {
    const browser = new Browser();
    const { html, action } = await loginPage(browser);
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<label for="name">Name<\/label><input id="name" name="name" type="text"/);
    expect(html).toMatch(
      /<label for="role">Role<\/label><select id="role" name="role"><option value="customer">customer<\/option><option value="admin">admin<\/option><\/select>/,
    );
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const cases: [Record<string, string>, RegExp][] = [
      [{ name: 'x', role: 'customer' }, /Name must be 2 to 40 characters/],
      [{ name: '<script>alert(1)</script>', role: 'customer' }, /Name may hold letters, digits, spaces/],
      [{ name: '李小龙', role: 'customer' }, /at least two Latin letters or digits/],
      [{ name: 'Ada', role: 'root' }, /Role must be customer or admin/],
    ];
    for (const [form, message] of cases) {
      const res = await browser.fetch(action, { method: 'POST', body: new URLSearchParams(form) });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toMatch(message);
      expect(page).toMatch(/role="alert"/);
      expect(page).toMatch(/aria-invalid="true" aria-describedby="(name|role)-error"/);
      expect(page).not.toContain('<script>alert');
    }
    // The same interaction still signs in once the form is right.
    const ok = await browser.fetch(action, { method: 'POST', body: new URLSearchParams({ name: 'Ada', role: 'customer' }) });
    expect(ok.status).toBe(303);
  });

  it('logs out through the end-session endpoint back to the storefront', async () => {
    const { tokens } = await signIn(idp.url, idp.issuer, 'Leaving Soon', 'customer');
    const url = new URL(`${idp.url}/session/end`);
    url.searchParams.set('id_token_hint', tokens.id_token);
    url.searchParams.set('post_logout_redirect_uri', `${STOREFRONT}/`);
    const res = await new Browser().fetch(url.href);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<form/);
  });
});
