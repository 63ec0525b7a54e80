import type { Types } from 'mongoose';
import { ConflictError, contentionPause, isDuplicateKey, KeyedSerializer, MAX_CONTENDED_ATTEMPTS } from '@shop/kit';
import type { ProductChange, ProductDoc, ProductModels, ProductRevisionDoc, ProductState } from './model.js';
import { productChangedEvent } from './published-events.js';

/**
 * Admin changes of a product (docs/design.md §6). FerretDB runs every update as read-modify-write of
 * the whole document, so two concurrent `updateOne`s of one product lose one. Here a change is the
 * insert of the product's next revision, `_id = <productId>:<version>`, decided on the newest state:
 * of concurrent changes exactly one wins each version and the others decide again on what won, so
 * every change survives (or, past the retry bound, its caller gets the retryable CONFLICT).
 *
 * The `products` document is the revisions' denormalised copy, the one every read uses (by id, by
 * slug, listings). A change is acknowledged only after the copy shows its version: the writer brings
 * the copy up to the newest revision and checks it again, because a stale copy write in flight can
 * land after a newer one. A writer that crashed between its revision and the copy leaves the copy one
 * change behind until the product's next change, which copies the newest revision first.
 *
 * The copy's unique `slug` index is the last word on slugs: a revision whose slug another product took
 * in the meantime is followed by a SLUG_REFUSED revision that keeps the previous slug.
 */

export const revisionId = (productId: Types.ObjectId, version: number) => `${productId.toHexString()}:${String(version).padStart(10, '0')}`;

/** What a change does to the current product: nothing (`keep`, with a result for the caller) or set some fields. */
export type Edit<R> = { kind: 'keep'; result: R } | { kind: 'change'; change: ProductChange; set: Partial<ProductState> };

export type ChangeOutcome<R> =
  | { kind: 'missing' }
  | { kind: 'kept'; product: ProductDoc; result: R }
  /** `product` is the copy after the change (it may include later changes); `refusedSlug` when the slug was taken meanwhile. */
  | { kind: 'changed'; product: ProductDoc; version: number; refusedSlug: string | null };

const versionOf = (p: ProductDoc) => p.version ?? 0;

function stateOf(p: ProductDoc): ProductState {
  const { _id: _omitId, version: _omitVersion, ...state } = p;
  return state;
}

export class ProductRevisions {
  /** One change per product at a time in this process: retries happen only between processes. */
  private readonly serial = new KeyedSerializer();
  /** Called after every revision insert (the event side kicks its outbox relay). */
  onRecorded: () => void = () => {};
  /** Called with the product after each of this process's changes, before the change returns (the listing model). */
  onChanged: (product: ProductDoc) => void = () => {};

  constructor(private readonly m: ProductModels) {}

  /** A new product: the copy (its unique SKU and slug decide) and its first revision. */
  async create(doc: ProductDoc): Promise<void> {
    await this.m.Product.create({ ...doc, version: 1 });
    await this.insert(doc._id, 1, 'CREATED', Object.keys(stateOf(doc)), stateOf(doc)).catch((err: unknown) => {
      // A change that followed at once and found no revision 1 already recorded the product as version 1.
      if (!isDuplicateKey(err)) throw err;
    });
    this.onChanged({ ...doc, version: 1 });
  }

  /** Decides a change on the newest state and records it as the next revision; see the class comment. */
  change<R>(id: Types.ObjectId, decide: (current: ProductDoc) => Promise<Edit<R>>): Promise<ChangeOutcome<R>> {
    return this.serial.run(id.toHexString(), async () => {
      for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
        // Catching the copy up first means every change is decided on a state the copy can take.
        const current = await this.project(id);
        if (!current) return { kind: 'missing' };
        const edit = await decide(current);
        if (edit.kind === 'keep') return { kind: 'kept', product: current, result: edit.result };
        const version = versionOf(current) + 1;
        const state: ProductState = { ...stateOf(current), ...edit.set, updatedAt: new Date() };
        try {
          await this.insert(id, version, edit.change, Object.keys(edit.set), state);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          await contentionPause(attempt); // another change took this version: decide again on it
          continue;
        }
        const product = (await this.project(id))!;
        this.onChanged(product);
        const refusedSlug =
          edit.set.slug !== undefined && product.slug !== edit.set.slug ? await this.refusal(id, version, edit.set.slug) : null;
        return { kind: 'changed', product, version, refusedSlug };
      }
      throw new ConflictError(`product ${id.toHexString()}`);
    });
  }

  /** The copy, and the newest state: the copy with the revisions it has not caught up with. */
  private async read(id: Types.ObjectId): Promise<{ copy: ProductDoc; newest: ProductDoc } | null> {
    const copy = await this.m.Product.findById(id).lean();
    if (!copy) return null;
    let newest: ProductDoc = copy;
    for (;;) {
      const next = await this.m.Revision.findById(revisionId(id, versionOf(newest) + 1)).lean();
      if (!next) return { copy, newest };
      newest = { ...next.state, _id: id, version: next.version };
    }
  }

  /** Brings the copy up to the newest revision and returns it once a read shows it current (null: no such product). */
  private async project(id: Types.ObjectId): Promise<ProductDoc | null> {
    for (let attempt = 0; attempt < MAX_CONTENDED_ATTEMPTS; attempt++) {
      const found = await this.read(id);
      if (!found) return null;
      const { copy, newest } = found;
      if (versionOf(copy) === versionOf(newest)) return copy;
      try {
        await this.m.Product.updateOne({ _id: id, version: copy.version }, { $set: { ...stateOf(newest), version: versionOf(newest) } });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await this.refuseSlug(id, newest, copy.slug); // the only other unique field, the SKU, never changes
      }
    }
    throw new ConflictError(`product ${id.toHexString()}`);
  }

  /** Records that `newest`'s slug was taken by another product: the next revision keeps the copy's slug. */
  private async refuseSlug(id: Types.ObjectId, newest: ProductDoc, slug: string): Promise<void> {
    const state = { ...stateOf(newest), slug, updatedAt: new Date() };
    await this.insert(id, versionOf(newest) + 1, 'SLUG_REFUSED', ['slug'], state, newest.slug).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err; // a concurrent writer appended first; the next round copies that
    });
  }

  /** `slug` if a SLUG_REFUSED revision after `version` undid it. */
  private async refusal(id: Types.ObjectId, version: number, slug: string): Promise<string | null> {
    const refused = await this.m.Revision.exists({ productId: id, change: 'SLUG_REFUSED', refusedSlug: slug, version: { $gt: version } });
    return refused ? slug : null;
  }

  private async insert(
    productId: Types.ObjectId,
    version: number,
    change: ProductChange,
    fields: string[],
    state: ProductState,
    refusedSlug: string | null = null,
  ): Promise<void> {
    const doc: ProductRevisionDoc = {
      _id: revisionId(productId, version),
      productId,
      version,
      change,
      fields,
      refusedSlug,
      state,
      at: state.updatedAt,
      // The revision is its own outbox entry (docs/design.md §6): recorded and "will be published" in one insert.
      event: productChangedEvent(productId, version, state),
      publishedAt: null,
    };
    await this.m.Revision.create(doc);
    this.onRecorded();
  }
}
