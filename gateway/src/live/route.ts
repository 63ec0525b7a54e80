import type { Request, RequestHandler, Response } from 'express';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { counter, gauge, isUuid, REQUEST_ID_HEADER, type Caller, type Logger } from '@shop/kit';
import type { GatewayContext } from '../context.js';
import { requestIdOf } from '../request-id.js';
import type { OrderEventFeed } from './feed.js';
import { eventName, formatToken, parseToken } from './token.js';

/**
 * `GET /orders/{orderId}/events` (docs/design.md "Live order events"): a Server-Sent Events stream of
 * one order's events for whoever may read `order(id)`. Each message names an event and carries only
 * `{type, orderId, occurredAt}`; the client refetches the order through GraphQL, so the stream never
 * shows anything the caller could not read there.
 */
export interface LiveRouteOptions {
  /** Undefined when the gateway has no NATS_URL: the route then answers 503. */
  feed: OrderEventFeed | undefined;
  server: ApolloServer<GatewayContext>;
  authenticate: (header: string | undefined) => Promise<Caller>;
  log: Logger;
  maxStreams: number;
  maxStreamsPerCaller: number;
  heartbeatMs: number;
}

const streamsOpen = gauge('gateway_sse_streams_open', 'Open live order event streams (GET /orders/{id}/events)', []);
const refused = counter('gateway_sse_refused_total', 'Live order event streams refused, by reason', ['reason']);
const sent = counter('gateway_sse_events_total', 'Order events sent on live streams, by SSE event name', ['event']);

// The same visibility rule as every other read of an order: the order subgraph decides (docs/design.md §7).
const VISIBLE = 'query LiveOrderVisible($id: ID!) { order(id: $id) { id } }';

type Refusal = 'bad_request' | 'unauthenticated' | 'not_found' | 'too_many' | 'unavailable';

function refuse(res: Response, status: number, reason: Refusal, error: string, headers: Record<string, string> = {}): void {
  refused.inc({ reason });
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json({ error });
}

/** Every open stream of this gateway, by caller, with the limits on both. */
class OpenStreams {
  private readonly byCaller = new Map<string, number>();
  private total = 0;
  readonly closers = new Set<() => void>();

  constructor(
    private readonly max: number,
    private readonly perCaller: number,
  ) {}

  /** A slot for `caller`, or which limit refuses it. */
  acquire(caller: string): { release: () => void } | { limit: string } {
    const mine = this.byCaller.get(caller) ?? 0;
    if (mine >= this.perCaller) return { limit: `at most ${this.perCaller} live order streams per caller are open at once` };
    if (this.total >= this.max) return { limit: 'this gateway has as many live order streams open as it serves; retry shortly' };
    this.byCaller.set(caller, mine + 1);
    this.total++;
    streamsOpen.inc();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.byCaller.get(caller) ?? 1) - 1;
        if (left) this.byCaller.set(caller, left);
        else this.byCaller.delete(caller);
        this.total--;
        streamsOpen.dec();
      },
    };
  }
}

/** Signed-in callers are counted by their subject, everyone else by address. */
const callerKey = (caller: Caller, req: Request) => (caller.kind === 'user' ? `user:${caller.sub}` : `ip:${req.ip ?? 'unknown'}`);

export function liveOrderRoute(opts: LiveRouteOptions): { handler: RequestHandler; closeAll: () => void } {
  const open = new OpenStreams(opts.maxStreams, opts.maxStreamsPerCaller);

  const visible = async (orderId: string, caller: Caller, requestId: string): Promise<boolean> => {
    const result = await opts.server.executeOperation<{ order: { id: string } | null }>(
      { query: VISIBLE, variables: { id: orderId } },
      { contextValue: { caller, requestId } },
    );
    if (result.body.kind !== 'single') throw new Error('unexpected incremental result');
    const { data, errors } = result.body.singleResult;
    if (errors?.length)
      throw new Error(
        `order(id) failed: ${errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : e.message)).join(', ')}`,
      );
    return Boolean(data?.order);
  };

  const handler: RequestHandler = async (req, res) => {
    const orderId = String(req.params.orderId ?? '').toLowerCase();
    if (!isUuid(orderId)) return refuse(res, 400, 'bad_request', 'the order id must be a UUID');
    const lastEventId = req.header('last-event-id');
    const resume = lastEventId === undefined || lastEventId === '' ? undefined : parseToken(lastEventId);
    if (lastEventId && !resume) return refuse(res, 400, 'bad_request', 'Last-Event-ID is not a resume token this gateway issued');
    let caller: Caller;
    try {
      caller = await opts.authenticate(req.header('authorization'));
    } catch (err) {
      if (err instanceof GraphQLError) return refuse(res, 401, 'unauthenticated', err.message);
      throw err;
    }
    const feed = opts.feed;
    if (!feed?.ready) return refuse(res, 503, 'unavailable', 'live order updates are not available right now', { 'retry-after': '5' });
    const slot = open.acquire(callerKey(caller, req));
    if ('limit' in slot) return refuse(res, 429, 'too_many', slot.limit, { 'retry-after': '10' });
    const requestId = requestIdOf(req.header(REQUEST_ID_HEADER));
    const log = opts.log.child({ requestId, orderId });
    try {
      if (!(await visible(orderId, caller, requestId))) {
        slot.release();
        return refuse(res, 404, 'not_found', 'no such order');
      }
    } catch (err) {
      slot.release();
      log.error({ err }, 'live order stream: could not check who may read the order');
      return refuse(res, 503, 'unavailable', 'live order updates are not available right now', { 'retry-after': '5' });
    }
    if (res.destroyed) return slot.release();

    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let unsubscribe = () => {};
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.closers.delete(end);
      slot.release();
      if (!res.writableEnded) res.end();
    };
    open.closers.add(end);
    res.once('close', end);
    try {
      const stop = await feed.open(orderId, resume, {
        event: (e, positions) => {
          const name = eventName(e.subject);
          sent.inc({ event: name });
          const data = { type: e.subject, orderId: e.orderId, occurredAt: e.occurredAt };
          res.write(`id: ${formatToken(positions)}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        ready: (positions, info) => {
          res.write(`id: ${formatToken(positions)}\nevent: ready\ndata: ${JSON.stringify({ orderId, ...info })}\n\n`);
        },
      });
      if (res.writableEnded) stop();
      else unsubscribe = stop;
    } catch (err) {
      log.error({ err }, 'live order stream: replay failed');
      end();
    }
  };

  return {
    handler,
    closeAll: () => {
      for (const end of [...open.closers]) end();
    },
  };
}
