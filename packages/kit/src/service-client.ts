import { randomUUID } from 'node:crypto';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext } from './identity.js';
import type { Signer } from './signing-keys.js';

export class ServiceCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServiceCallError';
  }
}

/**
 * A GraphQL client for calls between services, signed by `signer` as `service:<its name>` (ARCHITECTURE §7).
 * Errors in the response are raised: internal calls have no partial success. Each call signs a fresh
 * context (subgraphs accept a signed header once), so a caller retrying simply calls again; never
 * reuse the headers of one call for another.
 */
export function serviceClient(opts: {
  signer: Signer;
  url: string;
  /** The called service's name; contexts are signed for it alone. */
  target?: string;
  timeoutMs?: number;
}) {
  return async function call<T>(query: string, variables: Record<string, unknown>, requestId: string = randomUUID()): Promise<T> {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CONTEXT_HEADER]: signContext(opts.signer, serviceCaller(opts.signer), requestId, Date.now(), opts.target),
        [REQUEST_ID_HEADER]: requestId,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const body = (await res.json().catch(() => null)) as { data?: T; errors?: { message: string }[] } | null;
    if (!body || body.errors?.length || !body.data) {
      throw new ServiceCallError(`${opts.url}: ${body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`}`, res.status);
    }
    return body.data;
  };
}
