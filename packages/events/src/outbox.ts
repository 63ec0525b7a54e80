import { Schema, type Collection, type Connection, type Model } from 'mongoose';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import { contextFrom, currentTraceCarrier, inSpan, SpanKind, type Logger, type TraceCarrier } from '@shop/kit';
import { parseAnyEvent, type AnyEvent } from './contracts.js';
import { HEADERS } from './headers.js';

/**
 * The outbox of docs/design.md §6. A state change and "its event will be published" are one insert: the
 * appended record carries the event and `publishedAt: null`. The relay publishes pending records with
 * `msgID` = event id and then sets `publishedAt`; it is the only writer of that field. A crash before the
 * publish leaves the record pending; a crash between publish and mark makes the next relay publish it
 * again, and JetStream drops that copy as a duplicate (same `Nats-Msg-Id` within the stream's
 * duplicate window). Past the window, consumers still dedupe by event id.
 *
 * A record whose event breaks its contract can never be published: the relay quarantines it (sets
 * `quarantinedAt` and `quarantineReason`, the relay being the only writer of those fields too), logs it at
 * error level and goes on; `pending()` skips quarantined records. `listQuarantined` shows them.
 */

/** One record waiting to be published. `id` is the record's key (not necessarily the event id). */
export interface OutboxEntry {
  id: string;
  /** The event as stored; validated against its contract again before it goes on the wire. */
  event: unknown;
  /** Trace context of the operation that wrote the record (docs/design.md §10), if it was traced. */
  trace?: TraceCarrier | null;
}

export interface OutboxStore {
  /** Oldest unpublished, unquarantined records first, at most `limit`. */
  pending(limit: number): Promise<OutboxEntry[]>;
  markPublished(id: string): Promise<void>;
  /** Takes a record that can never be published out of `pending()`, recording why. */
  quarantine(id: string, reason: string): Promise<void>;
}

/** The filter of records still to publish: not published, not quarantined (a missing field counts as null). */
export const pendingFilter = (publishedField = 'publishedAt') => ({ [publishedField]: null, quarantinedAt: null });

/** Quarantines record `_id` of `collection` (see OutboxStore.quarantine). Only the relay writes these fields. */
export async function quarantineRecord(collection: Collection, _id: unknown, reason: string): Promise<void> {
  await collection.updateOne({ _id: _id as never }, { $set: { quarantinedAt: new Date(), quarantineReason: reason.slice(0, 2_000) } });
}

/**
 * Fields to add to a service's own append-only record (an order transition, a payment…) so that the
 * record is its own outbox entry. A record with nothing to publish is inserted with `publishedAt` set.
 */
export const outboxFields = {
  event: { type: Schema.Types.Mixed, default: null },
  publishedAt: { type: Date, default: null },
  quarantinedAt: { type: Date, default: null },
  quarantineReason: { type: String, default: null },
  // The default runs in the writing operation's async context: the record remembers its trace.
  trace: { type: Schema.Types.Mixed, default: () => currentTraceCarrier() },
} as const;

/** A dedicated outbox collection for services whose state change is not an appended record. */
export interface OutboxDoc {
  /** The event id. */
  _id: string;
  subject: string;
  event: AnyEvent;
  publishedAt: Date | null;
  createdAt: Date;
  quarantinedAt?: Date | null;
  quarantineReason?: string | null;
  trace?: TraceCarrier | null;
}

export function createOutboxModel(conn: Connection, collection = 'outbox', modelName = 'Outbox'): Model<OutboxDoc> {
  const schema = new Schema<OutboxDoc>(
    {
      _id: { type: String, required: true },
      subject: { type: String, required: true },
      event: { type: Schema.Types.Mixed, required: true },
      publishedAt: { type: Date, default: null },
      createdAt: { type: Date, required: true },
      quarantinedAt: { type: Date, default: null },
      quarantineReason: { type: String, default: null },
      trace: outboxFields.trace,
    },
    { collection, versionKey: false, autoIndex: false, minimize: false },
  );
  schema.index({ publishedAt: 1, createdAt: 1 });
  return conn.model<OutboxDoc>(modelName, schema);
}

/** The document to insert for `event` (in the same insert as, or instead of, the state change). */
export const outboxDoc = (event: AnyEvent, now = new Date()): OutboxDoc => ({
  _id: event.id,
  subject: event.type,
  event,
  publishedAt: null,
  createdAt: now,
  trace: currentTraceCarrier(),
});

export interface MongoOutboxOptions {
  /** Field holding the event (default `event`). */
  eventField?: string;
  /** Field the relay sets (default `publishedAt`). */
  publishedField?: string;
  /** Field giving publication order (default `createdAt`). */
  orderField?: string;
}

/**
 * An `OutboxStore` over any mongoose model whose records carry an event and a `publishedAt`: the default
 * outbox collection or a service's own appended records.
 */
