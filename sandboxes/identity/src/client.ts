import type { Role } from '@shop/kit';

/** Where `npm start` runs the identity sandbox. */
export const DEFAULT_IDENTITY_URL = 'http://127.0.0.1:4022';

/**
 * Asks the identity sandbox's development mint route (`POST /dev/token`, loopback only, absent in
 * production) for an access token like the ones its login flow issues. Throws with the sandbox's error.
 */
export async function mintDevToken(
  identityUrl: string,
  request: { sub: string; roles: readonly Role[]; ttlSeconds?: number; name?: string },
): Promise<string> {
  let res: Response;
  try {
    res = await fetch(new URL('/dev/token', identityUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new Error(
      `cannot reach the identity sandbox at ${identityUrl} (is npm start running?): ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  const body = (await res.json().catch(() => undefined)) as { access_token?: string; error?: { message?: string } } | undefined;
  if (!res.ok || typeof body?.access_token !== 'string') {
    throw new Error(`identity sandbox at ${identityUrl} refused the token (HTTP ${res.status}): ${body?.error?.message ?? 'no message'}`);
  }
  return body.access_token;
}
