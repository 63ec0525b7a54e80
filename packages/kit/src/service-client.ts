import { randomUUID } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import { CONFLICT, ConflictError } from './contention.js';
import { serviceUnavailable } from './errors.js';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext } from './identity.js';
import type { Signer } from './signing-keys.js';

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
    /** `extensions.code` of the GraphQL errors in the answer, if any (e.g. `BAD_USER_INPUT`, `CONFLICT`). */
    readonly codes: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ServiceCallError';
  }

  /** The first GraphQL error's code. */
  get code(): string | undefined {
    return this.codes[0];
  }
}

type GraphQLErrorBody = { message: string; extensions?: { code?: unknown } };

/**
 * An operation that carries its result and variables types: the `…Document` constants graphql-codegen
 * generates (typed-document-node) from a caller's `src/operations/<target>.graphql`, typed against the
 * target subgraph's SDL (codegen.yml; `npm run schema:check` validates them). Structurally the
 * `TypedDocumentNode` of @graphql-typed-document-node/core.
 */
export interface TypedOperation<TResult, TVariables> extends DocumentNode {
  __apiType?: (variables: TVariables) => TResult;
}

/** The text sent for a document, printed once per document. */
const texts = new WeakMap<DocumentNode, string>();
function operationText(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) {
    text = print(document);
    texts.set(document, text);
  }
  return text;
}

/**
 * A GraphQL client for calls between services, signed by `signer` as `service:<its name>` (docs/design.md §7).
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
  return async function call<TResult, TVariables>(
    document: TypedOperation<TResult, TVariables>,
    variables: TVariables,
    requestId: string = randomUUID(),
  ): Promise<TResult> {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CONTEXT_HEADER]: signContext(opts.signer, serviceCaller(opts.signer), requestId, Date.now(), opts.target),
        [REQUEST_ID_HEADER]: requestId,
      },
      body: JSON.stringify({ query: operationText(document), variables }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const body = (await res.json().catch(() => null)) as { data?: TResult; errors?: GraphQLErrorBody[] } | null;
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

/**
 * What a client should see when an internal call failed: the callee's CONFLICT stays CONFLICT; a callee
 * that did not answer (in time), or answered SERVICE_UNAVAILABLE or a 5xx, is SERVICE_UNAVAILABLE. Both
 * are public and retryable. Anything else is returned as it is, an internal error.
 */
export function retryableCallError(err: unknown): Error {
  if (err instanceof ServiceCallError) {
    if (err.code === CONFLICT) return new ConflictError('something this request changes');
    if (err.code === 'SERVICE_UNAVAILABLE' || (err.status ?? 0) >= 500) return serviceUnavailable();
    return err;
  }
  const name = (err as Error | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return serviceUnavailable();
  if (err instanceof TypeError && err.message === 'fetch failed') return serviceUnavailable(); // connection refused or reset
  return err instanceof Error ? err : new Error(String(err));
}

/** Wraps an internal call so its failures reach the client as `retryableCallError` says. */
export function withRetryableErrors(call: ServiceCall): ServiceCall {
  return <TResult, TVariables>(document: TypedOperation<TResult, TVariables>, variables: TVariables, requestId?: string) =>
    call(document, variables, requestId).catch((err: unknown) => Promise.reject(retryableCallError(err)));
}

export type ServiceCall = ReturnType<typeof serviceClient>;