export function mongoOutboxStore<T>(model: Model<T>, opts: MongoOutboxOptions = {}): OutboxStore {
  const eventField = opts.eventField ?? 'event';
  const publishedField = opts.publishedField ?? 'publishedAt';
  const orderField = opts.orderField ?? 'createdAt';
  return {
    async pending(limit) {
      const docs = await model.collection
        .find(pendingFilter(publishedField), { projection: { _id: 1, [eventField]: 1, trace: 1 } })
        .sort({ [orderField]: 1, _id: 1 })
        .limit(limit)
        .toArray();
      return docs.map((d) => ({ id: String(d._id), event: d[eventField] as unknown, trace: d.trace as TraceCarrier | null }));
    },
    async markPublished(id) {
      // Only the relay writes this field, so a plain update is safe on FerretDB (docs/design.md §6).
      // The raw collection is used on purpose: with strictQuery, mongoose would drop a filter on a
      // field the schema does not declare and match every record. `_id` is cast to the schema's type.
      await model.collection.updateOne({ _id: castId(model, id) as never }, { $set: { [publishedField]: new Date() } });
    },
    async quarantine(id, reason) {
      await quarantineRecord(model.collection, castId(model, id), reason);
    },
  };
}

const castId = <T>(model: Model<T>, id: string): unknown => (model.castObject({ _id: id }) as { _id: unknown })._id;

export interface OutboxRelayOptions {
  store: OutboxStore;
  js: JetStreamClient;
  log: Logger;
  /** Poll interval when nothing kicks the relay (default 1 s). */
  intervalMs?: number;
  /** Records per read (default 100). */
  batch?: number;
  /** PubAck timeout (default 5 s). */
  publishTimeoutMs?: number;
}

export interface OutboxRelayStats {
  published: number;
  /** Records taken out of the outbox because their event breaks its contract. */
  quarantined: number;
}

export interface OutboxRelay {
  stats(): OutboxRelayStats;
  /** Publish soon, without waiting for the next poll (call after writing a record). */
  kick(): void;
  /** Resolves when a pass found nothing left to publish; rejects after `timeoutMs` (default 30 s). */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops polling and waits for the batch in flight to finish (published records get marked). */
  stop(): Promise<void>;
}

/**
 * Publishes pending outbox records in order. A publish failure (NATS down, no stream) ends the pass and
 * the next one retries from the same record, so records never overtake each other. A record whose event
 * breaks its contract is quarantined (see above) and the pass goes on with the records behind it.
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { store, js, log } = opts;
  const intervalMs = opts.intervalMs ?? 1_000;
  const batch = opts.batch ?? 100;
  const timeout = opts.publishTimeoutMs ?? 5_000;

  let stopped = false;
  let running: Promise<boolean> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  const stats: OutboxRelayStats = { published: 0, quarantined: 0 };

  async function publish(entry: OutboxEntry): Promise<void> {
    let event: AnyEvent;
    try {
      event = parseAnyEvent(entry.event);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await store.quarantine(entry.id, reason);
      stats.quarantined++;
      log.error({ outboxId: entry.id, reason, quarantined: stats.quarantined }, 'outbox record does not hold a valid event; quarantined');
      return;
    }
    const h = natsHeaders();
    h.set(HEADERS.correlationId, event.correlationId);
    h.set('Content-Type', 'application/json');
    // The publish continues the writer's trace and hands its own context on to the consumers.
    const ack = await inSpan(
      `${event.type} publish`,
      {
        kind: SpanKind.PRODUCER,
        parent: contextFrom(entry.trace),
        attributes: { 'messaging.system': 'nats', 'messaging.message.id': event.id },
      },
      () => {
        const carrier = currentTraceCarrier();
        if (carrier?.traceparent) h.set('traceparent', carrier.traceparent);
        if (carrier?.tracestate) h.set('tracestate', carrier.tracestate);
        return js.publish(event.type, JSON.stringify(event), { msgID: event.id, headers: h, timeout });
      },
    );
    log.debug({ eventId: event.id, subject: event.type, seq: ack.seq, duplicate: ack.duplicate }, 'event published');
    await store.markPublished(entry.id);
    stats.published++;
  }

  /** One pass over the backlog; true when it ended with nothing pending. */
  async function pass(): Promise<boolean> {
    for (;;) {
      const entries = await store.pending(batch);
      // A batch once read is finished even when stop() is called meanwhile.
      for (const entry of entries) await publish(entry);
      if (entries.length < batch) return true;
      if (stopped) return false;
    }
  }

  function run(): Promise<boolean> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let drained = false;
      try {
        do {
          again = false;
          drained = await pass();
        } while (again && !stopped);
      } catch (err) {
        log.warn({ err }, 'outbox relay pass failed; retrying on the next tick');
        drained = false;
      } finally {
        running = null;
        schedule();
      }
      return drained;
    })();
    return running;
  }

  function schedule() {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), intervalMs);
  }

  void run();

  return {
    stats: () => ({ ...stats }),
    kick() {
      if (!stopped) void run();
    },
    async flush(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      // A pass already running may have read before the caller's write: always run one more.
      if (running) await running;
      while (!stopped && !(await run())) {
        if (Date.now() > deadline) throw new Error(`outbox not drained after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, Math.min(intervalMs, 100)));
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
  };
}
