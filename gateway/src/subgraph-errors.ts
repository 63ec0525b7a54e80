import { GraphQLError } from 'graphql';
import type { Logger } from '@shop/kit';

/** Codes of a subgraph's own refusal of a field that the client may see, with the subgraph's message. */
const CALLER_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT']);

/** A subgraph (or a proxy in front of it) saying it cannot answer now: the client may retry. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * A subgraph that did not answer (refused, reset, timed out) or said it is unavailable: the public,
 * retryable SERVICE_UNAVAILABLE, so a client can tell an outage from a bug and send the request again
 * (mutations carry idempotency keys for that).
 */
export const subgraphUnavailable = () =>
  new GraphQLError('A service this request needs is not answering; try again', {
    extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  });

interface SubgraphErrorBody {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown };
}

function firstError(body: unknown): SubgraphErrorBody | undefined {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors[0] as SubgraphErrorBody | undefined) : undefined;
}

/**
 * The error a client gets for a subgraph's non-2xx answer (Apollo's default copies the subgraph's URL,
 * HTTP status and whole body into `extensions.response`). A resolver's refusal carries the field's path
 * (e.g. FORBIDDEN "Admins only" for a customer's `shipOrder`): the client gets its message and code.
 * Anything else is the gateway's problem, not the caller's: most of all a 401 without a path, which is
 * the subgraph refusing the gateway's signed context. That is logged and answered as an internal error
 * (masked), never as UNAUTHENTICATED, which would make clients sign their users out.
 */
export function subgraphHttpError(log: Logger, subgraph: string, status: number, body: unknown): GraphQLError {
  const first = firstError(body);
  const code = first?.extensions?.code;
  if (typeof code === 'string' && CALLER_CODES.has(code) && Array.isArray(first?.path) && typeof first.message === 'string') {
    return new GraphQLError(first.message, { extensions: { code } });
  }
  const reason = typeof first?.message === 'string' ? first.message : undefined;
  if (UNAVAILABLE_STATUSES.has(status)) {
    log.warn({ subgraph, status, reason }, 'a subgraph is unavailable');
    return subgraphUnavailable();
  }
  if (status === 401) log.error({ subgraph, status, reason }, "a subgraph refused the gateway's signed context");
  else log.error({ subgraph, status, reason, body: reason ? undefined : body }, 'a subgraph failed a request');
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
