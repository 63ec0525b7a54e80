import { Schema, type Collection, type Connection, type Model } from 'mongoose';
import { currentTraceCarrier, type TraceCarrier } from '@shop/kit';
import type { AnyEvent } from './contracts.js';

/**
 * The outbox of docs/design.md §6, its records' side (the relay is in outbox.ts). A state change and "its event will be published" are one insert: the
 * appended record carries the event and `publishedAt: null`. The relay publishes pending records with
 * `msgID` = event id and then sets `publishedAt`; it is the only writer of that field. A crash before the
 * publish leaves the record pending; a crash between publish and mark makes the next relay publish it
 * again, and JetStream drops that copy as a duplicate (same `Nats-Msg-Id` within the stream's
 * duplicate window). Past the window, consumers still dedupe by event id.
 *
 * A record whose event breaks its contract can never be published: the relay quarantines it (sets
 * `quarantinedAt` and `quarantineReason`, the relay being the only writer of those fields too), logs it at
 * error level and goes on; `pending()` skips quarantined records. `listQuarantined` shows them.
 *
 * How the relay finds pending records without reading every record ever written (docs/design.md §6,
 * "Hot reads"): a record to publish is inserted with `unpublished: true`, and the relay sets it to
 * `false` when it marks the record published or quarantined. `{ unpublished: true }` is a top-level
 * boolean equality, which FerretDB's PostgreSQL backend pushes down (`{ publishedAt: null }` is not:
 * null is never pushed down), so a pass reads the few pending records, not the collection, and sorts
 * only those. Records written before the field existed are adopted once when the relay starts.
 */

/** One record waiting to be published. `id` is the record's key (not necessarily the event id). */
export interface OutboxEntry {
  id: string;
  /** The event as stored; validated against its contract again before it goes on the wire. */
  event: unknown;
  /** Trace context of the operation that wrote the record (docs/design.md §11), if it was traced. */
  trace?: TraceCarrier | null;
}

export interface OutboxStore {
  /** Oldest unpublished, unquarantined records first, at most `limit`. */
  pending(limit: number): Promise<OutboxEntry[]>;
  markPublished(id: string): Promise<void>;
  /** Takes a record that can never be published out of `pending()`, recording why. */
  quarantine(id: string, reason: string): Promise<void>;
  /**
   * Once, when the relay starts: flags pending records that lack `unpublished` (written before the field
   * existed) so that `pending()` sees them. A full read, so never on a hot path. Returns how many.
   */
  adopt?(): Promise<number>;
}

/** The filter of records still to publish: an equality the database can push down (see above). */
export const pendingFilter = () => ({ unpublished: true });

/** Pending records that predate the `unpublished` flag: not published, not quarantined, not flagged. */
export const unflaggedPendingFilter = (publishedField = 'publishedAt') => ({
  [publishedField]: null,
  quarantinedAt: null,
  unpublished: { $ne: true },
});

/** `adopt` over one collection (see OutboxStore.adopt). Only the relay writes `unpublished` after the insert. */
export async function adoptUnflagged(collection: Collection, publishedField = 'publishedAt'): Promise<number> {
  const res = await collection.updateMany(unflaggedPendingFilter(publishedField), { $set: { unpublished: true } });
  return res.modifiedCount;
}

/** Marks record `_id` of `collection` published. Only the relay writes these fields. */
export async function markRecordPublished(collection: Collection, _id: unknown, publishedField = 'publishedAt'): Promise<void> {
  await collection.updateOne({ _id: _id as never }, { $set: { [publishedField]: new Date(), unpublished: false } });
}

/** Quarantines record `_id` of `collection` (see OutboxStore.quarantine). Only the relay writes these fields. */
export async function quarantineRecord(collection: Collection, _id: unknown, reason: string): Promise<void> {
  await collection.updateOne(
    { _id: _id as never },
    { $set: { quarantinedAt: new Date(), quarantineReason: reason.slice(0, 2_000), unpublished: false } },
  );
}

/**
 * Fields to add to a service's own append-only record (an order transition, a payment…) so that the
 * record is its own outbox entry. A record with nothing to publish is inserted with `publishedAt` set.
 * `unpublished` follows from the other two at insert (mongoose applies function defaults after the
 * given fields), so the stores need not set it.
 */
export const outboxFields = {
  event: { type: Schema.Types.Mixed, default: null },
  publishedAt: { type: Date, default: null },
  quarantinedAt: { type: Date, default: null },
  quarantineReason: { type: String, default: null },
  unpublished: {
    type: Boolean,
    default(this: { event?: unknown; publishedAt?: Date | null }) {
      return this.event != null && this.publishedAt == null;
    },
  },
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
  /** True until the relay publishes or quarantines it (see above). */
  unpublished: boolean;
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
      unpublished: { type: Boolean, required: true },
      createdAt: { type: Date, required: true },
      quarantinedAt: { type: Date, default: null },
      quarantineReason: { type: String, default: null },
      trace: outboxFields.trace,
    },
    { collection, versionKey: false, autoIndex: false, minimize: false },
  );
  schema.index({ unpublished: 1, createdAt: 1 });
  return conn.model<OutboxDoc>(modelName, schema);
}

/** The document to insert for `event` (in the same insert as, or instead of, the state change). */
export const outboxDoc = (event: AnyEvent, now = new Date()): OutboxDoc => ({
  _id: event.id,
  subject: event.type,
  event,
  publishedAt: null,
  unpublished: true,
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
export function mongoOutboxStore<T>(model: Model<T>, opts: MongoOutboxOptions = {}): Required<OutboxStore> {
  const eventField = opts.eventField ?? 'event';
  const publishedField = opts.publishedField ?? 'publishedAt';
  const orderField = opts.orderField ?? 'createdAt';
  return {
    async pending(limit) {
      const docs = await model.collection
        .find(pendingFilter(), { projection: { _id: 1, [eventField]: 1, trace: 1 } })
        .sort({ [orderField]: 1, _id: 1 })
        .limit(limit)
        .toArray();
      return docs.map((d) => ({ id: String(d._id), event: d[eventField] as unknown, trace: d.trace as TraceCarrier | null }));
    },
    async markPublished(id) {
      // Only the relay writes this field, so a plain update is safe on FerretDB (docs/design.md §6).
      // The raw collection is used on purpose: with strictQuery, mongoose would drop a filter on a
      // field the schema does not declare and match every record. `_id` is cast to the schema's type.
      await markRecordPublished(model.collection, castId(model, id), publishedField);
    },
    async quarantine(id, reason) {
      await quarantineRecord(model.collection, castId(model, id), reason);
    },
    adopt: () => adoptUnflagged(model.collection, publishedField),
  };
}

const castId = <T>(model: Model<T>, id: string): unknown => (model.castObject({ _id: id }) as { _id: unknown })._id;
