import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { z } from 'zod';
import { backoffDelay, type Logger } from '@shop/kit';
import { connectNats } from '@shop/events';
import { LIVE_STREAMS, type LiveStream, type Positions } from './token.js';

/** One event of an order, as the live feed passes it on: nothing but what names it (see route.ts). */
export interface OrderEvent {
  stream: LiveStream;
  seq: number;
  subject: string;
  orderId: string;
  occurredAt: string;
}

/** What a connection receives: its events in stream order, each with the positions to resume after it. */
export interface FeedListener {
  event: (e: OrderEvent, positions: Positions) => void;
  /** Sent once, after any replay: `positions` covers everything delivered; `gap` = some events could not be replayed. */
  ready: (positions: Positions, info: { replayed: number; gap: boolean }) => void;
}

export interface FeedOptions {
  /** Most events read back per stream for one resume; a longer gap is reported (`gap`) instead of replayed. */
  maxReplay: number;
}

// The gateway reads only what names an order's event; the services validate the full contracts.
const envelope = z.object({
  type: z.string().max(200),
  occurredAt: z.string().max(64),
  data: z.object({ orderId: z.uuid() }),
});

interface Listener extends FeedListener {
  orderId: string;
  positions: Positions;
  /** Live events held back while the connection's replay runs; null once it is live. */
  held: OrderEvent[] | null;
}

/**
 * The gateway's one subscription to an order's events (docs/design.md "Live order events"): an ordered
 * JetStream consumer per stream (ORDERS, PAYMENTS, INVOICES) started at the stream's end, fanned out in
 * memory to every open connection by order id. Connections cost no NATS consumer; a connection resuming
 * with a token reads the gap with a short-lived ordered consumer of its own, then joins the fan-out.
 * Delivery to a connection is filtered by its positions, so replay and live events never overlap.
 */
