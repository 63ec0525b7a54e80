import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, type EventEnvelope } from '@shop/events';
import type { Logger } from '@shop/kit';
import { ListingModel, type ListingKeys } from './listing-model.js';
import type { ProductDoc, ProductModels } from './model.js';
import type { Level } from './stock.js';

/**
 * Keeps this replica's listing read model current (docs/design.md §9). Built from the database at the
 * start of the event step, then fed by every `shop.product.*` event from an ordered consumer of this
 * replica's own (no durable: each replica sees every event) that starts right after the stream's last
 * sequence as it was before the snapshot, so nothing written meanwhile is missed. This replica's own
 * writes are applied before their mutation returns (`applyProduct`, `applyStock`), so it never serves
 * a listing older than what it acknowledged; others see them once the relay has published them.
 * `view()` is null until the model is built and caught up with the stream, and again while NATS is
 * disconnected: the listing then reads the database (logged; counted in `stats`).
 */

export const PRODUCTS_STREAM = 'PRODUCTS';

export const keysOf = (
  p: Pick<ProductDoc, '_id' | 'status' | 'price' | 'nameKey' | 'searchText' | 'categoryPath' | 'createdAt' | 'version'>,
): ListingKeys => ({
  id: p._id.toHexString(),
  version: p.version ?? 0,
  status: p.status,
  price: p.price,
  nameKey: p.nameKey,
  searchText: p.searchText,
  categoryPath: p.categoryPath.map((c) => c.toHexString()),
  createdAt: p.createdAt.getTime(),
});

const eventKeys = ({ data }: EventEnvelope<'shop.product.changed.v1'>): ListingKeys => ({
  id: data.productId,
  version: data.version,
  status: data.status,
  price: data.price,
  nameKey: data.nameKey,
  searchText: data.searchText,
  categoryPath: data.categoryPath,
  createdAt: Date.parse(data.createdAt),
});

/** Copies written before revisions have no version; the model counts them as version 1. */
const versionOf = (p: Pick<ProductDoc, 'version'>) => Math.max(p.version ?? 1, 1);

/** A model of the whole catalog as the database holds it now: the products' copies and the stock heads. */
export async function buildListingModel(m: ProductModels): Promise<ListingModel> {
  const fields = { status: 1, price: 1, nameKey: 1, searchText: 1, categoryPath: 1, createdAt: 1, version: 1 };
  const [products, heads] = await Promise.all([m.Product.find({}, fields).lean(), m.StockHead.find({}).lean()]);
  const model = new ListingModel();
  for (const p of products) model.applyProduct({ ...keysOf(p), version: versionOf(p) });
  for (const h of heads) model.applyStock(h._id.toHexString(), h.version, h.balance);
  return model;
}

type Change = { kind: 'product'; keys: ListingKeys } | { kind: 'stock'; id: string; version: number; available: number };

const applyTo = (model: ListingModel, c: Change): boolean =>
  c.kind === 'product' ? model.applyProduct(c.keys) : model.applyStock(c.id, c.version, c.available);

export interface ListingStats {
  fromModel: number;
  fromDatabase: number;
  builds: number;
  eventsApplied: number;
}

export class ListingReadModel {
  private model: ListingModel | null = null;
  /** Caught up with the stream and connected: the model may serve. */
  private live = false;
  /** This replica's own changes while a build runs, applied to the new model before it serves. */
  private pending: Change[] | null = null;
  /**
   * Product documents last read (or written) here, by id: a page serves one from memory while the
   * model holds no newer version of it, so a page without changes costs no database read at all
   * (an `_id` probe still scans on FerretDB: platform §1). At most one per product.
   */
  private readonly docs = new Map<string, ProductDoc>();
  readonly stats: ListingStats = { fromModel: 0, fromDatabase: 0, builds: 0, eventsApplied: 0 };

  constructor(
    private readonly m: ProductModels,
    private readonly log: Logger,
  ) {}

  /** The model if it may serve now; null means: read the database. */
  view(): ListingModel | null {
    return this.live ? this.model : null;
  }

  get ready(): boolean {
    return this.live && this.model !== null;
  }

  /** This replica's product change, applied before the mutation returns. */
  applyProduct(doc: ProductDoc): void {
    this.remember(doc);
    this.apply({ kind: 'product', keys: keysOf(doc) });
  }

