import { OperationTypeNode } from 'graphql';
import type { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Caller, Logger } from '@shop/kit';
import type { GatewayContext } from './context.js';
import { InFlight } from './in-flight.js';

/**
 * In-flight deduplication (gateway/README.md): identical concurrent work of one caller is done once.
 *
 * Two levels, both keyed by the caller, never by anything a client could share with another caller:
 * - an operation: identical concurrent queries (same document, operation name and variables) of the
 *   same caller share one execution — guests with guests, one partner's requests with each other, a
 *   user's only with the same user's (same `sub`, same roles); never mutations or subscriptions;
 * - a subgraph fetch: identical concurrent fetches (same subgraph, same body) made for the same
 *   caller share one HTTP request (see `sharedFetcher`).
 * The caller is part of the key because it is the one input, besides the document and variables,
 * that changes what a subgraph answers: the signed context carries it. Hive Gateway's HTTP executor
 * keys its deduplication on URL and body and adds plugin headers afterwards, so with a plugin that
 * signs the caller one user's fetch would answer another user's identical fetch with the first
 * user's data (a cart, orders): harmless for guests, a leak for users. The request id is not part of
 * either key (else nothing would ever be shared): the subgraphs see the first request's id, and a
 * request that joined logs which one it joined.
 */

/** A string that names the caller unambiguously: the class for guests, the partner, the user with their roles. */
export function callerKey(caller: Caller): string {
  switch (caller.kind) {
    case 'guest':
      return 'guest';
    case 'partner':
      return JSON.stringify(['partner', caller.partnerId]);
    case 'user':
      return JSON.stringify(['user', caller.sub, [...caller.roles].sort()]);
    case 'service':
      return JSON.stringify(['service', caller.service]);
  }
}

type Executor = ApolloGateway['executor'];
type RequestContext = Parameters<Executor>[0];
type ExecutionResult = Awaited<ReturnType<Executor>>;
type GatewayLike = Pick<ApolloGateway, 'load' | 'onSchemaLoadOrUpdate' | 'stop'>;

/** What a request that joined logs, and how often requests joined since start. */
export interface SharingStats {
  /** Client operations that joined an identical one in flight instead of executing. */
  operationsJoined: number;
  /** Subgraph fetches that joined an identical one in flight instead of being sent. */
  fetchesJoined: number;
}

/** The key of an operation that may be shared, or undefined when it must run on its own. */
export function operationKey(ctx: RequestContext): string | undefined {
  // The operation is always resolved here: a request naming none of its document's operations is refused
  // before execution (operation-resolution.ts).
  if (ctx.operation.operation !== OperationTypeNode.QUERY) return undefined;
  const context = ctx.context as Partial<GatewayContext>;
  if (!context.caller) return undefined;
  // The query hash and the operation name pick the plan; the variables and the caller are everything
  // else the subgraphs are sent. Variables in another key order only miss a share.
  return `${callerKey(context.caller)}\n${ctx.queryHash}\n${ctx.request.operationName ?? ''}\n${JSON.stringify(ctx.request.variables ?? {})}`;
}

/**
 * The gateway with its executor wrapped: a query whose key is in flight waits for that execution and
 * gets its result (or its error); each request gets its own copy of the result's top level, so what
 * Apollo Server or a plugin sets on one response is not seen by another.
 */
export function sharingGateway(gateway: GatewayLike, log: Logger): GatewayLike & { joined: () => number } {
  const flights = new InFlight<{ result: ExecutionResult; requestId: string; cachePolicy: CacheHint | null }>();
  const share =
    (execute: Executor): Executor =>
    async (ctx) => {
      const key = operationKey(ctx);
      if (key === undefined) return execute(ctx);
      const { flight, leader } = flights.run(key, async () => ({
        result: await execute(ctx),
        requestId: (ctx.context as GatewayContext).requestId,
        cachePolicy: policyOf(ctx),
      }));
      const shared = await flight.outcome;
      if (!leader) {
        log.debug(
          { requestId: (ctx.context as GatewayContext).requestId, joined: shared.requestId },
          'joined an identical query in flight',
        );
        // What the subgraphs' cache-control headers set on the leader's policy holds for this request too.
        if (shared.cachePolicy) (ctx.overallCachePolicy as CachePolicy).restrict(shared.cachePolicy);
      }
      return copyOf(shared.result);
    };
  return {
    load: async (opts) => {
      const loaded = await gateway.load(opts);
      return { ...loaded, executor: share(loaded.executor) };
    },
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    joined: () => flights.joined,
  };
}

interface CacheHint {
  maxAge?: number;
  scope?: unknown;
}
interface CachePolicy extends CacheHint {
  restrict(hint: CacheHint): void;
}

function policyOf(ctx: RequestContext): CacheHint | null {
  const policy = ctx.overallCachePolicy as Partial<CachePolicy> | undefined;
  if (!policy || typeof policy.restrict !== 'function') return null;
  return { maxAge: policy.maxAge, scope: policy.scope };
}

const copyOf = (r: ExecutionResult): ExecutionResult => ({ ...r, ...(r.extensions ? { extensions: { ...r.extensions } } : {}) });

/** Header by which the data source hands the caller's key to `sharedFetcher`; removed before sending. */
export const SHARE_KEY_HEADER = 'x-shop-gateway-share-key';

/** The fetch function Apollo's data sources call (@apollo/utils.fetcher). */
export type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;
type FetchResponse = Awaited<ReturnType<Fetcher>>;

/**
 * A fetcher that sends identical concurrent subgraph requests once: same URL, same body, same caller
 * (the key the data source puts in SHARE_KEY_HEADER; requests without it, such as mutations, health
 * checks and schema loading, are never shared). The first request's signed context goes out; the
 * response is read once and each request that joined gets its own copy (a body can be read once). A
 * request no one joined gets the response untouched. A failure reaches every request that joined.
 */
export function sharedFetcher(fetch: Fetcher): { fetch: Fetcher; joined: () => number } {
  const flights = new InFlight<ReadOnce>();
  const shared: Fetcher = async (url, init = {}) => {
    const key = init.headers?.[SHARE_KEY_HEADER];
    if (key === undefined) return fetch(url, init);
    const { [SHARE_KEY_HEADER]: _, ...headers } = init.headers!;
    const body = typeof init.body === 'string' ? init.body : (init.body?.toString('utf8') ?? '');
    const { flight } = flights.run(
      `${url}\n${key}\n${init.method ?? 'GET'}\n${body}`,
      async () => new ReadOnce(await fetch(url, { ...init, headers })),
    );
    const once = await flight.outcome;
    return flight.joiners === 0 ? once.response : once.copy();
  };
  return { fetch: shared, joined: () => flights.joined };
}

/** A response whose body is read at most once, then handed out as copies. */
class ReadOnce {
  constructor(readonly response: FetchResponse) {}
  private read?: Promise<{ text: string; init: ResponseInit }>;

  async copy(): Promise<Response> {
    const r = this.response;
    this.read ??= r.text().then((text) => ({ text, init: { status: r.status, statusText: r.statusText, headers: [...r.headers] } }));
    const { text, init } = await this.read;
    return new Response(text, init);
  }
}
