import { GraphQLError } from 'graphql';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext, type Logger, type Signer } from '@shop/kit';
import type { GatewayContext } from './context.js';
import { subgraphHttpError, subgraphUnavailable } from './subgraph-errors.js';

/**
 * Sends every subgraph request with a freshly signed context. Nothing a client sent is forwarded:
 * the request to the subgraph is built here, and any identity header is removed before signing.
 */
type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;

export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(opts: { name: string; url: string; fetcher: Fetcher; signer: Signer; log: Logger }) {
    super({ url: opts.url, fetcher: opts.fetcher });
    this.signer = opts.signer;
    this.audience = opts.name;
    this.log = opts.log;
  }

  private readonly signer: Signer;
  /** The subgraph's name: the context is signed for it alone, so no other subgraph accepts it. */
  private readonly audience: string;
  private readonly log: Logger;

  override willSendRequest(opts: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = opts.request.http!.headers;
    headers.delete(CONTEXT_HEADER);
    if ('incomingRequestContext' in opts) {
      const ctx = opts.incomingRequestContext.context;
      headers.set(CONTEXT_HEADER, signContext(this.signer, ctx.caller, ctx.requestId, Date.now(), this.audience));
      headers.set(REQUEST_ID_HEADER, ctx.requestId);
    } else {
      // health checks and schema loading
      headers.set(CONTEXT_HEADER, signContext(this.signer, serviceCaller(this.signer), undefined, Date.now(), this.audience));
    }
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
