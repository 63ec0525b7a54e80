import { randomUUID } from 'node:crypto';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, signContext } from './identity.js';

/**
 * A call to another service that answered with an error: `status` is the HTTP status, `codes` the
 * GraphQL `extensions.code` of its errors (e.g. `BAD_USER_INPUT`). A call that got no answer at all
 * (connection refused, timeout) throws fetch's own error instead. `classifyFailure` in @shop/events
 * decides from these whether retrying can help.
 */
export class ServiceCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly codes: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ServiceCallError';
  }
}

type GraphQLErrorBody = { message: string; extensions?: { code?: unknown } };

/**
 * A GraphQL client for calls between services, signed as `service:<name>` (ARCHITECTURE §7).
 * Errors in the response are raised: internal calls have no partial success. Each call signs a fresh
 * context (subgraphs accept a signed header once), so a caller retrying simply calls again; never
 * reuse the headers of one call for another.
 */
export function serviceClient(opts: {
  service: string;
  url: string;
  secret: string;
  /** The called service's name; contexts are signed for it alone. */
  target?: string;
  timeoutMs?: number;
}) {
  return async function call<T>(query: string, variables: Record<string, unknown>, requestId: string = randomUUID()): Promise<T> {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CONTEXT_HEADER]: signContext(opts.secret, { kind: 'service', service: opts.service }, requestId, Date.now(), opts.target),
        [REQUEST_ID_HEADER]: requestId,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const body = (await res.json().catch(() => null)) as { data?: T; errors?: GraphQLErrorBody[] } | null;
    if (!body || body.errors?.length || !body.data) {
      const codes = (body?.errors ?? []).map((e) => e.extensions?.code).filter((c): c is string => typeof c === 'string');
      throw new ServiceCallError(
        `${opts.url}: ${body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`}`,
        res.status,
        codes,
      );
    }
    return body.data;
  };
}
