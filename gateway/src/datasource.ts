import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER, REQUEST_ID_HEADER, serviceCaller, signContext, type Signer } from '@shop/kit';
import type { GatewayContext } from './context.js';

/**
 * Sends every subgraph request with a freshly signed context. Nothing a client sent is forwarded:
 * the request to the subgraph is built here, and any identity header is removed before signing.
 */
type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;

export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(opts: { name: string; url: string; fetcher: Fetcher; signer: Signer }) {
    super({ url: opts.url, fetcher: opts.fetcher });
    this.signer = opts.signer;
    this.audience = opts.name;
  }

  private readonly signer: Signer;
  /** The subgraph's name: the context is signed for it alone, so no other subgraph accepts it. */
  private readonly audience: string;

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
}
