import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Caller } from './identity.js';
import { isAdmin, isService } from './identity.js';

/** An expected business failure, returned in a payload's `userErrors` (docs/design.md §4). */
export interface UserError {
  code: string;
  message: string;
  field?: string[] | null;
}

export const userError = (code: string, message: string, field?: string[]): UserError => ({
  code,
  message,
  field: field ?? null,
});

export const badInput = (message: string, field?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });

export const unauthenticated = (message = 'Sign in to do this') =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message = 'You may not do this') =>
  new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });

/**
 * A service this request needs did not answer (in time): retryable, like CONFLICT. With an
 * idempotency key the same request may be sent again safely.
 */
export const serviceUnavailable = (message = 'A service this request needs is not answering; try again') =>
  new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });

/** Admins only: guests get UNAUTHENTICATED, everyone else FORBIDDEN (docs/design.md §4, §7). */
export function requireAdmin(caller: Caller): void {
  if (isAdmin(caller)) return;
  if (caller.kind === 'guest') throw unauthenticated();
  throw forbidden('Admins only');
}

/** Internal operations: only a signed service identity, optionally a specific one. */
export function requireService(caller: Caller, ...names: string[]): void {
  if (names.length === 0 ? isService(caller) : names.some((n) => isService(caller, n))) return;
  throw forbidden('Internal operation');
}

/** Codes a client may see as they are; anything else is an internal error and is masked. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
]);

/** The extensions a client may see besides `code`: which input was wrong (`badInput`), whether sending again may succeed. */
const PUBLIC_EXTENSIONS = ['field', 'retryable'] as const;

/**
 * Apollo `formatError`: a public error reaches the client as its message, `extensions.code` (and
 * `field`), path and locations, nothing else (a gateway would otherwise pass on a subgraph's
 * `serviceName` or `response` with its URL and body); everything else becomes a generic
 * INTERNAL_SERVER_ERROR (no message, no stack) after the original is logged.
 */
export function maskErrors(log: (err: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const where = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      for (const key of PUBLIC_EXTENSIONS) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
      return { message: formatted.message, ...where, extensions };
    }
    log(unwrapResolverError(error));
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
