import type { IncomingMessage, Server } from 'node:http';
import { CONTEXT_HEADER, verifyContext, type SignerKeys } from '@shop/kit';

/** GraphQL requests a subgraph received, by who sent them. */
export interface Calls {
  /** From the cart service (`service:cart`): its product snapshot calls. */
  cart: number;
  /** From the gateway on behalf of a client: for a cart query, its `_entities` batches. */
  gateway: number;
  /** Anything else: the gateway's health checks, other services, unsigned requests. */
  other: number;
}

export interface CallCounter {
  /** Calls made for one client request (the request id every hop carries in its signed context), or all. */
  calls: (requestId?: string) => Calls;
  stop: () => void;
}

const none = (): Calls => ({ cart: 0, gateway: 0, other: 0 });

/**
 * Counts the GraphQL requests reaching a subgraph's HTTP server, from outside: it listens to the
 * server's `request` events beside the app, reads only headers (the signed caller and request id)
 * and adds nothing to the request path, so what it counts is what the services really sent.
 */
export function countCalls(server: Server, signerKeys: SignerKeys): CallCounter {
  const total = none();
  const byRequest = new Map<string, Calls>();
  const listener = (req: IncomingMessage) => {
    // POST is /graphql, the subgraph's only POST route (express has rewritten req.url by now).
    if (req.method !== 'POST') return;
    const verified = verifyContext(signerKeys, req.headers[CONTEXT_HEADER] as string | undefined);
    const caller = verified.ok ? verified.context.caller : undefined;
    const kind: keyof Calls = caller?.kind === 'service' ? (caller.service === 'cart' ? 'cart' : 'other') : caller ? 'gateway' : 'other';
    total[kind]++;
    if (verified.ok) {
      const counts = byRequest.get(verified.context.requestId) ?? none();
      counts[kind]++;
      byRequest.set(verified.context.requestId, counts);
    }
  };
  server.on('request', listener);
  return {
    calls: (requestId) => ({ ...(requestId === undefined ? total : (byRequest.get(requestId) ?? none())) }),
    stop: () => server.off('request', listener),
  };
}
