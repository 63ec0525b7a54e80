import { createHash, randomBytes } from 'node:crypto';
import { createLogger } from '@shop/kit';
import { loadConfig, startSandbox, type RunningSandbox } from '@shop/identity-sandbox';

export const REDIRECT_URI = 'http://localhost:3000/auth/callback';

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', ...overrides };
}

export function startTestSandbox(overrides: Record<string, string> = {}): Promise<RunningSandbox> {
  const config = loadConfig(testEnv(overrides));
  return startSandbox(config, createLogger('identity-sandbox', config.LOG_LEVEL));
}

/** A browser's cookie jar, reduced to what the flow needs: every cookie sent everywhere on the one host. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(issuer: string, params: Record<string, string | undefined>): string {
  const url = new URL('/auth', issuer);
  const all = {
    client_id: 'storefront',
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: REDIRECT_URI,
    state: 'st-1',
    nonce: 'n-1',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** Where a redirect points, resolved against the request's URL. */
export const location = (res: Response, base: string) => new URL(res.headers.get('location') ?? '', base).href;

/**
 * The whole authorization code flow as a browser and the storefront's OIDC client drive it: authorize,
 * the login page, the form, the redirect back with a code, the token request with the PKCE verifier.
 */
export async function signIn(base: string, issuer: string, name: string, role: 'customer' | 'admin') {
  const browser = new Browser();
  const { verifier, challenge } = pkce();
  const start = await browser.fetch(authorizeUrl(base, { code_challenge: challenge, code_challenge_method: 'S256' }));
  if (start.status !== 303) throw new Error(`authorize: HTTP ${start.status} ${await start.text()}`);
  const loginUrl = location(start, base);
  const page = await browser.fetch(loginUrl);
  const action = /action="([^"]+)"/.exec(await page.text())?.[1];
  if (!action) throw new Error('no login form');
  const posted = await browser.fetch(new URL(action, base).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, role }).toString(),
  });
  if (posted.status !== 303) throw new Error(`login: HTTP ${posted.status} ${await posted.text()}`);
  const resumed = await browser.fetch(location(posted, base));
  const callback = new URL(location(resumed, base));
  if (callback.origin + callback.pathname !== REDIRECT_URI) throw new Error(`resume: HTTP ${resumed.status} to ${callback.href}`);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.href}`);
  const tokenRes = await fetch(new URL('/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: 'storefront',
      code_verifier: verifier,
    }),
  });
  const tokens = (await tokenRes.json()) as { access_token: string; id_token: string; token_type: string; expires_in: number };
  if (tokenRes.status !== 200) throw new Error(`token: HTTP ${tokenRes.status} ${JSON.stringify(tokens)}`);
  return { tokens, callback, tokenRes, issuer };
}