  /** The document of `id` if the one held is at least at `version`. */
  doc(id: string, version: number): ProductDoc | undefined {
    const d = this.docs.get(id);
    return d && versionOf(d) >= version ? d : undefined;
  }

  /** Keeps a document read from the database, unless a newer one is held. */
  remember(doc: ProductDoc): void {
    const id = doc._id.toHexString();
    const held = this.docs.get(id);
    if (!held || versionOf(held) <= versionOf(doc)) this.docs.set(id, doc);
  }

  /** This replica's stock movement, applied before the append returns. */
  applyStock(id: string, level: Level): void {
    this.apply({ kind: 'stock', id, version: level.version, available: level.balance });
  }

  private apply(c: Change): void {
    this.pending?.push(c);
    if (this.model) applyTo(this.model, c);
  }

  private setLive(live: boolean, why: string): void {
    if (this.live === live) return;
    this.live = live;
    if (live) this.log.info({ products: this.model?.size }, `listing read model serving: ${why}`);
    else this.log.warn(`listing read model not serving, listings read the database: ${why}`);
  }

  /** Builds the model and follows the PRODUCTS stream until `stop`; reconnects rebuild it. */
  follow(nc: NatsConnection): { stop: () => Promise<void> } {
    let stopped = false;
    let messages: ConsumerMessages | null = null;
    let wake: () => void = () => {};
    const restart = (why: string) => {
      this.setLive(false, why);
      void messages?.close();
    };
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') restart('NATS disconnected');
        if (s.type === 'reconnect') wake();
      }
    })().catch(() => {});
    const loop = (async () => {
      while (!stopped) {
        try {
          await this.runOnce(nc, (m) => (messages = m), restart);
        } catch (err) {
          if (!stopped) this.log.warn({ err }, 'listing read model feed failed; rebuilding');
        }
        this.setLive(false, 'rebuilding');
        if (!stopped) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 1_000);
          });
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        this.setLive(false, 'stopped');
        wake();
        await messages?.close();
        await loop;
      },
    };
  }

  /** One build and subscription; returns when the subscription ends. */
  private async runOnce(nc: NatsConnection, opened: (m: ConsumerMessages) => void, restart: (why: string) => void): Promise<void> {
    const jsm = await jetstreamManager(nc);
    const startSeq = (await jsm.streams.info(PRODUCTS_STREAM)).state.last_seq + 1;
    this.pending = [];
    let fresh: ListingModel;
    try {
      fresh = await buildListingModel(this.m);
      for (const c of this.pending) applyTo(fresh, c);
    } finally {
      this.pending = null;
    }
    this.model = fresh;
    this.stats.builds++;
    const consumer = await jetstream(nc).consumers.get(PRODUCTS_STREAM, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
    });
    const messages = await consumer.consume();
    opened(messages);
    void (async () => {
      for await (const s of messages.status()) if (s.type === 'heartbeats_missed') restart('PRODUCTS consumer missed heartbeats');
    })().catch(() => {});
    // Serving starts once everything the stream held when we subscribed has been applied.
    const caughtUp = (await jsm.streams.info(PRODUCTS_STREAM)).state.last_seq;
    if (caughtUp < startSeq) this.setLive(true, 'built and subscribed');
    for await (const msg of messages) {
      this.onMessage(msg.subject, msg.data, fresh);
      if (msg.seq >= caughtUp) this.setLive(true, 'caught up with the stream');
    }
  }

  private onMessage(subject: string, data: Uint8Array, model: ListingModel): void {
    try {
      if (subject === 'shop.product.changed.v1') {
        if (applyTo(model, { kind: 'product', keys: eventKeys(decodeEvent(subject, data)) })) this.stats.eventsApplied++;
      } else if (subject === 'shop.product.stock-changed.v1') {
        const { data: d } = decodeEvent(subject, data);
        if (applyTo(model, { kind: 'stock', id: d.productId, version: d.version, available: d.available })) this.stats.eventsApplied++;
      }
    } catch (err) {
      // A product event that breaks its contract was written by a broken publisher; the relay quarantines those.
      this.log.error({ err, subject }, 'listing read model: skipped an invalid event');
    }
  }
}