export class OrderEventFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private positions: Positions | undefined;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private readonly subscriptions: ConsumerMessages[] = [];
  private stopping = false;
  private readonly stopped = new AbortController();
  private readonly started: Promise<void>;

  constructor(
    private readonly natsUrl: string,
    private readonly log: Logger,
    private readonly opts: FeedOptions,
  ) {
    // NATS or the streams missing at start must not stop the gateway: it serves GraphQL meanwhile and
    // this route answers 503 until the feed runs.
    this.started = this.startWithRetries();
  }

  /** True once the feed follows all three streams. */
  get ready(): boolean {
    return this.positions !== undefined && !this.stopping;
  }

  get connections(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /**
   * Registers a connection for `orderId`, replaying what happened after `resume` first. Returns the
   * function that unregisters it. Rejects when the replay fails (the caller closes the connection).
   */
  async open(orderId: string, resume: Positions | undefined, listener: FeedListener): Promise<() => void> {
    if (!this.positions || !this.js) throw new Error('the live order feed is not running');
    const upTo = { ...this.positions };
    const entry: Listener = { ...listener, orderId, positions: { ...(resume ?? upTo) }, held: resume ? [] : null };
    let set = this.listeners.get(orderId);
    if (!set) this.listeners.set(orderId, (set = new Set()));
    set.add(entry);
    const close = () => {
      set.delete(entry);
      if (!set.size && this.listeners.get(orderId) === set) this.listeners.delete(orderId);
    };
    let replayed = 0;
    let gap = false;
    try {
      if (resume) {
        for (const stream of LIVE_STREAMS) {
          const from = resume[stream] + 1;
          if (upTo[stream] < from) continue;
          if (upTo[stream] - from + 1 > this.opts.maxReplay) {
            gap = true;
          } else {
            replayed += await this.replay(stream, from, upTo[stream], (e) => deliver(entry, e));
          }
          entry.positions[stream] = Math.max(entry.positions[stream], upTo[stream]);
        }
      }
    } catch (err) {
      close();
      throw err;
    }
    entry.ready({ ...entry.positions }, { replayed, gap });
    const held = entry.held ?? [];
    entry.held = null;
    for (const e of held) deliver(entry, e);
    return close;
  }

  /** Stops following the streams and closes the NATS connection (connections are closed by the route first). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    for (const sub of this.subscriptions) await sub.close();
    await this.started;
    await this.nc?.close();
  }

  private async startWithRetries(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.start();
        return;
      } catch (err) {
        this.log.warn({ err }, 'live order feed: NATS or its streams are not available yet; retrying');
        await this.nc?.close().catch(() => {});
        this.nc = undefined;
        await sleep(backoffDelay(attempt, { baseMs: 500, maxMs: 10_000 }), undefined, { signal: this.stopped.signal }).catch(() => {});
      }
    }
  }

  private async start(): Promise<void> {
    this.nc = await connectNats(this.natsUrl, 'gateway-live-orders', this.log);
    const jsm = await jetstreamManager(this.nc);
    this.js = jetstream(this.nc);
    const positions = {} as Positions;
    const consumers = [];
    for (const stream of LIVE_STREAMS) {
      positions[stream] = (await jsm.streams.info(stream)).state.last_seq;
      consumers.push(
        await this.js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: positions[stream] + 1 }),
      );
    }
    if (this.stopping) return;
    this.positions = positions;
    for (const [i, consumer] of consumers.entries()) {
      const stream = LIVE_STREAMS[i]!;
      const messages = await consumer.consume();
      this.subscriptions.push(messages);
      void (async () => {
        for await (const msg of messages) this.dispatch(stream, msg);
      })().catch((err: unknown) => this.log.error({ err, stream }, 'live order feed: a stream subscription failed'));
    }
    this.log.info({ positions }, 'live order feed: following ORDERS, PAYMENTS and INVOICES');
  }

  private dispatch(stream: LiveStream, msg: JsMsg): void {
    this.positions![stream] = msg.seq;
    const e = decode(stream, msg);
    if (!e) return;
    for (const listener of this.listeners.get(e.orderId) ?? []) {
      if (listener.held) listener.held.push(e);
      else deliver(listener, e);
    }
  }

  /** Reads `stream` from `from` to `to` (inclusive) with a short-lived ordered consumer; returns how many events were delivered. */
  private async replay(stream: LiveStream, from: number, to: number, onEvent: (e: OrderEvent) => boolean): Promise<number> {
    const consumer = await this.js!.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    let delivered = 0;
    try {
      for (let next = from; next <= to;) {
        const batch = await consumer.fetch({ max_messages: Math.min(256, to - next + 1), expires: 2_000 });
        let got = 0;
        for await (const msg of batch) {
          got++;
          if (msg.seq > to) return delivered;
          const e = decode(stream, msg);
          if (e && onEvent(e)) delivered++;
          next = msg.seq + 1;
          if (msg.info.pending === 0) return delivered;
        }
        if (!got) return delivered;
      }
      return delivered;
    } finally {
      await consumer.delete().catch(() => false);
    }
  }
}

function decode(stream: LiveStream, msg: JsMsg): OrderEvent | undefined {
  let raw: unknown;
  try {
    raw = msg.json();
  } catch {
    return undefined;
  }
  const parsed = envelope.safeParse(raw);
  if (!parsed.success || parsed.data.type !== msg.subject) return undefined;
  return {
    stream,
    seq: msg.seq,
    subject: msg.subject,
    orderId: parsed.data.data.orderId.toLowerCase(),
    occurredAt: parsed.data.occurredAt,
  };
}

/** Passes `e` on unless the connection is already past it; true when passed on. */
function deliver(listener: Listener, e: OrderEvent): boolean {
  if (e.orderId !== listener.orderId || e.seq <= listener.positions[e.stream]) return false;
  listener.positions[e.stream] = e.seq;
  listener.event(e, { ...listener.positions });
  return true;
}
