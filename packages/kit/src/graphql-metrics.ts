import type { ApolloServerPlugin, BaseContext as ApolloContext, GraphQLRequestContext } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { PUBLIC_CODES } from './errors.js';
import { counter, histogram, secondsSince } from './metrics.js';

/**
 * GraphQL metrics, one Apollo Server plugin for the gateway and every subgraph (label `component`: the
 * gateway or the subgraph's name). Labels stay bounded whatever a client sends:
 *
 * - `operation`: the operation's name when it is in the registered set (the partner safelist), else
 *   `<query|mutation>.<first root field>` of the validated operation (bounded by the schema: an unknown
 *   field never passes validation), `invalid` for what does not parse or validate. A client-chosen
 *   operation name never becomes a label value.
 * - `client`: the caller's kind (`guest`, `user`, `partner`, `service`), never who.
 * - `code`: the error's `extensions.code` when it is one clients may see, else `INTERNAL_SERVER_ERROR`
 *   (what the client is shown after masking).
 */
const LABELS = ['component', 'operation', 'client'] as const;
const requests = counter('shop_graphql_requests_total', 'GraphQL operations answered', LABELS);
const errors = counter('shop_graphql_errors_total', 'GraphQL errors in responses, by code', [...LABELS, 'code']);
const latency = histogram('shop_graphql_duration_seconds', 'GraphQL operation latency, request received to response sent', LABELS);

/** Codes counted as they are (besides the public ones): the gateway's own refusals. */
const COUNTED_CODES: ReadonlySet<string> = new Set([
  ...PUBLIC_CODES,
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMITED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'PERSISTED_QUERY_REQUIRED',
]);

export const errorCodeLabel = (code: unknown): string =>
  typeof code === 'string' && COUNTED_CODES.has(code) ? code : 'INTERNAL_SERVER_ERROR';

/** The `operation` label of a request (see the module comment). */
export function operationLabel(
  operationName: string | null | undefined,
  operation: OperationDefinitionNode | undefined,
  registered: ReadonlySet<string>,
): string {
  if (!operation) return 'invalid';
  if (operationName && registered.has(operationName)) return operationName;
  const field = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return `${operation.operation}.${field ? field.name.value : 'fragment'}`;
}

export interface GraphQLMetricsOptions<C> {
  /** `gateway` or the subgraph's name. */
  component: string;
  /** Operation names that may be labels as they are (the partner safelist); default none. */
  registeredOperations?: ReadonlySet<string>;
  /** The caller's class (default `service`: subgraphs are called by the gateway and services). */
  clientClass?: (context: C) => string;
}

const CLIENT_CLASSES: ReadonlySet<string> = new Set(['guest', 'user', 'partner', 'service']);

export function graphqlMetricsPlugin<C extends ApolloContext>(opts: GraphQLMetricsOptions<C>): ApolloServerPlugin<C> {
  const registered = opts.registeredOperations ?? new Set<string>();
  return {
    requestDidStart() {
      const start = process.hrtime.bigint();
      return Promise.resolve({
        willSendResponse(ctx: GraphQLRequestContext<C>) {
          const cls = opts.clientClass ? safeClass(() => opts.clientClass!(ctx.contextValue)) : 'service';
          const labels = {
            component: opts.component,
            operation: operationLabel(ctx.operationName, ctx.operation, registered),
            client: cls,
          };
          requests.inc(labels);
          latency.observe(labels, secondsSince(start));
          for (const err of ctx.errors ?? []) errors.inc({ ...labels, code: errorCodeLabel(err.extensions?.code) });
          return Promise.resolve();
        },
      });
    },
  };
}

/** The context may be missing when a request fails before it is built (a refused signature). */
function safeClass(read: () => string): string {
  try {
    const cls = read();
    return CLIENT_CLASSES.has(cls) ? cls : 'other';
  } catch {
    return 'unknown';
  }
}
