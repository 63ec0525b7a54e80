import { GraphQLError, OperationTypeNode } from 'graphql';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext, type Logger, type Signer } from '@shop/kit';
import type { GatewayContext } from './context.js';
import { callerKey, SHARE_KEY_HEADER, type Fetcher } from './sharing.js';
import { subgraphHttpError, subgraphUnavailable } from './subgraph-errors.js';

/**
 * The headers that sign a subgraph request as every gateway must (what `bench/` reuses for its peer
 * gateways): the caller context signed for `audience` alone, with the request id; without a request
 * context (health checks, schema loading), the gateway itself as `service:gateway`.
 */
export function subgraphHeaders(
  signer: Signer,
  audience: string,
  ctx?: Pick<GatewayContext, 'caller' | 'requestId'>,
): Record<string, string> {
  if (!ctx) return { [CONTEXT_HEADER]: signContext(signer, serviceCaller(signer), undefined, Date.now(), audience) };
  return {
    [CONTEXT_HEADER]: signContext(signer, ctx.caller, ctx.requestId, Date.now(), audience),
    [REQUEST_ID_HEADER]: ctx.requestId,
  };
}

/**
 * Sends every subgraph request with a freshly signed context. Nothing a client sent is forwarded:
 * the request to the subgraph is built here, and any identity header is removed before signing.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** With `share`, `fetcher` must be a `sharedFetcher`, which removes the header that carries the caller's key. */
  constructor(opts: { name: string; url: string; fetcher: Fetcher; signer: Signer; log: Logger; share: boolean }) {
    super({ url: opts.url, fetcher: opts.fetcher });
    this.signer = opts.signer;
    this.audience = opts.name;
    this.log = opts.log;
    this.share = opts.share;
  }

  private readonly signer: Signer;
  /** The subgraph's name: the context is signed for it alone, so no other subgraph accepts it. */
  private readonly audience: string;
  private readonly log: Logger;
  private readonly share: boolean;

  override willSendRequest(opts: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = opts.request.http!.headers;
    headers.delete(CONTEXT_HEADER);
    headers.delete(SHARE_KEY_HEADER);
    // Health checks and schema loading sign as service:gateway, and are never shared.
    const incoming = 'incomingRequestContext' in opts ? opts.incomingRequestContext : undefined;
    const ctx = incoming?.context;
    for (const [name, value] of Object.entries(subgraphHeaders(this.signer, this.audience, ctx))) headers.set(name, value);
    // Fetches of a query may share one request with the same caller's identical fetch (sharing.ts);
    // every fetch of a mutation goes out on its own.
    if (ctx && this.share && incoming?.operation.operation === OperationTypeNode.QUERY)
      headers.set(SHARE_KEY_HEADER, callerKey(ctx.caller));
  }

  /** A non-2xx answer: the subgraph's own refusal of a field, or an internal error (see subgraphHttpError). */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    return subgraphHttpError(this.log, this.audience, response.status, await this.parseBody(response).catch(() => undefined));
  }

  /** No answer at all (connection refused or reset, timeout): retryable SERVICE_UNAVAILABLE, not an internal error. */
  override didEncounterError(
    error: Error,
    ...rest: Parameters<RemoteGraphQLDataSource['didEncounterError']> extends [Error, ...infer R] ? R : never
  ) {
    const [, fetchResponse] = rest;
    if (fetchResponse === undefined && !(error instanceof GraphQLError)) {
      this.log.warn({ subgraph: this.audience, err: error }, 'a subgraph did not answer');
      throw subgraphUnavailable();
    }
  }
}
